import { Agent, request, type Dispatcher } from 'undici';
import type { Exchange, RecordedResponse, TransportError } from './exchange.js';
import { Limiter } from './limiter.js';
import { bearerSecret, Redactor } from './redact.js';

export const USER_AGENT = 'scim-conformance/0.1';
const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface ClientOptions {
  baseUrl: string;
  token: string | undefined;
  timeoutMs: number;
  maxInFlight: number;
  maxBodyBytes?: number;
}

export interface RequestOptions {
  method?: string;
  /** Appended to the Base URL (`/Users`), or an absolute URL for probes outside it. */
  path: string;
  /** Values are percent-encoded the way Okta and Entra encode them (a space is %20, not +). */
  query?: Record<string, string | number>;
  headers?: Record<string, string>;
  /** Sent as JSON with `Content-Type: application/scim+json`. */
  json?: unknown;
  /** Sent as is, for malformed bodies. */
  body?: string;
  /** `token` (default) sends the configured bearer token, `none` sends no Authorization header. */
  auth?: 'token' | 'none' | { bearer: string };
}

/**
 * The one HTTP client: every request of the suite goes through it. It applies the timeout to the
 * whole exchange (a server that answers one byte a second still ends), does not follow redirects
 * (a redirect is a finding), caps the body it reads, and records each exchange with credentials
 * redacted.
 */
export class ScimClient {
  readonly log: Exchange[] = [];
  private readonly redactor: Redactor;
  private readonly limiter: Limiter;
  private readonly dispatcher: Dispatcher;
  private readonly maxBodyBytes: number;

  constructor(private readonly options: ClientOptions) {
    this.redactor = new Redactor([bearerSecret(options.token)]);
    this.limiter = new Limiter(options.maxInFlight);
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.dispatcher = new Agent({
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  url(path: string, query?: Record<string, string | number>): string {
    const base = /^https?:\/\//i.test(path) ? path : `${this.options.baseUrl}${path}`;
    if (query === undefined || Object.keys(query).length === 0) return base;
    const pairs = Object.entries(query).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
    return `${base}${base.includes('?') ? '&' : '?'}${pairs.join('&')}`;
  }

  send(options: RequestOptions): Promise<Exchange> {
    return this.limiter.run(() => this.exchange(options));
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private headersFor(options: RequestOptions): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/scim+json', 'user-agent': USER_AGENT };
    const auth = options.auth ?? 'token';
    if (auth === 'token' && this.options.token !== undefined) headers['authorization'] = `Bearer ${this.options.token}`;
    if (typeof auth === 'object') headers['authorization'] = `Bearer ${auth.bearer}`;
    if (options.json !== undefined || options.body !== undefined) headers['content-type'] = 'application/scim+json; charset=utf-8';
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    return headers;
  }

  private async exchange(options: RequestOptions): Promise<Exchange> {
    const method = options.method ?? 'GET';
    const url = this.url(options.path, options.query);
    const headers = this.headersFor(options);
    const body = options.json !== undefined ? JSON.stringify(options.json) : options.body;
    const started = Date.now();
    const record: Exchange = {
      request: {
        method,
        url: this.redactor.text(url),
        headers: this.redactor.headers(headers),
        ...(body !== undefined ? { body: this.redactor.text(body) } : {}),
      },
      timing: { startedAt: new Date(started).toISOString(), durationMs: 0 },
    };
    try {
      const response = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        ...(body !== undefined ? { body } : {}),
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      record.response = await this.readResponse(response);
    } catch (error) {
      record.error = describeTransportError(error, this.options.timeoutMs, this.redactor);
    }
    record.timing.durationMs = Date.now() - started;
    this.log.push(record);
    return record;
  }

  private async readResponse(response: Dispatcher.ResponseData): Promise<RecordedResponse> {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let truncated = false;
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      const room = this.maxBodyBytes - bytes;
      if (buffer.length > room) {
        chunks.push(buffer.subarray(0, room));
        bytes += room;
        truncated = true;
        response.body.destroy();
        break;
      }
      chunks.push(buffer);
      bytes += buffer.length;
    }
    return {
      status: response.statusCode,
      headers: this.redactor.headers(flattenHeaders(response.headers)),
      body: this.redactor.text(Buffer.concat(chunks).toString('utf8')),
      truncated,
      bytes,
    };
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;

/** Turns undici's and Node's errors into one stable code and a sentence a person can act on. */
export function describeTransportError(error: unknown, timeoutMs: number, redactor: Redactor): TransportError {
  const chain: Array<{ code?: string; message?: string; name?: string }> = [];
  for (let e = error as { cause?: unknown } | undefined; e !== undefined && e !== null && chain.length < 5; e = e.cause as typeof e) {
    chain.push(e as { code?: string; message?: string; name?: string });
  }
  const codes = chain.map((e) => e.code ?? e.name ?? '');
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
