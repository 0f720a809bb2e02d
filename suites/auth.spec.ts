/**
 * Authentication (Okta SPEC test "Check status 401"): a request without credentials, and one with a
 * token the server never issued, are each refused with 401, a SCIM Error body and an RFC 6750
 * challenge. A server that answers them with data is open to anyone: that is a security finding, not
 * a compatibility one.
 */
import { describe } from 'vitest';
import { authRules, checkChallenges, checkRefused } from '../src/checks/auth.js';
import { once, ruleTests, suiteTarget, useClient } from '../src/suite/spec.js';

const { target } = suiteTarget();
const client = useClient(target);

// Okta's SPEC test sends its 401 probe as a userName filter; so do we.
const probe = { path: '/Users', query: { filter: 'userName eq "scimc-nobody@example.com"' } };
const refusals = once(async () => {
  const [none, wrong] = await Promise.all([client.send({ ...probe, auth: 'none' }), client.send({ ...probe, auth: { bearer: 'scimc-invalid-token' } })]);
  const bearer = target.auth.method === 'bearer' || target.auth.method === 'oauth';
  return checkRefused(none, 'none').merge(checkRefused(wrong, 'wrong')).merge(checkChallenges({ none, wrong }, bearer));
});

describe('Requests without valid credentials are refused', () => {
  ruleTests(
    [authRules.AUTH_NO_CREDENTIALS_REFUSED, authRules.AUTH_WRONG_TOKEN_REFUSED, authRules.AUTH_ERROR_BODY, authRules.AUTH_CHALLENGE, authRules.AUTH_CHALLENGE_ERROR_CODE],
    refusals,
  );
});
