import type { Exchange } from '../http/exchange.js';
import { hasUnsafeCharacters } from './escape.js';

const SKIPPED_HEADERS = new Set(['host', 'content-length', 'connection']);

/** Where the recording put a secret: `$SCIM_TOKEN`, `$SCIM_BASIC_CREDENTIALS`, … */
const SECRET_PLACEHOLDER = /(\$SCIM_[A-Z_]+)/;

/**
 * Bash's ANSI-C quoting (`$'…'`) for text holding characters that must not reach the terminal raw
 * (a body the server sent back, a header value): the command stays exact, and reads as escapes.
 */
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function ansiCQuote(value: string): string {
  const escaped = [...value]
    .map((character) => {
      if (character === '\\' || character === "'") return `\\${character}`;
      if (!hasUnsafeCharacters(character)) return character;
      const short = SHORT_ESCAPES[character];
      if (short !== undefined) return short;
      const code = character.codePointAt(0) ?? 0;
      return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    })
    .join('');
  return `$'${escaped}'`;
}

function quotePart(value: string): string {
  if (value === '') return '';
  return hasUnsafeCharacters(value) ? ansiCQuote(value) : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Quotes for the shell, except the secrets' placeholders, which must expand. */
function shellQuote(value: string): string {
  const quoted = value
    .split(SECRET_PLACEHOLDER)
    .map((part, index) => (index % 2 === 1 ? `"${part}"` : quotePart(part)))
    .join('');
  return quoted === '' ? "''" : quoted;
}

/** A curl command that sends the same request again; secrets appear as shell variables. */
export function toCurl(exchange: Exchange): string {
  const { method, url, headers, body } = exchange.request;
  const parts = ['curl -i'];
  if (method !== 'GET' || body !== undefined) parts.push(`-X ${method}`);
  parts.push(shellQuote(url));
  for (const [name, value] of Object.entries(headers)) {
    if (!SKIPPED_HEADERS.has(name.toLowerCase())) parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (body !== undefined) parts.push(`--data-raw ${shellQuote(body)}`);
  return parts.join(' ');
}
