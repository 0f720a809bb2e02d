/**
 * Secrets are replaced wherever an exchange or a message is recorded or shown: the exchange log,
 * the HAR, every finding and report, the console and the curl line. The checks judge the answer as
 * it came, unredacted: a replaced secret must never change what a check concludes (a token `tok`
 * inside `invalid_token`). A hostile server could echo the token back, and not only as sent:
 * JSON-escaped (`\/`, `\u0041`, or a mix of both), percent-encoded, HTML-escaped, base64 or
 * base64url (alone, inside a Basic `user:pass` credential, or anywhere inside a longer base64
 * string). Every one of those forms is recognised and replaced.
 * The bearer token becomes `$SCIM_TOKEN`, so a recorded request pastes into a shell as a working curl;
 * the other methods' secrets become the name of the variable they came from (see auth.ts).
 */
export const TOKEN_PLACEHOLDER = '$SCIM_TOKEN';
export const REDACTED = '[REDACTED]';

export interface Secret {
  value: string;
  placeholder: string;
}

/** Shorter pieces of base64 would match unrelated text: a secret that short is recognised by its other forms. */
const MIN_BASE64_FRAGMENT = 4;

/**
 * A secret shorter than this cannot be told apart from ordinary text: `tok` is also inside
 * `invalid_token`. It is replaced only where it stands as a word of its own (in each of its forms),
 * never inside a longer word or a longer base64 string, and the banner says so (shortSecretWarning).
 */
export const SHORT_SECRET_LENGTH = 8;

export function isShortSecret(value: string): boolean {
  return value.length < SHORT_SECRET_LENGTH;
}

interface Variant {
  text: string;
  placeholder: string;
  /** Replaced only where neither neighbour continues a word the variant starts or ends (a short secret). */
  wholeWord: boolean;
}

interface Range {
  start: number;
  end: number;
  placeholder: string;
}

export class Redactor {
  private readonly secrets: Secret[] = [];
  /** Every variant of every secret, longest first, so that a secret holding another is replaced whole. */
  private variants: Variant[] = [];
  private anySpace = false;

  constructor(secrets: Array<Secret | undefined>) {
    for (const secret of secrets) this.add(secret);
  }

  /** Registers a secret learned later (an OAuth access token) before anything that holds it is recorded. */
  add(secret: Secret | undefined): void {
    if (secret === undefined || secret.value.length === 0) return;
    if (this.secrets.some((known) => known.value === secret.value)) return;
    this.secrets.push(secret);
    this.variants = this.secrets
      .flatMap((s): Variant[] => encodedVariants(s.value).map((text) => ({ text, placeholder: s.placeholder, wholeWord: isShortSecret(s.value) })))
      .sort((a, b) => b.text.length - a.text.length);
    this.anySpace = this.secrets.some((s) => s.value.includes(' '));
    if (this !== everywhere) everywhere.add(secret);
  }

  text(value: string): string {
    if (this.variants.length === 0 || value === '') return value;
    const found = this.find(identityView(value));
    if (ESCAPE_INTRODUCERS.test(value)) {
      found.push(...this.find(decodedView(value, false)));
      // `+` is a space only in form encoding; in base64 it is itself. Both readings are searched.
      if (this.anySpace) found.push(...this.find(decodedView(value, true)));
    }
    return replaceRanges(value, found);
  }

  headers(headers: Record<string, string>): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) result[name] = this.text(value);
    return result;
  }

  /** A URL as it may be recorded: without its userinfo, and with every secret in it replaced. */
  url(value: string): string {
    return this.text(withoutUserinfo(value));
  }

  /** Where each variant occurs in the view, as ranges of the original text. */
  private find(view: View): Range[] {
    const ranges: Range[] = [];
    for (const { text, placeholder, wholeWord } of this.variants) {
      for (let at = view.text.indexOf(text); at !== -1; at = view.text.indexOf(text, at + (wholeWord ? 1 : text.length))) {
        if (wholeWord && !standsAlone(view.text, at, text)) continue;
        ranges.push({ start: view.start(at), end: view.end(at + text.length - 1), placeholder });
        if (wholeWord) at += text.length - 1;
      }
    }
    return ranges;
  }
}

/**
 * Every secret any client of this process was given or issued. What reaches an output and may
 * quote a server (a finding, a skip reason, a report line) passes through it: see
 * `escapeControl`, which applies it, so that one function makes server text safe to show.
 */
const everywhere = new Redactor([]);

/** The text with every secret known to this process replaced, in every form it is recognised by. */
export function redactKnownSecrets(text: string): string {
  return everywhere.text(text);
}

const WORD_CHARACTER = /[A-Za-z0-9_]/;

/** Like a regular expression's `\b` at both ends: the text at `at` is not part of a longer word. */
function standsAlone(text: string, at: number, variant: string): boolean {
  const continues = (inner: string, outer: string) => WORD_CHARACTER.test(inner) && WORD_CHARACTER.test(outer);
  const before = text.charAt(at - 1);
  const after = text.charAt(at + variant.length);
  return !(before !== '' && continues(variant.charAt(0), before)) && !(after !== '' && continues(variant.charAt(variant.length - 1), after));
}

/**
 * The strings a secret is recognised by: itself, and the part of its base64 and base64url encodings
 * that does not depend on its neighbours, at each of the 3 byte alignments it can have inside a
 * longer base64 string (a Basic credential `user:secret`, a JWT, a server's own encoding).
 */
function encodedVariants(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  // The whole encodings too, padding included: a short secret's fragments alone would not stand as a word.
  const variants = new Set([value, bytes.toString('base64'), bytes.toString('base64url')]);
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Base64 character i carries bits 6i..6i+5: keep those made of the secret's bits alone.
    const fragment = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    if (fragment.length < MIN_BASE64_FRAGMENT) continue;
    variants.add(fragment);
    variants.add(fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...variants];
}

/** Replaces each range by its placeholder; overlapping ranges become one, with the longest first one's placeholder. */
function replaceRanges(text: string, ranges: Range[]): string {
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Range[] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.start < last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  let result = '';
  let at = 0;
  for (const range of merged) {
    result += text.slice(at, range.start) + range.placeholder;
    at = range.end;
  }
  return result + text.slice(at);
}

/** A text with its escapes decoded, and where in the original each decoded character came from. */
interface View {
  text: string;
  start(index: number): number;
  end(index: number): number;
}

/** The characters that start an escape: with none of them, a text is its own decoding. */
const ESCAPE_INTRODUCERS = /[\\%&+]/;
const INTRODUCER = /[\\%&+]/g;

function identityView(text: string): View {
  return { text, start: (index) => index, end: (index) => index + 1 };
}

/**
 * Decodes, in one pass, every escape a JSON, URL or HTML encoder can produce, mixed freely:
 * `\uXXXX` and `\/` (after any run of backslashes, for JSON quoted in JSON), `%XX` (each UTF-8 byte;
 * `%25XX` for a second round), `+` for a space when `plusIsSpace`, `&#NN;`, `&#xNN;`, `&amp;`.
 */
function decodedView(text: string, plusIsSpace: boolean): View {
  // A decoded text is never longer than its original: each escape decodes to fewer units than it has.
  const starts = new Int32Array(text.length);
  const ends = new Int32Array(text.length);
  const pieces: string[] = [];
  let length = 0;
  const copy = (from: number, to: number) => {
    pieces.push(text.slice(from, to));
    for (let k = from; k < to; k++, length++) {
      starts[length] = k;
      ends[length] = k + 1;
    }
  };
  for (let i = 0; i < text.length;) {
    INTRODUCER.lastIndex = i;
    const next = INTRODUCER.exec(text)?.index ?? text.length;
    if (next > i) {
      copy(i, next);
      i = next;
      continue;
    }
    const escape = decodeAt(text, i, plusIsSpace);
    if (escape === undefined) {
      copy(i, i + 1);
      i += 1;
      continue;
    }
    pieces.push(escape.units);
    for (let k = 0; k < escape.units.length; k++, length++) {
      starts[length] = i;
      ends[length] = escape.end;
    }
    i = escape.end;
  }
  return { text: pieces.join(''), start: (index) => starts[index] ?? 0, end: (index) => ends[index] ?? text.length };
}

interface Decoded {
  units: string;
  end: number;
}

const JSON_SHORT: Readonly<Record<string, string>> = { '/': '/', '"': '"', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const HTML_NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const HTML_REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/y;

function isHex(text: string, from: number, count: number): boolean {
  for (let k = from; k < from + count; k++) {
    const c = text.charCodeAt(k);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

function decodeAt(text: string, i: number, plusIsSpace: boolean): Decoded | undefined {
  switch (text.charAt(i)) {
    case '\\':
      return decodeBackslash(text, i);
    case '%':
      return decodePercent(text, i);
    case '&':
      return decodeHtmlReference(text, i);
    case '+':
      return plusIsSpace ? { units: ' ', end: i + 1 } : undefined;
    default:
      return undefined;
  }
}

function decodeBackslash(text: string, i: number): Decoded | undefined {
  let j = i;
  while (text.charAt(j) === '\\') j++;
  const next = text.charAt(j);
  if (next === 'u' && isHex(text, j + 1, 4)) return { units: String.fromCharCode(parseInt(text.slice(j + 1, j + 5), 16)), end: j + 5 };
  const short = JSON_SHORT[next];
  if (short !== undefined) return { units: short, end: j + 1 };
  // A run of backslashes is one escaped backslash, however many rounds of escaping made it.
  return j - i >= 2 ? { units: '\\', end: j } : undefined;
}

function decodeHtmlReference(text: string, i: number): Decoded | undefined {
  HTML_REFERENCE.lastIndex = i;
  const match = HTML_REFERENCE.exec(text);
  if (match === null) return undefined;
  const [, decimal, hex, named] = match;
  const point = decimal !== undefined ? Number(decimal) : hex !== undefined ? parseInt(hex, 16) : undefined;
  const units = point === undefined ? HTML_NAMED[named ?? ''] : point <= 0x10ffff ? String.fromCodePoint(point) : undefined;
  return units === undefined ? undefined : { units, end: HTML_REFERENCE.lastIndex };
}

/** One `%XX` byte, after any number of `25`s (`%252F` is `%2F` encoded once more). */
function percentByte(text: string, i: number): { byte: number; end: number } | undefined {
  if (text.charAt(i) !== '%') return undefined;
  let k = i + 1;
  while (text.startsWith('25', k) && isHex(text, k + 2, 2)) k += 2;
  return isHex(text, k, 2) ? { byte: parseInt(text.slice(k, k + 2), 16), end: k + 2 } : undefined;
}

/** A percent-encoded character: one byte below 0x80, or the whole UTF-8 sequence of one above. */
function decodePercent(text: string, i: number): Decoded | undefined {
  const first = percentByte(text, i);
  if (first === undefined) return undefined;
  if (first.byte < 0x80) return { units: String.fromCharCode(first.byte), end: first.end };
  const length = first.byte >= 0xf0 ? 4 : first.byte >= 0xe0 ? 3 : first.byte >= 0xc0 ? 2 : 0;
  if (length === 0) return undefined;
  const bytes = [first.byte];
  let end = first.end;
  while (bytes.length < length) {
    const next = percentByte(text, end);
    if (next === undefined || (next.byte & 0xc0) !== 0x80) return undefined;
    bytes.push(next.byte);
    end = next.end;
  }
  return { units: Buffer.from(bytes).toString('utf8'), end };
}

const SCHEME_AND_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;

function withoutUserinfo(url: string): string {
  return url.replace(SCHEME_AND_USERINFO, '$1');
}

/**
 * A URL as a message may show it: scheme, host, port and path, never the userinfo, query or
 * fragment, which may hold credentials (`https://user:pass@…`, `?api_key=…`). For configuration
 * errors and the token endpoint; recorded requests keep their query, redacted (`Redactor.url`).
 */
export function safeUrl(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^/?#]*@)?([^?#]*)/i.exec(url.trim());
  if (match !== null) return `${match[1] ?? ''}${match[2] ?? ''}`;
  // Not a URL at all: still nothing after a `?` or `#`, nor before an `@`.
  return (url.trim().split(/[?#]/)[0] ?? '').replace(/^[^/]*@/, '');
}

/**
 * A URL of the configuration as a record may keep it: no userinfo or fragment, and each query value
 * replaced (`?tenant=[REDACTED]`), so that the record still shows which parameters were sent.
 */
export function withoutQueryValues(url: string): string {
  const [beforeFragment = ''] = withoutUserinfo(url).split('#');
  const at = beforeFragment.indexOf('?');
  if (at === -1) return beforeFragment;
  const pairs = beforeFragment
    .slice(at + 1)
    .split('&')
    .map((pair) => (pair.includes('=') ? `${pair.slice(0, pair.indexOf('='))}=${REDACTED}` : pair));
  return `${beforeFragment.slice(0, at)}?${pairs.join('&')}`;
}

/**
 * The secrets a URL's userinfo holds (`https://user:pass@host`): the password as written and
 * decoded, and `user:password`, so that it is redacted also inside a Basic credential.
 */
export function userinfoSecrets(url: string, placeholder: string): Secret[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  const user = decode(parsed.username);
  const password = decode(parsed.password);
  // A user name alone (`https://token@host`) is the credential; shorter than this it would match everywhere.
  const values = password === '' ? [user.length >= 4 ? user : ''] : [parsed.password, password, `${user}:${password}`];
  return values.filter((value) => value !== '').map((value) => ({ value, placeholder }));
}

export function bearerSecret(token: string | undefined): Secret | undefined {
  return token === undefined ? undefined : { value: token, placeholder: TOKEN_PLACEHOLDER };
}
