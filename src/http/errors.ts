import type { TransportError } from './exchange.js';
import type { Redactor } from './redact.js';

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;
/**
 * What OpenSSL says when the bytes that came back are not a TLS record at all: the port speaks
 * plain HTTP (its "HTTP/1.1 400" read as a TLS header). No certificate was ever looked at.
 */
const PLAIN_HTTP_ANSWER = /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST|wrong version number|packet length too long|http request/i;
/** undici's words when a proxy refuses a CONNECT tunnel (it calls that an abort, not a timeout). */
const PROXY_REFUSAL = /Proxy response \((\d{3})\) !== 200/;

export const PROXY_AUTH_MESSAGE =
  'the proxy answered 407 Proxy Authentication Required: it wants credentials. Put them in the proxy URL, HTTPS_PROXY=http://user:password@proxy:port (and HTTP_PROXY for http:// servers); see docs/networks.md';

type ErrorLink = { code?: unknown; message?: string; name?: string };

/** Turns undici's and Node's errors into one stable code and a sentence a person can act on. */
export function describeTransportError(error: unknown, timeoutMs: number, redactor: Redactor): TransportError {
  const chain: ErrorLink[] = [];
  for (let e = error as { cause?: unknown } | undefined; e !== undefined && e !== null && chain.length < 5; e = e.cause as typeof e) {
    chain.push(e as ErrorLink);
  }
  // A DOMException's code is a number; undici's and Node's are strings. The name says TimeoutError.
  const codes = chain.flatMap((e) => [String(e.code ?? ''), e.name ?? '']);
  const has = (pattern: RegExp) => codes.some((code) => pattern.test(code));
  const messages = chain.map((e) => e.message).filter((m): m is string => typeof m === 'string' && m !== '');
  const detail = redactor.text(messages.join(': '));
  // Before the timeout test: undici reports a refused tunnel as an AbortError.
  const proxyStatus = messages.map((m) => PROXY_REFUSAL.exec(m)?.[1]).find((status) => status !== undefined);
  if (proxyStatus === '407') return { code: 'PROXY_AUTH_REQUIRED', message: PROXY_AUTH_MESSAGE };
  if (proxyStatus !== undefined) return { code: 'PROXY_REFUSED', message: `the proxy refused to open a tunnel to the server: it answered ${proxyStatus}` };
  if (has(/TimeoutError|AbortError|TIMEOUT/)) {
    return { code: 'TIMEOUT', message: `no complete answer within ${timeoutMs} ms (SCIM_TIMEOUT_MS)` };
  }
  if (has(/ECONNREFUSED/)) return { code: 'CONNECTION_REFUSED', message: 'the connection was refused: nothing listens at that host and port' };
  if (has(/ENOTFOUND|EAI_AGAIN|EAI_NONAME/)) return { code: 'DNS_FAILED', message: 'the host name does not resolve' };
  if (has(PLAIN_HTTP_ANSWER) || messages.some((m) => PLAIN_HTTP_ANSWER.test(m))) {
    return {
      code: 'PLAIN_HTTP_PORT',
      message: 'the port answered in plain HTTP, not TLS: SCIM_BASE_URL says https:// for a port that serves http://. Use http:// with this port, or the port that serves HTTPS',
    };
  }
  if (has(TLS_CODES)) return { code: 'TLS_FAILED', message: `the TLS handshake failed: ${detail}` };
  if (has(/ECONNRESET|UND_ERR_SOCKET|EPIPE/)) return { code: 'CONNECTION_RESET', message: `the connection was closed mid-exchange: ${detail}` };
  return { code: 'NETWORK_ERROR', message: detail || 'the request failed' };
}
