import { isUtf8 } from 'node:buffer';
import type { Dispatcher } from 'undici';
import { request } from './undici.js';
import type { AuthSettings, ProxySettings } from '../config.js';
import { createAuthenticator, OAuthClientCredentials, type Authenticator } from './auth.js';
import { createDispatcher, proxyFor } from './dispatcher.js';
import { describeTransportError, PROXY_AUTH_MESSAGE } from './errors.js';
import type { Exchange, RecordedResponse, RetriedAnswer } from './exchange.js';
import { RunHalted, type Gate } from './gate.js';
import { Limiter, sleep } from './limiter.js';
import { REDACTED, Redactor, safeUrl, userinfoSecrets, type Secret } from './redact.js';
import { RETRYABLE_STATUSES, retryAfterMs } from './retry-after.js';
import { parsedBody, WriteGuard } from './write-guard.js';
import { isSilent, SILENT_REQUESTS_IN_A_ROW, silenceCause, type SilentMark } from './silence.js';
import type { ToolErrorCode } from '../checks/tool-errors.js';

export { describeTransportError } from './errors.js';
export { WriteGuardRefusal } from './write-guard.js';

export const USER_AGENT = 'scim-conformance/0.1';
const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;
/** What is kept of a body longer than the cap: enough to show what it was. */
const KEPT_OF_TRUNCATED_BODY = 64 * 1024;
/** A retry is only worth it when this much of the budget is left after the wait. */
const MIN_RETRY_BUDGET_MS = 100;
/** Retry-After waits per request at most: "Retry-After: 0" forever must not become a loop of requests. */
const MAX_THROTTLE_WAITS = 3;
/** How long past its deadline a request may ignore its abort signal before its dispatcher is replaced. */
const ABORT_GRACE_MS = 250;

export interface ClientOptions {
  baseUrl: string;
  /** The bearer token; with OAuth, the access token the global setup already fetched. */
  token: string | undefined;
  /** With OAuth, the other tokens the global setup was issued with it (refresh, ID): redacted too. */
  issuedSecrets?: readonly Secret[] | undefined;
  timeoutMs: number;
  maxInFlight: number;
  maxBodyBytes?: number;
  /** Requests started per second at most; unlimited when absent. */
  maxRps?: number | undefined;
  /** The run's limiter, which the spec files' threads share; a Limiter of this client's own when absent. */
  gate?: Gate | undefined;
  /** Bearer (with `token`) when absent. */
  auth?: AuthSettings | undefined;
  caFile?: string | undefined;
  insecureTls?: boolean | undefined;
  proxy?: ProxySettings | undefined;
  /** Keep every exchange in `log` (default); a long walk turns it off to stay in bounded memory. */
  keepLog?: boolean | undefined;
  /** Told of every exchange as it ends, answered or not: how the global setup learns the server's distance. */
  onExchange?: ((exchange: Exchange) => void) | undefined;
  /**
   * False refuses every request that could change data (all but GET and HEAD, and POST /.search
   * with `searchPost`): without SCIM_WRITE=true nothing may be written, whatever a check asks for.
   */
  write?: boolean | undefined;
  /** SCIM_SEARCH_POST: a read-only run may send POST /.search (some servers route that POST to create). */
  searchPost?: boolean | undefined;
  /** How the write guard's read-back waits between tries; injected by tests, which need no clock. */
  readBackSleep?: ((ms: number) => Promise<void>) | undefined;
  /**
   * Stop the run's requests once the server goes silent (src/http/silence.ts). The spec files'
   * clients do; a client that must try every request (the preflight, a cleanup) does not.
   */
  watchSilence?: boolean | undefined;
}

/** Thrown for a write on a read-only run: a bug in a check, never a server's fault. */
export class ReadOnlyViolation extends Error {
  override name = 'ReadOnlyViolation';
  readonly code: ToolErrorCode = 'READ_ONLY_VIOLATION';
}

function isReadOnly(method: string, path: string, searchPost: boolean): boolean {
  const upper = method.toUpperCase();
  return upper === 'GET' || upper === 'HEAD' || (searchPost && upper === 'POST' && /\/\.search$/.test(path.split('?')[0] ?? ''));
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
  /**
   * `token` (default) sends the configured credentials (whatever SCIM_AUTH says), `none` sends no
   * credentials, `{ bearer }` sends that bearer token instead.
   */
  auth?: 'token' | 'none' | { bearer: string };
}

/** What the client did and waited for, for the bench and the end-of-run notes. */
export interface ClientStats {
  sent: number;
  /** Answers 429/503 whose Retry-After was honoured, and the total time waited for them. */
  throttled: number;
  throttledWaitMs: number;
  /** OAuth tokens fetched again after a 401. */
  reauthenticated: number;
}

/**
 * The one HTTP client: every request of the suite goes through it. It applies the timeout to the
 * whole exchange (a server that answers one byte a second still ends, and so does a wait for
 * Retry-After), does not follow redirects (a redirect is a finding), caps the body it reads, keeps
 * to the in-flight and per-second limits, and records each exchange with credentials redacted
 * (the exchange it returns keeps the answer unredacted, for the checks to judge).
 */
export class ScimClient {
  readonly log: Exchange[] = [];
  readonly stats: ClientStats = { sent: 0, throttled: 0, throttledWaitMs: 0, reauthenticated: 0 };
  readonly redactor: Redactor;
  /** What this client may write to: only what its run created and read back as its own. */
  readonly guard: WriteGuard;
  private readonly limiter: Gate;
  private dispatcher: Dispatcher;
  private readonly maxBodyBytes: number;
  private readonly authenticator: Authenticator;

  constructor(private readonly options: ClientOptions) {
    this.redactor = new Redactor([]);
    for (const url of [options.baseUrl, options.proxy?.httpProxy, options.proxy?.httpsProxy]) {
      for (const secret of url === undefined ? [] : userinfoSecrets(url, REDACTED)) this.redactor.add(secret);
    }
    for (const secret of options.issuedSecrets ?? []) this.redactor.add(secret);
    this.limiter = options.gate ?? new Limiter({ maxInFlight: options.maxInFlight, maxRps: options.maxRps });
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.dispatcher = createDispatcher(options);
    this.authenticator = createAuthenticator(options.auth, options.token, {
      // Outside the limiter: the request that needs the token already holds its place.
      post: (url, headers, body) => this.attempt('POST', url, headers, body, Date.now() + options.timeoutMs),
      redactor: this.redactor,
      record: (exchange) => this.record(exchange),
    });
    this.guard = new WriteGuard({
      baseUrl: options.baseUrl,
      read: (path) => this.send({ path }),
      sleep: options.readBackSleep ?? sleep,
    });
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** How requests are authenticated: bearer, basic, header or oauth. */
  get authMethod(): AuthSettings['method'] {
    return this.authenticator.method;
  }

  /**
   * With OAuth, fetches the access token now (the global setup does this once for the whole run);
   * throws OAuthTokenError, whose exchange shows what the token endpoint answered.
   */
  async accessToken(): Promise<string | undefined> {
    return this.authenticator instanceof OAuthClientCredentials ? this.authenticator.accessToken() : undefined;
  }

  /** With OAuth, the tokens issued besides the access token, for the workers' clients to redact. */
  issuedSecrets(): Secret[] {
    return this.authenticator instanceof OAuthClientCredentials ? [...this.authenticator.issued] : [];
  }

  url(path: string, query?: Record<string, string | number>): string {
    const base = /^https?:\/\//i.test(path) ? path : `${this.options.baseUrl}${path}`;
    if (query === undefined || Object.keys(query).length === 0) return base;
    const pairs = Object.entries(query).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
    return `${base}${base.includes('?') ? '&' : '?'}${pairs.join('&')}`;
  }

  send(options: RequestOptions): Promise<Exchange> {
    const method = options.method ?? 'GET';
    if (this.options.write === false && !isReadOnly(method, options.path, this.options.searchPost === true)) {
      const hint = method.toUpperCase() === 'POST' ? 'set SCIM_WRITE=true to allow writes, or SCIM_SEARCH_POST=true for POST /.search' : 'set SCIM_WRITE=true to allow writes';
      return Promise.reject(new ReadOnlyViolation(`read-only run: refusing ${method} ${options.path} (${hint})`));
    }
    const upper = method.toUpperCase();
    if (upper === 'GET' || upper === 'HEAD') return this.watched(options, upper === 'GET' ? this.guard.readStarting(options.path, options.query) : undefined);
    return this.guardedWrite(method, options);
  }

  /**
   * One request through the limiter. With the silence watch on, an exchange without a usable
   * answer reaches its check only once the watch has decided that the server's silence did not
   * take it: one the silence took is refused with the silence's cause, as every request after it
   * is. So no check judges a missing answer the silence stands for, whichever checks share it.
   */
  private async watched(options: RequestOptions, noteSent?: (exchange: Exchange) => void): Promise<Exchange> {
    const { exchange, silent } = await this.limiter.run(() => this.exchange(options));
    // What a POST may have created is noted for the cleanup first, also when the silence keeps its answer back.
    noteSent?.(exchange);
    if (silent !== undefined && (await this.limiter.silenced(silent))) throw new RunHalted(this.limiter.haltCause());
    return exchange;
  }

  /** Every write passes the guard first; what a POST created is noted, to be verified before it is changed. */
  private async guardedWrite(method: string, options: RequestOptions): Promise<Exchange> {
    const body = options.json ?? parsedBody(options.body);
    await this.guard.authorize(method, options.path, body);
    return this.watched(options, (exchange) => this.guard.noteSent(method, options.path, body, exchange));
  }

  async close(): Promise<void> {
    // destroy, not close: a server that never answers must not hold the run open.
    await this.dispatcher.destroy();
  }

  private record(exchange: Exchange): void {
    if (this.options.keepLog !== false) this.log.push(exchange);
    this.options.onExchange?.(exchange);
  }

  private async headersFor(options: RequestOptions): Promise<Record<string, string>> {
    const headers: Record<string, string> = { accept: 'application/scim+json', 'user-agent': USER_AGENT };
    const auth = options.auth ?? 'token';
    if (auth === 'token') Object.assign(headers, await this.authenticator.headers());
    if (typeof auth === 'object') {
      this.redactor.add({ value: auth.bearer, placeholder: '[REDACTED]' });
      headers['authorization'] = `Bearer ${auth.bearer}`;
    }
    if (options.json !== undefined || options.body !== undefined) headers['content-type'] = 'application/scim+json; charset=utf-8';
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    return headers;
  }

  /** Sends and records one exchange; `silent` is where the watch counted it, when it had no usable answer. */
  private async exchange(options: RequestOptions): Promise<{ exchange: Exchange; silent?: SilentMark }> {
    const method = options.method ?? 'GET';
    const url = this.url(options.path, options.query);
    const body = options.json !== undefined ? JSON.stringify(options.json) : options.body;
    const started = Date.now();
    const deadline = started + this.options.timeoutMs;
    const retried: RetriedAnswer[] = [];
    let headers: Record<string, string> = {};
    let response: RecordedResponse | undefined;
    let error: Exchange['error'];
    let reauthenticated = false;
    try {
      headers = await this.headersFor(options);
      for (;;) {
        ({ response, error } = await this.notedAttempt(method, url, headers, body, deadline));
        this.stats.sent++;
        if (response === undefined) break;
        const wait = RETRYABLE_STATUSES.has(response.status) ? retryAfterMs(response.headers['retry-after']) : undefined;
        if (wait !== undefined && retried.length < MAX_THROTTLE_WAITS && Date.now() + wait + MIN_RETRY_BUDGET_MS < deadline) {
          // Everyone waits, not just this request: the server asked the client to slow down.
          this.limiter.pause(Date.now() + wait);
          retried.push({ status: response.status, waitedMs: wait });
          this.stats.throttled++;
          this.stats.throttledWaitMs += wait;
          await sleep(wait);
          // The run stopped sending meanwhile: this 429/503 is the answer.
          if (this.limiter.haltCause() !== undefined) break;
          await this.limiter.slot();
          continue;
        }
        if (response.status === 401 && !reauthenticated && (options.auth ?? 'token') === 'token' && (await this.authenticator.refresh(headers))) {
          reauthenticated = true;
          this.stats.reauthenticated++;
          retried.push({ status: 401, waitedMs: 0 });
          headers = await this.headersFor(options);
          continue;
        }
        break;
      }
    } catch (failure) {
      // Only the authenticator throws here: no token could be obtained for the request.
      error = { code: 'NETWORK_ERROR', message: this.redactor.text((failure as Error).message) };
    }
    const judged: Exchange = {
      // What we sent holds the credentials, and no check needs them: recorded redacted for all.
      request: {
        method,
        url: this.redactor.url(url),
        headers: this.redactor.headers(headers),
        ...(body !== undefined ? { body: this.redactor.text(body) } : {}),
      },
      ...(response !== undefined ? { response } : {}),
      ...(error !== undefined ? { error } : {}),
      timing: { startedAt: new Date(started).toISOString(), durationMs: Date.now() - started },
      ...(retried.length > 0 ? { retried } : {}),
    };
    this.record(this.redactedAnswer(judged));
    const silent = this.watch(url, judged);
    return silent === undefined ? { exchange: judged } : { exchange: judged, silent };
  }

  /**
   * The exchange as the log keeps it, with the answer redacted. The checks get the answer as it
   * came: a replaced secret must not change what they conclude (`tok` inside `invalid_token`).
   */
  private redactedAnswer(exchange: Exchange): Exchange {
    const { response } = exchange;
    if (response === undefined) return exchange;
    return { ...exchange, response: { ...response, headers: this.redactor.headers(response.headers), body: this.redactor.text(response.body) } };
  }

  /** Counts the exchange for the silence watch, and stops the run's requests when it trips; returns the mark of a silent one. */
  private watch(url: string, exchange: Exchange): SilentMark | undefined {
    if (this.options.watchSilence !== true) return undefined;
    // A probe of another origin (http:// for an https:// server, say) says nothing of this server.
    if (new URL(url).origin !== new URL(this.options.baseUrl).origin) return undefined;
    const response = exchange.response;
    const throttled = response !== undefined && RETRYABLE_STATUSES.has(response.status) && response.headers['retry-after'] !== undefined;
    if (!isSilent({ status: response?.status, throttled })) {
      // Named as recorded (redacted), without the origin the reader already knows.
      this.limiter.answered(`${exchange.request.method} ${exchange.request.url.replace(/^https?:\/\/[^/]+/i, '')}`);
      return undefined;
    }
    const mark = this.limiter.unanswered();
    if (mark.inARow >= SILENT_REQUESTS_IN_A_ROW) this.limiter.halt(silenceCause(this.limiter.lastAnswered(), this.options.timeoutMs));
    return mark;
  }

  /** Why the server's silence stopped the run's requests; undefined while they go on. */
  haltCause(): string | undefined {
    return this.limiter.haltCause();
  }

  /** True for the first caller only, run-wide: the one check that reports the silence. */
  claimReport(): boolean {
    return this.limiter.claimReport();
  }

  /** One attempt, whose answer and latency the limiter is told of: its bound adapts to them. */
  private async notedAttempt(...args: Parameters<ScimClient['attempt']>): ReturnType<ScimClient['attempt']> {
    const sentAt = Date.now();
    const outcome = await this.attempt(...args);
    this.limiter.note({ status: outcome.response?.status, latencyMs: Date.now() - sentAt });
    return outcome;
  }

  private async attempt(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
    deadline: number,
  ): Promise<{ response?: RecordedResponse; error?: Exchange['error'] }> {
    const dispatcher = this.dispatcher;
    const remaining = Math.max(1, deadline - Date.now());
    const controller = new AbortController();
    const abort = setTimeout(() => controller.abort(new DOMException('the exchange took too long', 'TimeoutError')), remaining);
    let stuck: NodeJS.Timeout | undefined;
    try {
      const exchange = (async () => {
        const answer = await request(url, {
          method: method as Dispatcher.HttpMethod,
          headers,
          ...(body !== undefined ? { body } : {}),
          dispatcher,
          signal: controller.signal,
        });
        return this.readResponse(answer);
      })();
      // undici can ignore the signal while it reconnects in a loop (a proxy that drops CONNECT
      // tunnels): the deadline holds anyway, and the looping dispatcher is thrown away.
      const overdue = new Promise<'overdue'>((resolve) => (stuck = setTimeout(() => resolve('overdue'), remaining + ABORT_GRACE_MS)));
      const outcome = await Promise.race([exchange, overdue]);
      if (outcome === 'overdue') {
        exchange.catch(() => {});
        this.replaceDispatcher(dispatcher);
        return { error: { code: 'TIMEOUT', message: `no complete answer within ${this.options.timeoutMs} ms (SCIM_TIMEOUT_MS)` } };
      }
      // Through a forward proxy, a 407 is the proxy's answer, never the SCIM server's.
      if (outcome.status === 407 && proxyFor(url, this.options.proxy) !== undefined) return { error: { code: 'PROXY_AUTH_REQUIRED', message: PROXY_AUTH_MESSAGE } };
      return { response: outcome };
    } catch (failure) {
      const error = describeTransportError(failure, this.options.timeoutMs, this.redactor);
      const proxy = proxyFor(url, this.options.proxy);
      if (proxy !== undefined) error.message = `${error.message} (through the proxy ${safeUrl(proxy)})`;
      return { error };
    } finally {
      clearTimeout(abort);
      clearTimeout(stuck);
    }
  }

  private replaceDispatcher(broken: Dispatcher): void {
    if (this.dispatcher !== broken) return;
    this.dispatcher = createDispatcher(this.options);
    void broken.destroy().catch(() => {});
  }

  private async readResponse(response: Dispatcher.ResponseData): Promise<RecordedResponse> {
    // A body cut at the cap cannot be judged as JSON: its start is all a finding shows. Keeping the
    // whole cap in every record (the findings, the exchange files, the HAR) multiplied it by every
    // request; a body declared longer than the cap is not even held whole while it is read.
    const declared = Number(response.headers['content-length']);
    const retain = Number.isFinite(declared) && declared > this.maxBodyBytes ? KEPT_OF_TRUNCATED_BODY : this.maxBodyBytes;
    const chunks: Buffer[] = [];
    let bytes = 0;
    let retained = 0;
    let truncated = false;
    for await (const chunk of response.body) {
      const buffer = (chunk as Buffer).subarray(0, this.maxBodyBytes - bytes);
      bytes += buffer.length;
      if (retained < retain) {
        const piece = buffer.subarray(0, retain - retained);
        chunks.push(piece);
        retained += piece.length;
      }
      if (bytes === this.maxBodyBytes && buffer.length < (chunk as Buffer).length) {
        truncated = true;
        response.body.destroy();
        break;
      }
    }
    const raw = Buffer.concat(chunks);
    const kept = truncated ? raw.subarray(0, KEPT_OF_TRUNCATED_BODY) : raw;
    return {
      status: response.statusCode,
      headers: flattenHeaders(response.headers),
      body: kept.toString('utf8'),
      truncated,
      bytes,
      ...(isUtf8Body(kept, truncated) ? {} : { invalidUtf8: true as const }),
    };
  }
}

/**
 * Whether the bytes are UTF-8. Checked here, on the bytes: decoding replaces what is not UTF-8 with
 * U+FFFD, and the text no longer tells. A body cut at the cap may end inside a character (at most
 * three bytes of it). Buffer's isUtf8 makes no string: a 2 MB body must not cost 2 MB more.
 */
function isUtf8Body(bytes: Buffer, cut: boolean): boolean {
  if (isUtf8(bytes)) return true;
  if (!cut) return false;
  for (let end = bytes.length - 1; end >= Math.max(0, bytes.length - 3); end--) {
    if (isUtf8(bytes.subarray(0, end))) return true;
  }
  return false;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}
