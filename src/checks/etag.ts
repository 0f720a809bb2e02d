/**
 * Versioning (RFC 7644 §3.14), checked when /ServiceProviderConfig advertises etag.supported:
 * the ETag header matches meta.version, a change makes a new version, and If-Match / If-None-Match
 * behave as RFC 7232 says.
 */
import type { Exchange } from '../http/exchange.js';
import { defineRules } from './rule.js';
import type { CheckRun } from './run.js';
import { acceptedUpdate, at, gotFrom, objectBody, show, statusOf } from './answers.js';

export const etagRules = defineRules({
  ETAG_HEADER_MATCHES_VERSION: {
    title: 'the ETag header equals meta.version',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.14 (the ETag header and meta.version carry the same version)',
    requirement: 'GET /Users/{id} sends an ETag header whose value is meta.version, e.g. W/"3" in both.',
    fix: 'Compute the version once and send it in both places.',
  },
  ETAG_CHANGES_ON_UPDATE: {
    title: 'a change to a resource gives it a new version',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.14; RFC 7232 §2.3',
    requirement: 'After a successful PATCH, GET returns a different ETag.',
    fix: 'Derive the version from something every write changes (a counter, lastModified with enough precision, a hash of the resource).',
  },
  ETAG_IF_NONE_MATCH_304: {
    title: 'GET with If-None-Match of the current version is 304 Not Modified',
    requiredBy: { rfc: 'SHOULD' },
    source: 'RFC 7644 §3.14; RFC 7232 §3.2',
    requirement: '304 with no body when the version has not changed.',
    fix: 'Compare If-None-Match (weak comparison) with the current version before building the body.',
  },
  ETAG_IF_MATCH_CURRENT: {
    title: 'a PATCH with If-Match of the current version is applied',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.14; RFC 7232 §3.1',
    requirement: 'PATCH with If-Match: <current ETag> answers 200 or 204.',
    fix: 'Compare If-Match with the current version, accepting the W/ prefix your own ETag carries.',
  },
  ETAG_IF_MATCH_STALE_412: {
    title: 'a PUT with a stale If-Match is refused with 412 and changes nothing',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.14 ("412 Precondition Failed"); RFC 7232 §3.1',
    requirement: 'PUT with If-Match: <an earlier ETag> answers 412, and the resource keeps its current values.',
    fix: 'Check If-Match before applying the update; this is what prevents lost updates.',
  },
});

/** The version a GET answer carries: its ETag header and meta.version. */
export function versionOf(exchange: Exchange): { header: string | undefined; meta: unknown } {
  return { header: exchange.response?.headers['etag'], meta: at(objectBody(exchange), 'meta.version') };
}

/** Is etag.supported true in a /ServiceProviderConfig answer? */
export function etagAdvertised(exchange: Exchange): boolean {
  return statusOf(exchange) === 200 && at(objectBody(exchange), 'etag.supported') === true;
}

export function checkEtagMatchesVersion(run: CheckRun, read: Exchange): string | undefined {
  const { header, meta } = versionOf(read);
  const ok = statusOf(read) === 200 && header !== undefined && header === meta;
  run.expect(etagRules.ETAG_HEADER_MATCHES_VERSION, ok, () =>
    statusOf(read) !== 200 ? gotFrom(read) : { got: `ETag header ${header === undefined ? 'missing' : show(header)}, meta.version ${show(meta)}.`, exchange: read },
  );
  return header ?? (typeof meta === 'string' ? meta : undefined);
}

export function checkNotModified(run: CheckRun, conditional: Exchange): void {
  run.expect(etagRules.ETAG_IF_NONE_MATCH_304, statusOf(conditional) === 304, () => gotFrom(conditional, 'Expected 304:'));
}

export function checkIfMatchCurrent(run: CheckRun, patch: Exchange): boolean {
  return run.expect(etagRules.ETAG_IF_MATCH_CURRENT, acceptedUpdate(patch), () => gotFrom(patch, 'Expected 200 or 204:'));
}

/** Returns whether the version changed, which the stale If-Match check needs. */
export function checkVersionChanged(run: CheckRun, before: string, after: Exchange): boolean {
  const now = versionOf(after).header ?? versionOf(after).meta;
  return run.expect(etagRules.ETAG_CHANGES_ON_UPDATE, statusOf(after) === 200 && now !== undefined && now !== before, () =>
    statusOf(after) !== 200 ? gotFrom(after) : { got: `The version is still ${show(now)} after the PATCH.`, exchange: after },
  );
}

export function checkStaleRefused(run: CheckRun, put: Exchange, after: Exchange, keptPath: string, keptValue: unknown): void {
  const kept = at(objectBody(after), keptPath);
  run.expect(etagRules.ETAG_IF_MATCH_STALE_412, statusOf(put) === 412 && kept === keptValue, () =>
    statusOf(put) !== 412 ? gotFrom(put, 'Expected 412:') : { got: `412, but ${keptPath} changed to ${show(kept)}.`, exchange: after },
  );
}
