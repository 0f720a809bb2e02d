/**
 * Findings the real servers (docs/real-servers.md) showed at the wrong level or for no fault: each
 * rule is still broken where it should be, at the level its source supports.
 */
import { describe, expect, test } from 'vitest';
import { filterRules } from '../../src/checks/filters.js';
import { checkListResponse, listRules } from '../../src/checks/list-response.js';
import { queryRules } from '../../src/checks/query-params.js';
import { exchangeOf } from '../support/exchange.js';

const codes = (findings: ReadonlyArray<{ code: string }>) => findings.map((f) => f.code);

describe('rules no Okta or Entra flow touches are RFC findings only', () => {
  test.for([
    ['a malformed filter', filterRules.FILTER_INVALID_REFUSED],
    ['attributes= keeping id and schemas', queryRules.QUERY_ALWAYS_RETURNED],
    ['never more than count', listRules.LIST_COUNT_RESPECTED],
    ['itemsPerPage equal to the page', listRules.LIST_ITEMS_PER_PAGE],
  ] as const)('%s', ([, rule]) => {
    expect(rule.requiredBy).toEqual({ rfc: 'MUST' });
  });

  test('a page longer than count still fails LIST_COUNT_RESPECTED and LIST_ITEMS_PER_PAGE (SCIMMY on Express 5)', () => {
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 3,
      startIndex: 1,
      itemsPerPage: 20,
      Resources: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
    };
    const { run } = checkListResponse(exchangeOf({ body }), { count: 2, paged: true });
    expect(codes(run.findings)).toEqual(expect.arrayContaining(['LIST_COUNT_RESPECTED', 'LIST_ITEMS_PER_PAGE']));
  });

  test('a page within count passes both (control)', () => {
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 3, startIndex: 1, itemsPerPage: 2, Resources: [{ id: 'a' }, { id: 'b' }] };
    const { run } = checkListResponse(exchangeOf({ body }), { count: 2, paged: true });
    expect(run.findings).toEqual([]);
  });
});
