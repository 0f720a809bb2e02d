import type { ScimService } from './service.js';
import type { ScimResponse } from './types.js';

export interface InProcessRequest {
  /** A query string (`filter=...&count=2`) or parameters as an object. */
  query?: string | Record<string, string>;
  /** Sent as JSON unless it is already a string (so tests can send broken bodies). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface InProcessResponse extends ScimResponse {
  /** The parsed body; undefined when there is none. */
  json: unknown;
}

export type InProcessSend = (method: string, path: string, request?: InProcessRequest) => InProcessResponse;

/**
 * Calls a ScimService directly, no sockets: for unit tests of the server and of checks that need a
 * live-looking SCIM exchange. `path` is relative to `basePath` and carries no query string: pass
 * `query` instead.
 */
export function inProcessClient(service: ScimService, defaults: { basePath?: string; headers?: Record<string, string> } = {}): InProcessSend {
  const basePath = defaults.basePath ?? '/scim/v2';
  return (method, path, request = {}) => {
    const { body } = request;
    const response = service.handle({
      method,
      path: `${basePath}${path}`,
      query: new URLSearchParams(request.query),
      headers: lowerCaseKeys({ host: 'scim.example.test', ...defaults.headers, ...request.headers }),
      body: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { ...response, json: response.body === undefined ? undefined : (JSON.parse(response.body) as unknown) };
  };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
