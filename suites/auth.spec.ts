/**
 * Authentication (Okta SPEC test "Check status 401"): a request without credentials, and one with a
 * token the server never issued, are each refused with 401 and a SCIM Error body. A server that
 * answers them with data is open to anyone: that is a security finding, not a compatibility one.
 */
import { describe } from 'vitest';
import { authRules, checkRefused } from '../src/checks/auth.js';
import { once, ruleTests, suiteTarget, useClient } from '../src/suite/spec.js';

const { target } = suiteTarget();
const client = useClient(target);

// Okta's SPEC test sends its 401 probe as a userName filter; so do we.
const probe = { path: '/Users', query: { filter: 'userName eq "scimc-nobody@example.com"' } };
const refusals = once(async () => {
  const [none, wrong] = await Promise.all([client.send({ ...probe, auth: 'none' }), client.send({ ...probe, auth: { bearer: 'scimc-invalid-token' } })]);
  return checkRefused(none, 'none').merge(checkRefused(wrong, 'wrong'));
});

describe('Requests without valid credentials are refused', () => {
  ruleTests([authRules.AUTH_NO_CREDENTIALS_REFUSED, authRules.AUTH_WRONG_TOKEN_REFUSED, authRules.AUTH_ERROR_BODY], refusals);
});
