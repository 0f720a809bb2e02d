import type { Exchange } from '../http/exchange.js';
import { redactKnownSecrets } from '../http/redact.js';
import { escapeControl } from './escape.js';

const EXCERPT_LENGTH = 160;

/**
 * The start of what a server sent, on one line: its whitespace (line breaks too) collapsed, so that
 * pretty-printed JSON stays readable, and every other control character shown as an escape.
 * Secrets are replaced before it is cut: a token cut in two would no longer be recognised.
 */
export function excerpt(text: string, length = EXCERPT_LENGTH): string {
  const flat = redactKnownSecrets(text).replace(/\s+/g, ' ').trim();
  return escapeControl(flat.length > length ? `${flat.slice(0, length)}…` : flat);
}

/**
 * "200, Content-Type text/html, 5120 bytes: <!DOCTYPE html>…" — the first part of every message.
 * Everything in it the server chose (headers, body, the URL a redirect led to) is escaped here, so
 * a finding that quotes it cannot forge or hide a line of the output.
 */
export function describeResponse(exchange: Exchange): string {
  const { request, response, error } = exchange;
  const what = `${request.method} ${request.url}`;
  if (error !== undefined) return escapeControl(`${what} got no HTTP answer: ${error.message}`);
  if (response === undefined) return escapeControl(`${what} was not sent`);
  const type = response.headers['content-type'];
  const parts = [`${what} answered ${response.status}`, type === undefined ? 'no Content-Type' : `Content-Type ${type}`];
  const location = response.headers['location'];
  if (location !== undefined) parts.push(`Location ${location}`);
  const body = response.body.trim() === '' ? 'an empty body' : `body ${excerpt(response.body)}`;
  return escapeControl(`${parts.join(', ')}, ${body}${response.truncated ? ' (cut at the size limit)' : ''}`);
}

/** "GET /scim/v2/Users?startIndex=1&count=2": which request a finding is about, in one short line. */
export function requestLine(exchange: Exchange): string {
  const { method, url } = exchange.request;
  try {
    const parsed = new URL(url);
    // Decoded for reading; `%0A` or `%1B` in it must not become a line break or an escape sequence.
    return escapeControl(`${method} ${decodeURIComponent(parsed.pathname + parsed.search)}`);
  } catch {
    return escapeControl(`${method} ${url}`);
  }
}
