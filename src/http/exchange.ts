/**
 * One request and what came back, as recorded by the client. Checks are pure functions of these
 * records, so one response can serve many checks and every check can be tested offline.
 * Credentials are redacted before a record is made: nothing downstream can leak them.
 */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface RecordedResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Decoded as UTF-8, at most the client's body cap. */
  body: string;
  /** True when the body was longer than the cap and the rest was not read. */
  truncated: boolean;
  bytes: number;
}

export type TransportErrorCode =
  | 'TIMEOUT'
  | 'CONNECTION_REFUSED'
  | 'DNS_FAILED'
  | 'TLS_FAILED'
  | 'PLAIN_HTTP_PORT'
  | 'PROXY_AUTH_REQUIRED'
  | 'PROXY_REFUSED'
  | 'CONNECTION_RESET'
  | 'NETWORK_ERROR';

export interface TransportError {
  code: TransportErrorCode;
  message: string;
}

/** An answer the client waited out and sent the request again for. */
export interface RetriedAnswer {
  /** 429 or 503 (Retry-After honoured), or 401 (an OAuth token fetched again). */
  status: number;
  /** How long the client waited before sending again. */
  waitedMs: number;
}

export interface Exchange {
  request: RecordedRequest;
  response?: RecordedResponse;
  error?: TransportError;
  timing: { startedAt: string; durationMs: number };
  /** Answers before `response` that the client waited out or re-authenticated after; absent when none. */
  retried?: RetriedAnswer[];
}

export type JsonBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'empty' }
  | { kind: 'invalid'; reason: string };

/** Parses a response body once and says what it is; never throws. */
export function jsonBody(response: RecordedResponse): JsonBody {
  if (response.body.trim() === '') return { kind: 'empty' };
  try {
    return { kind: 'json', value: JSON.parse(response.body) as unknown };
  } catch (error) {
    return { kind: 'invalid', reason: response.truncated ? 'the body was cut at the size limit' : String((error as Error).message) };
  }
}

export function contentType(response: RecordedResponse): string | undefined {
  return response.headers['content-type'];
}

/** The media type without parameters, lower-cased: `application/scim+json`. */
export function mediaType(response: RecordedResponse): string | undefined {
  return contentType(response)?.split(';')[0]?.trim().toLowerCase();
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
