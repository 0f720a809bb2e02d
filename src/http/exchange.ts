/**
 * One request and what came back, as recorded by the client. Checks are pure functions of these
 * records, so one response can serve many checks and every check can be tested offline.
 * The request is recorded with its credentials redacted. The answer a check gets is as the server
 * sent it; the client's log keeps it redacted, and every other way out (a finding, a report line)
 * redacts it there (escapeControl), so a check judges what came and no output shows a secret.
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
  /** True when the bytes are not valid UTF-8: `body` then shows each bad sequence as U+FFFD. */
  invalidUtf8?: true;
}

export type TransportErrorCode =
  'TIMEOUT' | 'CONNECTION_REFUSED' | 'DNS_FAILED' | 'TLS_FAILED' | 'PLAIN_HTTP_PORT' | 'PROXY_AUTH_REQUIRED' | 'PROXY_REFUSED' | 'CONNECTION_RESET' | 'NETWORK_ERROR';

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

export type JsonBody = { kind: 'json'; value: unknown } | { kind: 'empty' } | { kind: 'invalid'; reason: string } | { kind: 'too-deep'; limit: number };

/**
 * How deeply arrays and objects may nest in an answer. A SCIM body nests a handful of levels (a
 * ListResponse of Schemas with sub-attributes is under ten); deeper than this is hostile, and every
 * recursive walk of it (JSON.stringify among them) would overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;

/** Parses a response body once and says what it is; never throws. */
export function jsonBody(response: RecordedResponse): JsonBody {
  if (response.body.trim() === '') return { kind: 'empty' };
  if (nestingDepthExceeds(response.body, MAX_JSON_DEPTH)) return { kind: 'too-deep', limit: MAX_JSON_DEPTH };
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

/** Whether brackets outside strings nest deeper than `limit`: one pass, no recursion, no parse. */
export function nestingDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === BACKSLASH) i++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) inString = true;
    else if (char === OPEN_BRACKET || char === OPEN_BRACE) {
      if (++depth > limit) return true;
    } else if (char === CLOSE_BRACKET || char === CLOSE_BRACE) depth--;
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
