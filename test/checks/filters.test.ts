import { describe, expect, test } from 'vitest';
import { CheckRun } from '../../src/checks/run.js';
import {
  checkFilterApplied,
  checkInvalidFilters,
  checkNoMatch,
  combinedFilter,
  filterRules,
  filterTargetOf,
  foldedFilter,
  judgeCase,
  judgesEveryCase,
  listsOnly,
  userFilterCases,
  type FilterCase,
  type FilterTarget,
} from '../../src/checks/filters.js';
import { LIST_RESPONSE_URN } from '../../src/checks/list-response.js';
import { createScimService, demoSeed } from '../../src/reference-server/index.js';
import { exchangeOf } from '../support/exchange.js';

const ada = { id: 'u1', userName: 'ada@example.com', externalId: 'x1', emails: [{ type: 'work', value: 'ada@example.com' }], meta: { created: '2026-01-01T00:00:00Z' } };
const grace = { id: 'u2', userName: 'grace@example.com' };
const target = filterTargetOf(ada) as FilterTarget;
const list = (...users: object[]) => ({ schemas: [LIST_RESPONSE_URN], totalResults: users.length, startIndex: 1, itemsPerPage: users.length, Resources: users });
const answer = (filter: string, body: unknown, status = 200) => exchangeOf({ status, body, url: `https://scim.example.test/scim/v2/Users?filter=${encodeURIComponent(filter)}` });
const invalidFilter = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidFilter', detail: 'no' };
const caseFor = (code: string) => userFilterCases.find((c) => c.rule.code === code) as FilterCase;

/** A run in which the cases the operator cases rely on have passed. */
function judged(): CheckRun {
  const run = new CheckRun();
  run.pass(filterRules.FILTER_USERNAME_EQ);
  run.pass(filterRules.FILTER_AND);
  run.pass(filterRules.FILTER_OR);
  return run;
}

describe('the filter target', () => {
  test('is read from a user as the server returned it', () => {
    expect(target).toEqual({ id: 'u1', userName: 'ada@example.com', externalId: 'x1', workEmail: 'ada@example.com', created: '2026-01-01T00:00:00Z', absent: 'nickName' });
  });
});

describe('a folded filter case (one request for the must-find and the must-not-find filter)', () => {
  const bystander = filterTargetOf({ ...grace, emails: [{ type: 'work', value: 'grace@example.com' }], meta: { created: '2026-02-01T00:00:00Z' } }) as FilterTarget;

  test('asks for the target by the positive filter or for a second user by the negative one', () => {
    expect(foldedFilter(caseFor('FILTER_CO'), target, bystander)).toMatch(
      /^\(userName eq "ada@example.com" and userName co "da@example.co"\) or \(userName eq "grace@example.com" and userName co "[0-9a-f-]{36}"\)$/,
    );
    expect(foldedFilter(caseFor('FILTER_NE'), target, bystander)).toMatch(
      /^\(userName eq "ada@example.com" and userName ne "scimc-nobody-[^"]+"\) or \(userName eq "grace@example.com" and userName ne "grace@example.com"\)$/,
    );
  });

  test('is never made for FILTER_AND, for cases with one filter, or without a second, different user', () => {
    expect(foldedFilter(caseFor('FILTER_AND'), target, bystander)).toBeUndefined();
    expect(foldedFilter(caseFor('FILTER_EXTERNAL_ID_EQ'), target, bystander)).toBeUndefined();
    expect(foldedFilter(caseFor('FILTER_CO'), target, target)).toBeUndefined();
    expect(foldedFilter(caseFor('FILTER_CO'), target, { ...bystander, userName: 'ADA@example.com' })).toBeUndefined();
  });

  test('passes only on an answer that lists the target alone', () => {
    expect(listsOnly(answer('f', list(ada)), target)).toBe(true);
    expect(listsOnly(answer('f', list(ada, grace)), target)).toBe(false);
    expect(listsOnly(answer('f', list()), target)).toBe(false);
    expect(listsOnly(answer('f', invalidFilter, 400), target)).toBe(false);
    const run = judged();
    judgeCase(run, caseFor('FILTER_SW'), target, { folded: answer('f', list(ada)) });
    expect(run.findings).toEqual([]);
    expect(run.checked.has('FILTER_SW')).toBe(true);
  });
});

describe('a filter case', () => {
  test.for(userFilterCases.map((c) => c.rule.code))('%s builds its filters from the target', (code) => {
    const built = caseFor(code).build(target);
    expect(typeof built === 'string' ? built : built.positive).toBeTruthy();
  });

  test('passes when the positive filter answers only the target and the negative nothing', () => {
    const run = judged();
    judgeCase(run, caseFor('FILTER_NE'), target, { positive: answer('p', list(ada)), negative: answer('n', list()) });
    expect(run.findings).toEqual([]);
    expect(run.checked.has('FILTER_NE')).toBe(true);
  });

  test('fails when the negative filter still answers the target', () => {
    const run = judged();
    judgeCase(run, caseFor('FILTER_NE'), target, { positive: answer('p', list(ada)), negative: answer('userName ne "ada@example.com"', list(ada)) });
    expect(run.findings.map((f) => f.got)).toEqual(['filter=userName ne "ada@example.com" should match nothing, and answered 1 (u1)']);
  });

  test('is skipped with the reason when the server declines the operator with invalidFilter', () => {
    const run = judged();
    judgeCase(run, caseFor('FILTER_EW'), target, { positive: answer('userName ew "x"', invalidFilter, 400) });
    expect(run.findings).toEqual([]);
    expect(run.skipped.get('FILTER_EW')).toMatch(/^does not apply: the server declines filter=userName ew "x" with 400 invalidFilter, which RFC 7644 §3.4.2.2 allows/);
  });

  test('fails, not skips, when a filter Entra sends is declined', () => {
    const run = judged();
    judgeCase(run, caseFor('FILTER_EMAILS_WORK_VALUE'), target, { positive: answer('emails[type eq "work"].value eq "x"', invalidFilter, 400) });
    expect(run.findings.map((f) => f.code)).toEqual(['FILTER_EMAILS_WORK_VALUE']);
  });

  test('is not judged when a case it relies on failed', () => {
    const run = new CheckRun();
    run.pass(filterRules.FILTER_USERNAME_EQ);
    run.fail(filterRules.FILTER_AND, { got: 'x' });
    judgeCase(run, caseFor('FILTER_CO'), target, { positive: answer('p', list(ada)), negative: answer('n', list()) });
    expect(run.skipped.get('FILTER_CO')).toBe('not checked: it relies on FILTER_AND, which failed');
  });

  test('matching filters accept other resources that match, and report ones that do not', () => {
    const run = judged();
    judgeCase(run, caseFor('FILTER_EXTERNAL_ID_EQ'), target, { positive: answer('externalId eq "x1"', list(ada, { ...grace, externalId: 'x1' })) });
    expect(run.findings).toEqual([]);
    judgeCase(run, caseFor('FILTER_EMAILS_WORK_VALUE'), target, { positive: answer('emails', list(ada, grace)) });
    expect(run.findings.map((f) => f.got)).toEqual(['filter=emails also answered resources that do not match: u2']);
  });
});

describe('a filter that is ignored', () => {
  test('is diagnosed as ignored by the server when count was applied', () => {
    const run = new CheckRun();
    checkFilterApplied(run, { unfiltered: answer('', { ...list(ada), totalResults: 2 }), filtered: answer('userName eq "nobody"', { ...list(ada), totalResults: 2 }) });
    expect(run.findings[0]?.fix).toMatch(/^count=1 was applied but the filter was not/);
  });

  test('is diagnosed as a dropped query string when count was ignored too', () => {
    const run = new CheckRun();
    checkFilterApplied(run, { unfiltered: answer('', list(ada, grace)), filtered: answer('userName eq "nobody"', list(ada, grace)) });
    expect(run.findings[0]?.fix).toMatch(/query string does not reach your code/);
  });
});

describe('filters that match nothing, and malformed filters', () => {
  test('a 404 for no match says to answer an empty ListResponse', () => {
    const run = new CheckRun();
    checkNoMatch(run, [answer('userName eq "nobody"', list()), answer('externalId eq "nobody"', { detail: 'not found' }, 404)]);
    expect(run.findings.map((f) => f.code)).toEqual(['FILTER_NO_MATCH_EMPTY']);
    expect(run.findings[0]?.fix).toMatch(/not "not found"/);
  });

  test('a malformed filter answered 200 is reported', () => {
    const run = new CheckRun();
    checkInvalidFilters(run, [answer('userName eq', invalidFilter, 400), answer('(userName eq "x"', list(ada, grace))]);
    expect(run.findings.map((f) => f.got)).toEqual([expect.stringMatching(/^filter=\(userName eq "x": GET .* answered 200/)]);
  });
});

describe('a combined filter (the foldable cases in one request)', () => {
  const service = createScimService({ seed: demoSeed() });
  /** The reference server in-process, behind a breakage that rewrites the filter it receives. */
  const ask = (filter: string, rewrite: (filter: string) => string = (same) => same) => {
    const response = service.handle({ method: 'GET', path: '/scim/v2/Users', query: new URLSearchParams({ filter: rewrite(filter) }), headers: {}, body: '' });
    return answer(filter, JSON.parse(response.body ?? '{}'), response.status);
  };
  const listed = (
    JSON.parse(service.handle({ method: 'GET', path: '/scim/v2/Users', query: new URLSearchParams(), headers: {}, body: '' }).body ?? '{}') as { Resources: object[] }
  ).Resources;
  const [subject, other] = listed.map((user) => filterTargetOf(user as Record<string, unknown>) as FilterTarget);
  if (subject === undefined || other === undefined) throw new Error('the demo seed has fewer than two users');
  const combinable = userFilterCases.filter((c) => c.foldsAlone !== true && foldedFilter(c, subject, other) !== undefined);
  const combined = combinedFilter(combinable, subject, other) ?? 'not built';

  test('is built of every anchored operator case, never of or and grouping, which it relies on', () => {
    expect(combinable.map((c) => c.rule.code)).toEqual([
      'FILTER_NOT',
      'FILTER_NE',
      'FILTER_CO',
      'FILTER_SW',
      'FILTER_EW',
      'FILTER_PR',
      'FILTER_GT',
      'FILTER_GE',
      'FILTER_LT',
      'FILTER_LE',
      'FILTER_VALUE_PATH',
    ]);
    expect(combinedFilter([caseFor('FILTER_OR'), caseFor('FILTER_NE')], subject, other)).toBeUndefined();
    expect(combinedFilter([caseFor('FILTER_NE')], subject, other)).toBeUndefined();
  });

  test('a correct server answers it with the subject alone', () => {
    expect(listsOnly(ask(combined), subject)).toBe(true);
  });

  const swap = (from: string, to: string) => (filter: string) => filter.replaceAll(` ${from} `, ` ${to} `);
  test.for([
    ['not ( ) ignored', (filter: string) => filter.replace(/\bnot \(/, '(')],
    ['ne read as eq', swap('ne', 'eq')],
    ['co read as sw', swap('co', 'sw')],
    ['sw read as ew', swap('sw', 'ew')],
    ['ew read as sw', swap('ew', 'sw')],
    ['gt read as lt', swap('gt', 'lt')],
    ['ge read as gt', swap('ge', 'gt')],
    ['lt read as gt', swap('lt', 'gt')],
    ['le read as lt', swap('le', 'lt')],
    ['pr true for any attribute', (filter: string) => filter.replace(/\b\w+ pr\b/g, 'userName pr')],
    ['the [ ] of a value path ignored', (filter: string) => filter.replace(/emails\[[^\]]*\]/g, 'emails pr')],
    ['or read as and', (filter: string) => filter.replaceAll(' or ', ' and ')],
  ] as const)('a server where %s, which a case folded on its own shows, does not answer it with the subject alone', ([, rewrite]) => {
    const shown = combinable.filter((c) => !listsOnly(ask(foldedFilter(c, subject, other) ?? '', rewrite), subject));
    expect(shown.length).toBeGreaterThan(0);
    expect(listsOnly(ask(combined, rewrite), subject)).toBe(false);
  });

  test('means the same to a server that drops the parentheses, whose grouping FILTER_PARENTHESES judges apart', () => {
    const dropped = (filter: string) => filter.replace(/[()]/g, '');
    expect(listsOnly(ask(combined, dropped), subject)).toBe(true);
    expect(listsOnly(ask(foldedFilter(caseFor('FILTER_PARENTHESES'), subject, other) ?? '', dropped), subject)).toBe(false);
  });
});

describe("the server's own users and group, in a write run", () => {
  const group = { id: 'g1', displayName: 'Engineering' };
  const bystander = filterTargetOf(grace);

  test('are judged when every case can be built on them', () => {
    expect(judgesEveryCase({ user: target, bystander, group })).toBe(true);
  });

  test.for([
    ['a user without externalId', { user: filterTargetOf({ ...ada, externalId: undefined }) as FilterTarget, bystander, group }],
    ['a user without a work email', { user: filterTargetOf({ ...ada, emails: [] }) as FilterTarget, bystander, group }],
    ['no bystander', { user: target, bystander: undefined, group }],
    ['no group', { user: target, bystander, group: 'the server lists no group' }],
    ['no user', { user: 'the server lists no user', bystander, group }],
  ] as const)("are replaced by the run's own for %s", ([, subject]) => {
    expect(judgesEveryCase(subject)).toBe(false);
  });
});
