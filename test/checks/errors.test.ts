import { describe, expect, test } from 'vitest';
import { checkRefused } from '../../src/checks/auth.js';
import { checkNotFound, checkResourceRead, ERROR_URN } from '../../src/checks/errors.js';
import { LIST_RESPONSE_URN } from '../../src/checks/list-response.js';
import { exchangeOf, OKTA_USER } from '../support/exchange.js';

const notFound = { schemas: [ERROR_URN], status: '404', detail: 'User 1 not found' };
const codes = (run: { findings: Array<{ code: string }> }) => run.findings.map((f) => f.code);

describe('an unknown id', () => {
  test('a 404 with a complete Error body has no findings', () => {
    expect(codes(checkNotFound(exchangeOf({ status: 404, body: notFound })))).toEqual([]);
  });

  test.for([
    ['a 200 with the error inside', { status: 200, body: notFound }, 'ERROR_NOT_FOUND_STATUS', /inside a 200/],
    ['an empty ListResponse', { status: 200, body: { schemas: [LIST_RESPONSE_URN], totalResults: 0, Resources: [] } }, 'ERROR_NOT_FOUND_STATUS', /ListResponse/],
    ['no schemas', { status: 404, body: { status: '404', detail: 'x' } }, 'ERROR_SCHEMAS', /Error/],
    ['status as a number', { status: 404, body: { ...notFound, status: 404 } }, 'ERROR_STATUS_STRING', /String\(statusCode\)/],
    ['no detail', { status: 404, body: { schemas: [ERROR_URN], status: '404' } }, 'ERROR_DETAIL', /detail/],
    ['an invented scimType', { status: 404, body: { ...notFound, scimType: 'notFound' } }, 'ERROR_SCIM_TYPE', /RFC's values/],
  ] as const)('%s is reported as %s', ([, answer, code, fix]) => {
    const run = checkNotFound(exchangeOf(answer));
    expect(codes(run)).toEqual([code]);
    expect(run.findings[0]?.fix).toMatch(fix);
  });
});

describe('GET /Users/{id}', () => {
  const user = OKTA_USER;

  test('the resource itself passes, with the attributes Okta reads', () => {
    const run = checkResourceRead(exchangeOf({ body: user }), 'u1', 'user');
    expect(codes(run)).toEqual([]);
    expect([...run.checked]).toEqual(['RESOURCE_GET_IS_RESOURCE', 'USER_SCHEMA', 'OKTA_USER_ATTRIBUTES']);
  });

  test('a ListResponse holding the user is reported, since Okta would PUT it back', () => {
    const run = checkResourceRead(exchangeOf({ body: { schemas: [LIST_RESPONSE_URN], totalResults: 1, Resources: [user] } }), 'u1', 'user');
    expect(codes(run)).toEqual(['RESOURCE_GET_IS_RESOURCE']);
    expect(run.findings[0]?.got).toMatch(/^a ListResponse came back/);
  });

  test("another user's id is reported", () => {
    expect(codes(checkResourceRead(exchangeOf({ body: { ...user, id: 'u2' } }), 'u1', 'user'))).toEqual(['RESOURCE_GET_IS_RESOURCE']);
  });
});

describe('requests without valid credentials', () => {
  const refusal = { status: 401, body: { schemas: [ERROR_URN], status: '401', detail: 'Invalid token' } };

  test('a 401 with an Error body passes', () => {
    expect(codes(checkRefused(exchangeOf(refusal), 'wrong'))).toEqual([]);
  });

  test('an answer with data is a security finding', () => {
    const run = checkRefused(exchangeOf({ body: { Resources: [] } }), 'none');
    expect(codes(run)).toEqual(['AUTH_NO_CREDENTIALS_REFUSED']);
    expect(run.findings[0]?.level).toBe('MUST');
    expect(run.findings[0]?.fix).toMatch(/^SECURITY: the server answered 200 to a request with no credentials at all/);
  });

  test('a 403 for a wrong token names 401 as the status to send', () => {
    const run = checkRefused(exchangeOf({ ...refusal, status: 403 }), 'wrong');
    expect(codes(run)).toEqual(['AUTH_WRONG_TOKEN_REFUSED']);
    expect(run.findings[0]?.fix).toMatch(/with 403/);
  });

  test('a 401 without an Error body is AUTH_ERROR_BODY', () => {
    const run = checkRefused(exchangeOf({ status: 401, raw: 'Unauthorized', headers: { 'content-type': 'text/plain' } }), 'wrong');
    expect(codes(run)).toEqual(['AUTH_ERROR_BODY']);
  });
});
