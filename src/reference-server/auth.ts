import { createHash, timingSafeEqual } from 'node:crypto';
import { ScimHttpError } from './responses.js';
import type { ScimRequest } from './types.js';

const CHALLENGE = { 'www-authenticate': 'Bearer realm="scim"' };

/** Throws 401 unless the request carries `Authorization: Bearer <token>` (RFC 7644 §2, RFC 6750). */
export function requireBearer(request: ScimRequest, token: string): void {
  const header = request.headers['authorization'];
  if (header === undefined || header.trim() === '') {
    throw new ScimHttpError(401, 'Authentication required: send "Authorization: Bearer <token>".', undefined, CHALLENGE);
  }
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (presented === undefined) {
    throw new ScimHttpError(401, 'The Authorization header must use the Bearer scheme.', undefined, CHALLENGE);
  }
  if (!sameSecret(presented, token)) {
    // RFC 6750 §3.1: a token that was sent and refused is named as such; a missing one is not.
    throw new ScimHttpError(401, 'The bearer token is not valid.', undefined, { 'www-authenticate': `${CHALLENGE['www-authenticate']}, error="invalid_token"` });
  }
}

/** Compares digests in constant time, so response timing does not reveal how much of a guess was right. */
function sameSecret(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}
