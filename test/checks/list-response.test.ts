import { describe, expect, test } from 'vitest';
import { checkListResponse, EMPTY_LIST_RESPONSE, LIST_RESPONSE_URN } from '../../src/checks/list-response.js';
import { renderFindings } from '../../src/diagnose/render.js';
import { exchangeOf } from '../support/exchange.js';

const user = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: '1', userName: 'ada@example.com' };
const list = (overrides: Record<string, unknown> = {}) => ({
  schemas: [LIST_RESPONSE_URN],
  totalResults: 1,
  startIndex: 1,
  itemsPerPage: 1,
  Resources: [user],
  ...overrides,
});

function codes(body: unknown, expectation = { count: 2, paged: true }) {
  return checkListResponse(exchangeOf({ body }), expectation).run.findings.map((f) => f.code);
}

describe('checkListResponse', () => {
  test('a complete ListResponse has no findings', () => {
    expect(codes(list())).toEqual([]);
    expect(codes(JSON.parse(EMPTY_LIST_RESPONSE))).toEqual([]);
  });

  test.for([
    ['null', null, 'LIST_NOT_AN_OBJECT'],
    ['a bare array', [], 'LIST_NOT_AN_OBJECT'],
    ['a string', 'ok', 'LIST_NOT_AN_OBJECT'],
    ['no schemas', list({ schemas: undefined }), 'LIST_SCHEMAS'],
    ['the Error schema', list({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'] }), 'LIST_SCHEMAS'],
    ['totalResults as a string', list({ totalResults: '1' }), 'LIST_TOTAL_RESULTS'],
    ['no totalResults', list({ totalResults: undefined }), 'LIST_TOTAL_RESULTS'],
    ['startIndex as a string', list({ startIndex: '1' }), 'LIST_PAGING_NUMBERS'],
    ['no itemsPerPage', list({ itemsPerPage: undefined }), 'LIST_PAGING_NUMBERS'],
    ['no Resources', list({ Resources: undefined, totalResults: 0, itemsPerPage: 0 }), 'LIST_RESOURCES_PRESENT'],
    ['resources in lower case', { ...list({ Resources: undefined }), resources: [user] }, 'LIST_RESOURCES_PRESENT'],
    ['itemsPerPage not matching Resources', list({ itemsPerPage: 5 }), 'LIST_ITEMS_PER_PAGE'],
    ['three users for count=2', list({ Resources: [user, user, user], itemsPerPage: 3, totalResults: 3 }), 'LIST_COUNT_RESPECTED'],
    ['a negative totalResults', list({ totalResults: -1 }), 'LIST_TOTAL_RESULTS'],
  ] as const)('a body with %s is reported as %s', ([, body, code]) => {
    expect(codes(body)).toContain(code);
  });

  test('startIndex and itemsPerPage are only required when the request pages', () => {
    expect(codes(list({ startIndex: undefined, itemsPerPage: undefined }), { count: 2, paged: false })).toEqual([]);
  });

  test('the schema catches what the targeted checks do not name', () => {
    expect(codes(list({ Resources: ['not an object'] }))).toContain('LIST_SHAPE');
  });

  test('a misspelt Resources is named in the message', () => {
    const run = checkListResponse(exchangeOf({ body: { ...list({ Resources: undefined }), resources: [user] } }), {}).run;
    expect(run.findings[0]?.got).toBe('"Resources" is missing; the body has "resources" instead');
  });

  test('shape rules are not judged when the body is not JSON', () => {
    const run = checkListResponse(exchangeOf({ raw: 'oops' }), {}).run;
    expect(run.findings.map((f) => f.code)).toEqual(['HTTP_BODY_NOT_JSON']);
    expect(run.checked.has('LIST_RESOURCES_PRESENT')).toBe(false);
  });

  test('null renders in four parts', () => {
    const run = checkListResponse(exchangeOf({ raw: 'null' }), {}).run;
    expect(renderFindings(run.findings)).toMatchInlineSnapshot(`
      "LIST_NOT_AN_OBJECT (MUST): a list is answered with a ListResponse object, not null or a bare array
        Got:       The body is null.
        Required:  A ListResponse object, also when nothing matches: {"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]} [RFC 7644 §3.4.2; okta MUST, entra MUST, rfc MUST]
        Fix:       Wrap the results in a ListResponse even when the store is empty; \`null\` and \`[]\` are what a serialised empty list or a missing object look like, and Okta reports them as "No results for users returned".
        Reproduce: curl -i 'https://scim.example.test/scim/v2/Users?startIndex=1&count=2' -H 'accept: application/scim+json' -H 'authorization: Bearer '"$SCIM_TOKEN""
    `);
  });
});
