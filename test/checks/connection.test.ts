import { describe, expect, test } from 'vitest';
import { checkBaseUrl, checkGroupsList, checkOktaConnection, checkUnknownUserFilter } from '../../src/checks/connection.js';
import { EMPTY_LIST_RESPONSE, LIST_RESPONSE_URN } from '../../src/checks/list-response.js';
import { exchangeOf, OKTA_USER } from '../support/exchange.js';

const BASE = 'https://scim.example.test/scim/v2';
const oktaUser = OKTA_USER;
const listOf = (resources: unknown[], total = resources.length) => ({
  schemas: [LIST_RESPONSE_URN],
  totalResults: total,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});
const codes = (run: { findings: Array<{ code: string }> }) => run.findings.map((f) => f.code);

describe('the Base URL', () => {
  test.for([`${BASE}/Users`, `${BASE}/users/`, `${BASE}/Groups`])('%s is reported as a resource endpoint', (url) => {
    expect(codes(checkBaseUrl(url))).toEqual(['BASE_URL_ENDS_WITH_RESOURCE']);
  });

  test('the fix names the SCIM root to use instead', () => {
    expect(checkBaseUrl(`${BASE}/Users`).findings[0]?.fix).toBe(`Set the Base URL to ${BASE} (without /Users).`);
  });

  test('a SCIM root is accepted', () => {
    expect(codes(checkBaseUrl(BASE))).toEqual([]);
  });
});

describe("Okta's connection probe", () => {
  test('an empty store answered with a full ListResponse passes', () => {
    expect(codes(checkOktaConnection(exchangeOf({ raw: EMPTY_LIST_RESPONSE }), BASE).run)).toEqual([]);
  });

  test('a 404 on /Users says the Base URL path is wrong', () => {
    const run = checkOktaConnection(exchangeOf({ status: 404, body: { detail: 'no route' } }), BASE).run;
    expect(codes(run)).toEqual(['HTTP_STATUS']);
    expect(run.findings[0]?.fix).toMatch(/Base URL path is probably wrong/);
  });

  test('a listed user without the attributes Okta reads is OKTA_USER_ATTRIBUTES', () => {
    const { name: _name, ...noName } = oktaUser;
    const run = checkOktaConnection(exchangeOf({ body: listOf([noName]) }), BASE).run;
    expect(codes(run)).toEqual(['OKTA_USER_ATTRIBUTES']);
    expect(run.findings[0]?.got).toMatch(/lacks name.givenName, name.familyName/);
  });

  test('active as the string "true" breaks the User schema', () => {
    expect(codes(checkOktaConnection(exchangeOf({ body: listOf([{ ...oktaUser, active: 'true' }]) }), BASE).run)).toContain('USER_SCHEMA');
  });
});

describe("Entra's unknown-user filter", () => {
  test('an empty ListResponse passes', () => {
    expect(codes(checkUnknownUserFilter(exchangeOf({ raw: EMPTY_LIST_RESPONSE }), false).run)).toEqual([]);
  });

  test('users coming back mean the filter is ignored', () => {
    const run = checkUnknownUserFilter(exchangeOf({ body: listOf([oktaUser]) }), false).run;
    expect(codes(run)).toEqual(['FILTER_UNKNOWN_USER_EMPTY']);
    expect(run.findings[0]?.fix).toMatch(/The filter is ignored/);
  });

  test('when count was ignored too, the query string is being dropped on the way', () => {
    const run = checkUnknownUserFilter(exchangeOf({ body: listOf([oktaUser]) }), true).run;
    expect(run.findings[0]?.fix).toMatch(/query string is not reaching your code/);
  });

  test('a 404 is reported as such, with the empty ListResponse to send', () => {
    const run = checkUnknownUserFilter(exchangeOf({ status: 404, body: { detail: 'not found' } }), false).run;
    expect(codes(run)).toEqual(['FILTER_UNKNOWN_USER_EMPTY']);
    expect(run.findings[0]?.fix).toMatch(/not "not found"/);
  });
});

describe('GET /Groups', () => {
  test('an answer slower than 600 ms is a warning for Okta', () => {
    const run = checkGroupsList(exchangeOf({ body: listOf([]), durationMs: 900 })).run;
    expect(run.findings.map((f) => [f.code, f.requiredBy])).toEqual([['GROUPS_ANSWER_QUICKLY', { okta: 'SHOULD' }]]);
  });

  test('an answer slow on every try is a warning, with each time named', () => {
    const slow = () => exchangeOf({ body: listOf([]), durationMs: 900 });
    const run = checkGroupsList(slow(), [slow(), slow()]).run;
    expect(run.findings.map((f) => [f.code, f.got])).toEqual([['GROUPS_ANSWER_QUICKLY', 'GET /Groups took 900 ms, then 900 ms, then 900 ms.']]);
  });

  test('one slow answer followed by a quick one is no finding: a cold start or a loaded machine, not the server', () => {
    const run = checkGroupsList(exchangeOf({ body: listOf([]), durationMs: 639 }), [exchangeOf({ body: listOf([]), durationMs: 12 })]).run;
    expect(run.findings).toEqual([]);
    expect(run.checked.has('GROUPS_ANSWER_QUICKLY')).toBe(true);
  });
});
