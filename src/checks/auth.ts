import { describeResponse } from '../diagnose/describe.js';
import type { Exchange } from '../http/exchange.js';
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
});

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
