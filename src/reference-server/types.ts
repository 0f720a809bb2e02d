/**
 * The reference server is a pure function from a SCIM request to a SCIM response, with a thin HTTP
 * adapter around it. Our deliberately broken servers (test/servers) reuse both halves: they wrap the
 * function to break one rule at a time.
 */
export interface ScimRequest {
  method: string;
  /** The URL path as received, e.g. `/scim/v2/Users/123` (not decoded beyond the URL parser). */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** The raw request body ('' when there is none). */
  body: string;
}

export interface ScimResponse {
  status: number;
  headers: Record<string, string>;
  /** Omitted for 204 and 304. */
  body?: string;
}

export type ScimHandler = (request: ScimRequest) => ScimResponse | Promise<ScimResponse>;
