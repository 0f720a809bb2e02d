import type { TransportError } from './exchange.js';
import type { Redactor } from './redact.js';

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;

/** Turns undici's and Node's errors into one stable code and a sentence a person can act on. */
export function describeTransportError(error: unknown, timeoutMs: number, redactor: Redactor): TransportError {
  const chain: Array<{ code?: unknown; message?: string; name?: string }> = [];
  for (let e = error as { cause?: unknown } | undefined; e !== undefined && e !== null && chain.length < 5; e = e.cause as typeof e) {
    chain.push(e as { code?: unknown; message?: string; name?: string });
  }
  // A DOMException's code is a number; undici's and Node's are strings. The name says TimeoutError.
  const codes = chain.flatMap((e) => [String(e.code ?? ''), e.name ?? '']);
  const has = (pattern: RegExp) => codes.some((code) => pattern.test(code));
  const detail = redactor.text(chain.map((e) => e.message).filter(Boolean).join(': '));
  if (has(/TimeoutError|AbortError|TIMEOUT/)) {
    return { code: 'TIMEOUT', message: `no complete answer within ${timeoutMs} ms (SCIM_TIMEOUT_MS)` };
  }
  if (has(/ECONNREFUSED/)) return { code: 'CONNECTION_REFUSED', message: 'the connection was refused: nothing listens at that host and port' };
  if (has(/ENOTFOUND|EAI_AGAIN|EAI_NONAME/)) return { code: 'DNS_FAILED', message: 'the host name does not resolve' };
  if (has(TLS_CODES)) return { code: 'TLS_FAILED', message: `the TLS handshake failed: ${detail}` };
  if (has(/ECONNRESET|UND_ERR_SOCKET|EPIPE/)) return { code: 'CONNECTION_RESET', message: `the connection was closed mid-exchange: ${detail}` };
  return { code: 'NETWORK_ERROR', message: detail || 'the request failed' };
}
