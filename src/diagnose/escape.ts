/**
 * What a server sends is quoted in findings, the curl line, the verdict and the cleanup lines, and
 * those reach a terminal, a Markdown summary, an HTML page and JUnit/JSON files. A control character
 * in it could clear the screen, conceal text, move the cursor back (CR) or start a new line of ours,
 * and a bidi override could make a line read differently from what it says. Each such character is
 * shown as a visible escape instead (`\x1b`, `\n`, `\u202e`), so the text reads as the server sent
 * it and can neither forge nor hide a line.
 *
 * Backslashes are left alone on purpose: escaping twice changes nothing, so each layer that quotes
 * server text may escape it without caring whether another layer did.
 *
 * The same functions replace every secret this process knows (src/http/redact.ts): the checks see
 * answers unredacted, and what a server sent reaches an output only through here, so a token it
 * echoed is never shown, whichever layer quotes it.
 */
import { redactKnownSecrets } from '../http/redact.js';

/** C0 (line breaks included), DEL, C1, and the Unicode characters that break or reorder a line. */
const UNSAFE = '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]';
const UNSAFE_ALL = new RegExp(UNSAFE, 'g');
const UNSAFE_ANY = new RegExp(UNSAFE);

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(character: string): string {
  const short = SHORT_ESCAPES[character];
  if (short !== undefined) return short;
  const code = character.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every known secret replaced, and every unsafe character by its visible escape. */
export function escapeControl(text: string): string {
  return redactKnownSecrets(text).replace(UNSAFE_ALL, visible);
}

/** True when the text holds a character `escapeControl` would replace. */
export function hasUnsafeCharacters(text: string): boolean {
  return UNSAFE_ANY.test(text);
}

/** The unsafe characters JSON.stringify leaves as they are: it escapes C0 itself, but not DEL, C1 or these. */
const BEYOND_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text with the unsafe characters JSON.stringify leaves raw written as `\uXXXX` escapes: the
 * same data once parsed, and nothing in the file that acts on a terminal or reorders a line.
 */
export function jsonWithoutRawControls(json: string): string {
  return redactKnownSecrets(json).replace(BEYOND_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text for a value that will be written as JSON (a finding's exchange): only what JSON.stringify leaves raw is escaped. */
export function escapeBeyondJson(text: string): string {
  return redactKnownSecrets(text).replace(BEYOND_JSON, visible);
}
