import { MESSAGE_URN } from './schemas.js';
import type { ScimResponse } from './types.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** The scimType values RFC 7644 §3.12 defines; nothing else may be sent. */
export type ScimType = 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue' | 'invalidVers' | 'sensitive';

/** Thrown anywhere below the router; the router turns it into an Error response (RFC 7644 §3.12). */
export class ScimHttpError extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly scimType?: ScimType,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ScimHttpError';
  }
}

export function badRequest(scimType: ScimType, detail: string): ScimHttpError {
  return new ScimHttpError(400, detail, scimType);
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ScimResponse {
  return { status, headers: { 'content-type': SCIM_CONTENT_TYPE, ...headers }, body: JSON.stringify(body) };
}

export function noContent(status: 204 | 304, headers: Record<string, string> = {}): ScimResponse {
  return { status, headers };
}

export function errorResponse(status: number, detail: string, scimType?: ScimType, headers: Record<string, string> = {}): ScimResponse {
  const body = {
    schemas: [MESSAGE_URN.error],
    // RFC 7644 §3.12: status is a string, e.g. "404".
    status: String(status),
    ...(scimType === undefined ? {} : { scimType }),
    detail,
  };
  return json(status, body, headers);
}

export function fromError(error: ScimHttpError): ScimResponse {
  return errorResponse(error.status, error.message, error.scimType, error.headers);
}

export function listResponse(resources: unknown[], totalResults: number, startIndex: number): ScimResponse {
  return json(200, {
    schemas: [MESSAGE_URN.listResponse],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  });
}
