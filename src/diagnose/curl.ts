import type { Exchange } from '../http/exchange.js';
const SKIPPED_HEADERS = new Set(['host', 'content-length', 'connection']);

/** Where the recording put a secret: `$SCIM_TOKEN`, `$SCIM_BASIC_CREDENTIALS`, … */
const SECRET_PLACEHOLDER = /\$SCIM_[A-Z_]+/g;

/** Single-quotes for the shell, except the secrets' placeholders, which must expand. */
function shellQuote(value: string): string {
  const quoted = `'${value.replace(/'/g, `'\\''`)}'`;
  return quoted.replace(SECRET_PLACEHOLDER, (name) => `'"${name}"'`).replace(/^''|''$/g, '');
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
