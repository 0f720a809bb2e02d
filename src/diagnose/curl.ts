import type { Exchange } from '../http/exchange.js';
import { TOKEN_PLACEHOLDER } from '../http/redact.js';

const SKIPPED_HEADERS = new Set(['host', 'content-length', 'connection']);

/** Single-quotes for the shell, except the token placeholder, which must expand. */
function shellQuote(value: string): string {
  const quoted = `'${value.replace(/'/g, `'\\''`)}'`;
  return quoted.split(TOKEN_PLACEHOLDER).join(`'"${TOKEN_PLACEHOLDER}"'`).replace(/^''|''$/g, '');
}

/** A curl command that sends the same request again; the token appears as `$SCIM_TOKEN`. */
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
