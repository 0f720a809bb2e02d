import { describe, expect, test } from 'vitest';
import { LIST_RESPONSE_URN } from '../../src/checks/list-response.js';
import { checkPaging, evidenceOf, gatherPages, pageOf, pagesToRequest, type Page, type PagingEvidence } from '../../src/checks/paging.js';
import { exchangeOf } from '../support/exchange.js';

const IDS = ['a', 'b', 'c'];

function page(startIndex: number, count: number, ids: string[], totalResults = IDS.length, echoed = startIndex): Page {
  const body = { schemas: [LIST_RESPONSE_URN], totalResults, startIndex: echoed, itemsPerPage: ids.length, Resources: ids.map((id) => ({ id })) };
  return pageOf(exchangeOf({ body, url: `https://scim.example.test/scim/v2/Users?startIndex=${startIndex}&count=${count}` }), startIndex, count);
}

/** What a correct server answers over the users a, b, c. */
function correct(): PagingEvidence {
  return {
    first: page(1, 100, IDS),
    second: page(2, 1, ['b']),
    belowOne: [page(0, 1, ['a'], 3, 1), page(-1, 1, ['a'], 3, 1)],
    countZero: page(1, 0, []),
    negativeCount: page(1, -1, []),
    pastEnd: page(4, 100, []),
    oktaWalk: [page(1, 100, IDS)],
    smallWalk: [page(1, 2, ['a', 'b']), page(3, 2, ['c'])],
  };
}

const codes = (evidence: PagingEvidence) => checkPaging(evidence, (needed) => `needs ${needed}`).findings.map((f) => f.code);

describe('checkPaging', () => {
  test('a correct server has no findings, and every rule is judged', () => {
    const run = checkPaging(correct(), () => 'too few');
    expect(run.findings).toEqual([]);
    expect(run.checked.size).toBe(7);
  });

  test.for([
    ['startIndex=2 returning the first resource again', { second: page(2, 1, ['a']) }, 'PAGING_ONE_BASED'],
    ['startIndex=2 returning the third resource', { second: page(2, 1, ['c']) }, 'PAGING_ONE_BASED'],
    ['startIndex not echoed', { second: page(2, 1, ['b'], 3, 1) }, 'PAGING_ONE_BASED'],
    ['startIndex=0 answered 400', { belowOne: [pageOf(exchangeOf({ status: 400, body: {} }), 0, 1)] }, 'PAGING_START_INDEX_BELOW_ONE'],
    ['count=0 returning everyone', { countZero: page(1, 0, IDS) }, 'PAGING_COUNT_ZERO'],
    ['count=-1 returning everyone', { negativeCount: page(1, -1, IDS) }, 'PAGING_NEGATIVE_COUNT'],
    ['a page past the end holding the first page', { pastEnd: page(4, 100, IDS) }, 'PAGING_PAST_END_EMPTY'],
    ['totalResults equal to the page size', { second: page(2, 1, ['b'], 1) }, 'PAGING_TOTAL_STABLE'],
    ['pages overlapping', { smallWalk: [page(1, 2, ['a', 'b']), page(3, 2, ['b'])] }, 'PAGING_WALK_COMPLETE'],
  ] as const)('%s is reported as %s', ([, change, code]) => {
    expect(codes({ ...correct(), ...change })).toEqual([code]);
  });

  test('a 0-based server is recognised by the resource its first page skips', () => {
    const evidence = { ...correct(), first: page(1, 100, ['b', 'c']), second: page(2, 1, ['c']), oktaWalk: [page(1, 100, ['b', 'c'])] };
    const run = checkPaging(evidence, () => 'too few');
    expect(run.findings[0]?.code).toBe('PAGING_ONE_BASED');
    expect(run.findings[0]?.got).toMatch(/without a, which startIndex=0 returns: startIndex is read as a 0-based offset/);
  });

  test("a page cap below Okta's count says that Okta skips the rest", () => {
    const evidence = { ...correct(), first: page(1, 100, ['a', 'b'], 150), oktaWalk: [page(1, 100, ['a', 'b'], 150), page(101, 100, ['c'], 150)] };
    const run = checkPaging(evidence, () => 'too few');
    const walk = run.findings.find((f) => f.code === 'PAGING_WALK_COMPLETE');
    expect(walk?.fix).toMatch(/Okta advances startIndex by the count it asked for/);
  });

  test('totalResults larger than what the pages hold is told apart from overlapping pages', () => {
    const evidence = {
      ...correct(),
      first: page(1, 100, IDS, 5),
      oktaWalk: [page(1, 100, IDS, 5)],
      smallWalk: [],
      pastEnd: page(6, 100, [], 5),
      second: page(2, 1, ['b'], 5),
      belowOne: [],
      countZero: page(1, 0, [], 5),
      negativeCount: page(1, -1, [], 5),
    };
    const run = checkPaging(evidence, () => 'too few');
    expect(run.findings.map((f) => f.code)).toEqual(['PAGING_WALK_COMPLETE']);
    expect(run.findings[0]?.fix).toMatch(/totalResults counts more than the pages return/);
  });

  test('a store with one user skips the 1-based check with the reason', () => {
    const run = checkPaging({ ...correct(), first: page(1, 100, ['a'], 1), oktaWalk: [page(1, 100, ['a'], 1)], smallWalk: [] }, (needed, held) => `holds ${held}, needs ${needed}`);
    expect(run.skipped.get('PAGING_ONE_BASED')).toBe('holds 1, needs 2');
  });
});

describe('what the real servers showed (docs/real-servers.md)', () => {
  test('a walk whose every page starts with the first resource names startIndex as not applied, not the order', () => {
    // SCIMMY behind scimmy-routers on Express 5: startIndex and count never reach SCIMMY.
    const evidence = { ...correct(), smallWalk: [page(1, 2, IDS), page(3, 2, IDS)] };
    const walk = checkPaging(evidence, () => 'too few').findings.find((f) => f.code === 'PAGING_WALK_COMPLETE');
    expect(walk?.fix).toMatch(/^Every page starts with the same resource: startIndex is not applied/);
  });

  test('a walk that overlaps by one resource is still put down to the order (control)', () => {
    const evidence = { ...correct(), smallWalk: [page(1, 2, ['a', 'b']), page(3, 2, ['b'])] };
    const walk = checkPaging(evidence, () => 'too few').findings.find((f) => f.code === 'PAGING_WALK_COMPLETE');
    expect(walk?.fix).toMatch(/^Resources appear on two pages: the list has no stable order/);
  });

  test('a page past the end is an RFC rule only: neither Okta nor Entra asks for one', () => {
    const finding = checkPaging({ ...correct(), pastEnd: page(4, 100, IDS) }, () => 'too few').findings[0];
    expect(finding?.code).toBe('PAGING_PAST_END_EMPTY');
    expect(finding?.requiredBy).toEqual({ rfc: 'MUST' });
  });
});

describe('gathering the pages', () => {
  /** A correct server over a, b, c, counting the requests it answers. */
  function store(ids = IDS) {
    const asked: string[] = [];
    const pageAt = async (startIndex: number, count: number) => {
      asked.push(`${startIndex}&${count}`);
      const from = Math.max(1, startIndex) - 1;
      return page(startIndex, count, count <= 0 ? [] : ids.slice(from, from + count), ids.length, Math.max(1, startIndex));
    };
    return { asked, pageAt };
  }

  test('every page is asked for once, and the evidence of a correct server has no findings', async () => {
    const { asked, pageAt } = store();
    const pages = await gatherPages(pageAt);
    expect(asked).toEqual(['1&100', '2&1', '0&1', '-1&1', '1&0', '1&-1', '4&100', '1&2', '3&2']);
    const evidence = evidenceOf(pages);
    expect(evidence.oktaWalk[0]).toBe(evidence.first);
    expect(evidence.smallWalk.map((p) => p.startIndex)).toEqual([1, 3]);
    expect(checkPaging(evidence, () => 'too few').findings).toEqual([]);
  });

  test("a page already read with the same totalResults is not asked for again (the preflight's startIndex=1&count=2)", async () => {
    const { asked, pageAt } = store();
    await gatherPages(pageAt, [page(1, 2, ['a', 'b'])]);
    expect(asked).not.toContain('1&2');
  });

  test('a page already read that states another totalResults is asked for again: the store moved since', async () => {
    const { asked, pageAt } = store();
    await gatherPages(pageAt, [page(1, 2, ['a', 'b'], 2)]);
    expect(asked).toContain('1&2');
  });

  test("the preflight's totalResults plans the other pages, asked for before the first page is answered, and kept when it states the same total", async () => {
    const { asked, pageAt } = store();
    let answerFirst: () => void = () => {};
    const firstHeld = new Promise<void>((resolve) => (answerFirst = resolve));
    const held = async (startIndex: number, count: number) => {
      if (startIndex === 1 && count === 100) await firstHeld;
      return pageAt(startIndex, count);
    };
    const gathering = gatherPages(held, [page(1, 2, ['a', 'b'])]);
    await Promise.resolve();
    expect(asked).toEqual(['2&1', '0&1', '-1&1', '1&0', '1&-1', '4&100', '3&2']);
    answerFirst();
    await gathering;
    expect(asked).toEqual(['2&1', '0&1', '-1&1', '1&0', '1&-1', '4&100', '3&2', '1&100']);
  });

  test('pages planned from a preflight that states another total are asked for again, as the first page plans them', async () => {
    const { asked, pageAt } = store();
    const pages = await gatherPages(pageAt, [page(1, 2, ['a', 'b'], 250)]);
    expect(asked.filter((key) => key === '2&1')).toHaveLength(2);
    expect(asked).toContain('101&100');
    expect(evidenceOf(pages).oktaWalk.map((p) => p.startIndex)).toEqual([1]);
    expect(checkPaging(evidenceOf(pages), () => 'too few').findings).toEqual([]);
  });

  test('a first page that is not a list asks for nothing more, and nothing is judged', async () => {
    const { asked } = store();
    const broken = pageOf(exchangeOf({ status: 500, body: {} }), 1, 100);
    const pages = await gatherPages(async () => broken);
    expect(pagesToRequest(broken)).toEqual([]);
    expect(asked).toEqual([]);
    expect(checkPaging(evidenceOf(pages), () => 'too few').checked.size).toBe(0);
  });

  test('the Okta walk advances by 100 up to totalResults, and the count=2 walk is made only over a small store', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => `u${i}`);
    const { asked, pageAt } = store(ids);
    const evidence = evidenceOf(await gatherPages(pageAt));
    expect(evidence.oktaWalk.map((p) => p.startIndex)).toEqual([1, 101, 201]);
    expect(evidence.smallWalk).toEqual([]);
    expect(asked.filter((key) => key.endsWith('&2'))).toEqual([]);
    expect(checkPaging(evidence, () => 'too few').findings).toEqual([]);
  });
});
