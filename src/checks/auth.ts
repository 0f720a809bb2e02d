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
    requirement:
      'A request with no Authorization header is answered 401 Unauthorized. Answering it with data is a security hole, not a compatibility problem: anyone who finds the URL can read (and change) the directory.',
    fix: 'SECURITY: require authentication on every SCIM endpoint, before routing, and answer 401 with a WWW-Authenticate: Bearer header and a SCIM Error body when the header is missing.',
  },
  AUTH_WRONG_TOKEN_REFUSED: {
    title: 'a request with a wrong bearer token is refused with 401 (a server that answers it accepts any token: security)',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §2, §3.12 (401: "the authorization header is invalid or missing"); RFC 6750 §3.1; Okta SPEC test ("Check status 401")',
    requirement:
      'A bearer token the server did not issue is answered 401 Unauthorized (not 403, which means "authenticated but not allowed", and never 200). Okta\'s SPEC test asserts 401.',
    fix: 'SECURITY when it answered with data: validate the token itself (signature, expiry, tenant), not just that an Authorization header is present. Answer an invalid token with 401, not 403.',
  },
  AUTH_ERROR_BODY: {
    title: 'a 401 carries a SCIM Error body with status "401" and a detail',
    requiredBy: { okta: 'MUST', entra: 'SHOULD', rfc: 'MUST' },
    source: 'RFC 7644 §3.12; Okta SPEC test ("Check status 401": schemas, status "401", detail)',
    requirement:
      'The 401 answer is a SCIM Error: {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"..."}. Okta\'s SPEC test asserts each member.',
    fix: 'Answer authentication failures from the SCIM layer, not from a gateway or framework default (which sends HTML, plain text or an empty body).',
  },
  AUTH_CHALLENGE: {
    title: 'a 401 carries a WWW-Authenticate challenge, with the Bearer scheme when the server takes bearer tokens',
    requiredBy: { rfc: 'MUST' },
    source:
      'RFC 6750 §3 ("the resource server MUST include the HTTP WWW-Authenticate response header field"; "All challenges defined by this specification MUST use the auth-scheme value Bearer"); RFC 7235 §3.1; RFC 7644 §2 (authentication as per RFC 7235)',
    requirement:
      'Every 401 names how to authenticate in a WWW-Authenticate header; a server that takes bearer tokens challenges with the Bearer scheme, e.g. WWW-Authenticate: Bearer realm="scim", naming realm, scope, error, error_description and error_uri at most once each.',
    fix: 'Add the WWW-Authenticate header to every 401 (many frameworks drop it when a custom error body is written): WWW-Authenticate: Bearer realm="<your realm>".',
  },
  AUTH_CHALLENGE_ERROR_CODE: {
    title: 'the Bearer challenge names error="invalid_token" for a rejected token, and no error when none was sent',
    requiredBy: { rfc: 'SHOULD' },
    source:
      'RFC 6750 §3 ("the resource server SHOULD include the error attribute"; a request that lacks any authentication information "SHOULD NOT include an error code"), §3.1 (invalid_token); RFC 7644 §2',
    requirement: 'The 401 to a bearer token the server did not issue challenges with error="invalid_token"; the 401 to a request without credentials carries no error attribute.',
    fix: 'Tell the two cases apart: WWW-Authenticate: Bearer realm="scim", error="invalid_token" when a token was sent and refused; a plain WWW-Authenticate: Bearer realm="scim" when none was sent.',
  },
});

const BEARER_SCHEME = /(?:^|,)\s*Bearer(?:\s|,|$)/i;

export interface Refusals {
  none: Exchange;
  wrong: Exchange;
}

/**
 * The WWW-Authenticate challenges of the two refusals. `bearer` says whether the run authenticates
 * with bearer tokens (SCIM_AUTH bearer or oauth): only then is the Bearer scheme, and RFC 6750's
 * error attribute, required.
 */
export function checkChallenges(refusals: Refusals, bearer: boolean): CheckRun {
  const run = new CheckRun();
  const answered = [refusals.none, refusals.wrong].filter((exchange) => exchange.response?.status === 401);
  if (answered.length < 2) {
    const reason = 'not every request without valid credentials was answered 401 (see AUTH_NO_CREDENTIALS_REFUSED and AUTH_WRONG_TOKEN_REFUSED)';
    run.skip(authRules.AUTH_CHALLENGE, reason);
    run.skip(authRules.AUTH_CHALLENGE_ERROR_CODE, reason);
    return run;
  }
  const challenge = (exchange: Exchange) => exchange.response?.headers['www-authenticate'];
  const unfit = answered.filter((exchange) => !fitChallenge(challenge(exchange), bearer));
  const fit = run.expect(authRules.AUTH_CHALLENGE, unfit.length === 0, () => ({
    got: unfit.map((exchange) => `${describeResponse(exchange)}; WWW-Authenticate: ${challenge(exchange) ?? 'missing'}`).join('\n'),
    exchange: unfit[0],
  }));
  if (!fit) {
    run.skip(authRules.AUTH_CHALLENGE_ERROR_CODE, 'the challenge itself is missing or not Bearer (see AUTH_CHALLENGE)');
    return run;
  }
  if (!bearer) {
    run.skip(authRules.AUTH_CHALLENGE_ERROR_CODE, 'the run does not authenticate with bearer tokens (SCIM_AUTH), so RFC 6750 error codes do not apply');
    return run;
  }
  checkErrorCodes(run, challenge(refusals.none) ?? '', challenge(refusals.wrong) ?? '', refusals);
  return run;
}

/** A challenge is present, Bearer when the run uses bearer tokens, and names realm, scope, error, error_description and error_uri at most once (RFC 6750 §3). */
function fitChallenge(challenge: string | undefined, bearer: boolean): boolean {
  if (challenge === undefined || challenge.trim() === '') return false;
  if (bearer && !BEARER_SCHEME.test(challenge)) return false;
  return ['realm', 'scope', 'error', 'error_description', 'error_uri'].every((name) => (challenge.match(new RegExp(`\\b${name}\\s*=`, 'gi')) ?? []).length <= 1);
}

function checkErrorCodes(run: CheckRun, none: string, wrong: string, refusals: Refusals): void {
  const problems = [
    ...(/\berror\s*=\s*"?invalid_token"?/i.test(wrong)
      ? []
      : [`the 401 to a token the server never issued challenges with ${JSON.stringify(wrong)}, without error="invalid_token"`]),
    ...(/\berror\s*=/i.test(none) ? [`the 401 to a request without credentials challenges with ${JSON.stringify(none)}, an error code where none belongs`] : []),
  ];
  run.expect(authRules.AUTH_CHALLENGE_ERROR_CODE, problems.length === 0, () => ({
    got: problems.join('; '),
    exchange: problems[0]?.includes('never issued') === true ? refusals.wrong : refusals.none,
  }));
}

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
