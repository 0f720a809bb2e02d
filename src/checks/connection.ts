import { describeResponse } from '../diagnose/describe.js';
import type { Exchange } from '../http/exchange.js';
import { checkListResponse, EMPTY_LIST_RESPONSE, type ListResult } from './list-response.js';
import { defineRules } from './rule.js';
import { CheckRun } from './run.js';
import { checkUserResource } from './user-resource.js';

/** The paths Okta and Entra append to the Base URL themselves. */
const RESOURCE_ENDPOINTS = /\/(users|groups)$/i;

export const connectionRules = defineRules({
  BASE_URL_ENDS_WITH_RESOURCE: {
    title: 'the Base URL is the SCIM root, not a resource endpoint',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.2; Okta and Entra setup guides',
    requirement: 'The Base URL given to the identity provider is the SCIM root, e.g. https://api.example.com/scim/v2. Okta and Entra append /Users and /Groups themselves.',
    fix: 'Remove the trailing /Users (or /Groups) from the Base URL; otherwise the clients call /Users/Users.',
  },
  FILTER_UNKNOWN_USER_EMPTY: {
    title: 'a filter for a user that does not exist is a 200 empty ListResponse',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2; Entra "Test Connection"; Okta SPEC test',
    requirement: `200 with totalResults 0 and Resources [] (RFC 7644 §3.4.2: a query that matches nothing is a success). Entra's Test Connection sends exactly this and fails on anything else; Okta checks for an existing user this way before every create.`,
    fix: 'Apply the filter and return an empty ListResponse when it matches nothing; never 404.',
  },
  GROUPS_ANSWER_QUICKLY: {
    title: 'GET /Groups answers within 600 ms',
    requiredBy: { okta: 'SHOULD' },
    source: 'Okta SPEC test (GET /Groups asserts a response time under 600 ms)',
    requirement: "Okta's SPEC test fails a GET /Groups slower than 600 ms.",
    fix: 'Page the query in the database rather than loading all groups and members, and do not expand members unless asked.',
  },
});

export function checkBaseUrl(baseUrl: string): CheckRun {
  const run = new CheckRun();
  const path = new URL(baseUrl).pathname.replace(/\/+$/, '');
  run.expect(connectionRules.BASE_URL_ENDS_WITH_RESOURCE, !RESOURCE_ENDPOINTS.test(path), () => ({
    got: `The Base URL is ${baseUrl}, so clients will call ${baseUrl}/Users.`,
    fix: `Set the Base URL to ${baseUrl.replace(RESOURCE_ENDPOINTS, '')} (without ${RESOURCE_ENDPOINTS.exec(path)?.[0] ?? ''}).`,
  }));
  return run;
}

/** Fixes that name the Base URL, for the first request a client sends to it. */
function baseUrlFixes(baseUrl: string) {
  const endsWithResource = RESOURCE_ENDPOINTS.test(new URL(baseUrl).pathname.replace(/\/+$/, ''));
  return {
    HTTP_STATUS: endsWithResource
      ? `The Base URL ends in a resource endpoint, so the request went to .../Users/Users. Set the Base URL to ${baseUrl.replace(RESOURCE_ENDPOINTS, '')}.`
      : `GET ${baseUrl}/Users did not find the Users endpoint: the Base URL path is probably wrong (a missing /scim/v2, a version prefix, or a case mismatch such as /users). Set SCIM_BASE_URL to the path under which /Users answers.`,
    HTTP_BODY_EMPTY: `An empty store must still be answered with a ListResponse: ${EMPTY_LIST_RESPONSE}. If your server does send one, a proxy or load balancer in front of it answered instead: compare with the server reached directly.`,
  };
}

/** Okta's "Test Connector Configuration": GET /Users?startIndex=1&count=2. */
export function checkOktaConnection(exchange: Exchange, baseUrl: string): ListResult {
  const result = checkListResponse(exchange, { count: 2, paged: true, fixes: baseUrlFixes(baseUrl) });
  const first = result.list?.resources[0];
  if (first !== undefined) checkUserResource(result.run, first, exchange, 'Resources[0]');
  return result;
}

/**
 * Entra's "Test Connection": a filter on a user that cannot exist. `countIgnored` says whether the
 * Okta probe's count was ignored too, which points at the query string being dropped on the way.
 */
export function checkUnknownUserFilter(exchange: Exchange, countIgnored: boolean): ListResult {
  if (exchange.response?.status === 404) {
    // "Not found" is the cause here; reporting the status as well would say the same thing twice.
    const run = new CheckRun();
    run.fail(connectionRules.FILTER_UNKNOWN_USER_EMPTY, {
      got: describeResponse(exchange),
      exchange,
      fix: `A filter that matches nothing is a 200 with an empty ListResponse, not "not found": ${EMPTY_LIST_RESPONSE}`,
    });
    return { run };
  }
  const result = checkListResponse(exchange);
  const { run, list } = result;
  if (list === undefined) return result;
  const matched = list.resources.length;
  const fix = countIgnored
    ? 'The server also ignored count and startIndex on GET /Users?startIndex=1&count=2, so the query string is not reaching your code: a proxy, WAF, API gateway or URL rewrite drops it. Allow GET with query strings through, and compare with the server reached directly.'
    : 'The filter is ignored: the server answers with everyone. Parse the filter parameter (at least `userName eq "..."`, `externalId eq "..."` and `emails[type eq "work"].value eq "..."`); Okta and Entra will otherwise match the wrong user and overwrite them.';
  run.expect(connectionRules.FILTER_UNKNOWN_USER_EMPTY, list.totalResults === 0 && matched === 0, () => ({
    got: `The filter for a user that does not exist matched ${list.totalResults} (Resources holds ${matched}).`,
    exchange,
    fix,
  }));
  return result;
}

/** Okta's group import and SPEC test: GET /Groups?startIndex=1&count=100, answered quickly. */
/** The answer time Okta's SPEC test allows GET /Groups. */
export const GROUPS_QUICK_MS = 600;

/** How many times GET /Groups is asked while it is slower than GROUPS_QUICK_MS. */
export const GROUPS_TIMING_TRIES = 3;

/**
 * Okta's group import probe. Its time is judged by the fastest of the tries: one slow answer may be
 * this machine's load or a cold start (SCIMMY's first /Groups took 639 ms on a loaded machine, the
 * next ones a few), a server that is slow every time is slow.
 */
export function checkGroupsList(exchange: Exchange, retries: readonly Exchange[] = []): ListResult {
  const result = checkListResponse(exchange, { count: 100, paged: true });
  if (result.list !== undefined) {
    const times = [exchange, ...retries].map((tried) => tried.timing.durationMs);
    const fastest = Math.min(...times);
    result.run.expect(connectionRules.GROUPS_ANSWER_QUICKLY, fastest < GROUPS_QUICK_MS, () => ({
      got: times.length === 1 ? `GET /Groups took ${fastest} ms.` : `GET /Groups took ${times.map((ms) => `${ms} ms`).join(', then ')}.`,
      exchange,
    }));
  }
  return result;
}

/** True when GET /Users?startIndex=1&count=2 came back with more than two users. */
export function countWasIgnored(okta: ListResult): boolean {
  return (okta.list?.resources.length ?? 0) > 2;
}
