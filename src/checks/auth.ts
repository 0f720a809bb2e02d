import { describeResponse } from '../diagnose/describe.js';
import type { Exchange } from '../http/exchange.js';
import { checkErrorBody } from './errors.js';
import { defineRules } from './rule.js';
import { CheckRun } from './run.js';

export const authRules = defineRules({
  AUTH_TOKEN_ACCEPTED: {
    title: 'the configured credentials are accepted',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §2; Okta and Entra send "Authorization: Bearer <token>"',
    requirement: 'The token given to the identity provider opens the SCIM API; clients send it as "Authorization: Bearer <token>".',
    fix: 'Check SCIM_TOKEN: it must be the token your server issued for this tenant, not expired, sent as a bearer token. If the server expects another scheme (Basic, a custom header), Okta and Entra cannot use it as configured.',
  },
  AUTH_NO_CREDENTIALS_REFUSED: {
    title: 'a request without credentials is refused with 401 (a server that answers it is open to anyone: security)',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §2, §7.4 (security); RFC 6750 §3.1; Okta SPEC test ("Check status 401")',
    requirement: 'A request with no Authorization header is answered 401 Unauthorized. Answering it with data is a security hole, not a compatibility problem: anyone who finds the URL can read (and change) the directory.',
    fix: 'SECURITY: require authentication on every SCIM endpoint, before routing, and answer 401 with a WWW-Authenticate: Bearer header and a SCIM Error body when the header is missing.',
  },
  AUTH_WRONG_TOKEN_REFUSED: {
    title: 'a request with a wrong bearer token is refused with 401 (a server that answers it accepts any token: security)',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §2, §3.12 (401: "the authorization header is invalid or missing"); RFC 6750 §3.1; Okta SPEC test ("Check status 401")',
    requirement: 'A bearer token the server did not issue is answered 401 Unauthorized (not 403, which means "authenticated but not allowed", and never 200). Okta\'s SPEC test asserts 401.',
    fix: 'SECURITY when it answered with data: validate the token itself (signature, expiry, tenant), not just that an Authorization header is present. Answer an invalid token with 401, not 403.',
  },
  AUTH_ERROR_BODY: {
    title: 'a 401 carries a SCIM Error body with status "401" and a detail',
    requiredBy: { okta: 'MUST', entra: 'SHOULD', rfc: 'MUST' },
    source: 'RFC 7644 §3.12; Okta SPEC test ("Check status 401": schemas, status "401", detail)',
    requirement: 'The 401 answer is a SCIM Error: {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"..."}. Okta\'s SPEC test asserts each member.',
    fix: 'Answer authentication failures from the SCIM layer, not from a gateway or framework default (which sends HTML, plain text or an empty body).',
  },
});

/**
 * A request sent without credentials (`none`) or with a token the server never issued (`wrong`):
 * it must be refused with 401 and a SCIM Error body. Anything else that answers with data means the
 * server lets anyone in.
 */
export function checkRefused(exchange: Exchange, credentials: 'none' | 'wrong'): CheckRun {
  const run = new CheckRun();
  const rule = credentials === 'none' ? authRules.AUTH_NO_CREDENTIALS_REFUSED : authRules.AUTH_WRONG_TOKEN_REFUSED;
  const status = exchange.response?.status;
  const open = status !== undefined && status < 300;
  const fix = open
    ? `SECURITY: the server answered ${status} ${credentials === 'none' ? 'to a request with no credentials at all' : 'to a token it never issued'}, so anyone who knows the URL can read the directory. Require a valid token on every SCIM endpoint.`
    : status === 403
      ? 'The request was refused, but with 403: RFC 7644 §3.12 and Okta expect 401 for missing or invalid credentials (403 means "known, but not allowed").'
      : undefined;
  if (!run.expect(rule, status === 401, () => ({ got: describeResponse(exchange), exchange, ...(fix !== undefined ? { fix } : {}) }))) return run;
  const body = new CheckRun();
  checkErrorBody(body, exchange);
  const problems = body.findings.filter((finding) => finding.code !== 'ERROR_SCIM_TYPE');
  run.expect(authRules.AUTH_ERROR_BODY, problems.length === 0, () => ({
    got: problems.map((finding) => `${finding.title}: ${finding.got}`).join('; '),
    exchange,
  }));
  return run;
}

/** A 401 or 403 to the configured token ends the run early: every other check would fail the same way. */
export function checkTokenAccepted(exchange: Exchange, tokenSet: boolean): CheckRun {
  const run = new CheckRun();
  const status = exchange.response?.status;
  run.expect(authRules.AUTH_TOKEN_ACCEPTED, status !== 401 && status !== 403, () => ({
    got: describeResponse(exchange),
    exchange,
    ...(tokenSet ? {} : { fix: 'SCIM_TOKEN is not set, and the server requires credentials: set SCIM_TOKEN to the bearer token your identity provider will use.' }),
  }));
  return run;
}
