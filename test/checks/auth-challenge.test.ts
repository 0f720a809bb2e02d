import { describe, expect, test } from 'vitest';
import { checkChallenges } from '../../src/checks/auth.js';
import { createScimService, demoSeed } from '../../src/reference-server/index.js';
import { inProcessClient } from '../../src/reference-server/in-process.js';
import { exchangeOf } from '../support/exchange.js';

const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
const refusal = (challenge?: string) =>
  exchangeOf({ status: 401, body: { schemas: [ERROR_URN], status: '401', detail: 'no' }, ...(challenge === undefined ? {} : { headers: { 'www-authenticate': challenge } }) });
const codes = (run: { findings: Array<{ code: string }> }) => run.findings.map((f) => f.code);

/** The reference server's own two refusals, as the auth spec sends them. */
function referenceRefusals() {
  const send = inProcessClient(createScimService({ seed: demoSeed(), token: 's3cret' }));
  const answer = (headers: Record<string, string>) => {
    const response = send('GET', '/Users', { headers });
    return exchangeOf({ status: response.status, headers: response.headers, raw: response.body ?? '' });
  };
  return { none: answer({}), wrong: answer({ authorization: 'Bearer scimc-invalid-token' }) };
}

describe('the WWW-Authenticate challenge of a 401 (RFC 6750 §3)', () => {
  test("the reference server's refusals pass both rules", () => {
    const run = checkChallenges(referenceRefusals(), true);
    expect(run.findings).toEqual([]);
    expect([...run.checked]).toEqual(['AUTH_CHALLENGE', 'AUTH_CHALLENGE_ERROR_CODE']);
  });

  test('a 401 without WWW-Authenticate is AUTH_CHALLENGE, and only that: the error code is not judged without a challenge', () => {
    const run = checkChallenges({ none: refusal(), wrong: refusal() }, true);
    expect(codes(run)).toEqual(['AUTH_CHALLENGE']);
    expect(run.findings[0]?.got).toContain('WWW-Authenticate: missing');
    expect(run.skipped.get('AUTH_CHALLENGE_ERROR_CODE')).toMatch(/see AUTH_CHALLENGE/);
  });

  test('an error_description named twice is AUTH_CHALLENGE, and one error_description is not', () => {
    const none = refusal('Bearer realm="scim"');
    const twice = refusal('Bearer realm="scim", error="invalid_token", error_description="a", error_description="b"');
    expect(codes(checkChallenges({ none, wrong: twice }, true))).toEqual(['AUTH_CHALLENGE']);
    const once = refusal('Bearer realm="scim", error="invalid_token", error_description="expired"');
    expect(codes(checkChallenges({ none, wrong: once }, true))).toEqual([]);
  });

  test('a realm named twice is AUTH_CHALLENGE', () => {
    const twice = 'Bearer realm="a", realm="b"';
    expect(codes(checkChallenges({ none: refusal(twice), wrong: refusal(`${twice}, error="invalid_token"`) }, true))).toEqual(['AUTH_CHALLENGE']);
  });

  test('a Basic challenge from a server the run reaches with bearer tokens is AUTH_CHALLENGE', () => {
    expect(codes(checkChallenges({ none: refusal('Basic realm="x"'), wrong: refusal('Basic realm="x"') }, true))).toEqual(['AUTH_CHALLENGE']);
  });

  test('a Basic challenge is fine when the run itself uses Basic auth, and the error code is skipped with the reason', () => {
    const run = checkChallenges({ none: refusal('Basic realm="x"'), wrong: refusal('Basic realm="x"') }, false);
    expect(codes(run)).toEqual([]);
    expect(run.skipped.get('AUTH_CHALLENGE_ERROR_CODE')).toMatch(/does not authenticate with bearer tokens/);
  });

  test('the same plain challenge for both is AUTH_CHALLENGE_ERROR_CODE only', () => {
    const run = checkChallenges({ none: refusal('Bearer realm="scim"'), wrong: refusal('Bearer realm="scim"') }, true);
    expect(codes(run)).toEqual(['AUTH_CHALLENGE_ERROR_CODE']);
    expect(run.findings[0]?.got).toMatch(/without error="invalid_token"/);
  });

  test('an error code on the request without credentials is AUTH_CHALLENGE_ERROR_CODE', () => {
    const run = checkChallenges({ none: refusal('Bearer error="invalid_token"'), wrong: refusal('Bearer error="invalid_token"') }, true);
    expect(run.findings[0]?.got).toMatch(/an error code where none belongs/);
  });

  test('a refusal that was not a 401 leaves both rules to the refusal checks', () => {
    const run = checkChallenges({ none: exchangeOf({ body: { Resources: [] } }), wrong: refusal('Bearer') }, true);
    expect(run.findings).toEqual([]);
    expect(run.skipped.get('AUTH_CHALLENGE')).toMatch(/see AUTH_NO_CREDENTIALS_REFUSED/);
  });
});
