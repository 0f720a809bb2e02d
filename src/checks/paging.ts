import { describeResponse, excerpt } from '../diagnose/describe.js';
import { isObject, type Exchange } from '../http/exchange.js';
import { objectBody, statusOf } from './answers.js';
import { checkListResponse } from './list-response.js';
import { defineRules, type Rule } from './rule.js';
import { CheckRun } from './run.js';

/** Okta imports 100 at a time: startIndex 1, 101, 201 ... */
export const OKTA_PAGE_SIZE = 100;
/** The walk stops here (100 pages): enough for any staging server, polite to a production one. */
export const MAX_WALK_PAGES = 100;
/** A walk with count=2 is only made over a store this small. */
export const SMALL_WALK_LIMIT = 20;

export const pagingRules = defineRules({
  PAGING_ONE_BASED: {
    title: 'startIndex is 1-based: startIndex=2 returns the second resource',
    // Entra does not page: it matches with filters (SCIM-CLIENTS.md). Okta's import pages by startIndex.
    requiredBy: { okta: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.4',
    requirement: 'startIndex=1 is the first result; startIndex=2&count=1 answers the second resource of the list that startIndex=1 answers, and echoes "startIndex": 2.',
    fix: 'Compute the offset as startIndex - 1. A server that uses startIndex as a 0-based offset skips the first user of every import.',
  },
  PAGING_START_INDEX_BELOW_ONE: {
    title: 'startIndex below 1 is treated as 1',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.4 ("A value less than 1 SHALL be interpreted as 1")',
    requirement: 'startIndex=0 and startIndex=-1 are answered 200 with the first page, as startIndex=1 would be.',
    fix: 'Clamp startIndex to at least 1 before computing the offset; do not answer 400, and do not compute a negative offset.',
  },
  PAGING_COUNT_ZERO: {
    title: 'count=0 returns only totalResults',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.4 ("A value of 0 indicates that no resource results are to be returned except for totalResults")',
    requirement: 'count=0 is answered 200 with no resources (Resources [] or absent) and the same totalResults as any other page.',
    fix: 'Treat count=0 as "how many are there": run the count query, return no resources. A server that reads 0 as "no limit" returns everyone.',
  },
  PAGING_NEGATIVE_COUNT: {
    title: 'a negative count is treated as 0',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.4 ("A negative value SHALL be interpreted as 0")',
    requirement: 'count=-1 is answered 200 with no resources, like count=0.',
    fix: 'Clamp count to at least 0. A negative LIMIT is an SQL error in some databases and "no limit" in others.',
  },
  PAGING_PAST_END_EMPTY: {
    title: 'a page past the end is empty, not the first page again',
    // Okta stops when startIndex passes totalResults and Entra does not page, so neither asks for a
    // page past the end (SCIM-CLIENTS.md): an RFC rule only.
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.4',
    requirement: 'startIndex greater than totalResults is answered 200 with Resources [] and the same totalResults.',
    fix: 'Apply the offset even when it passes the end: an empty page is how a client that pages without reading totalResults knows it is done.',
  },
  PAGING_TOTAL_STABLE: {
    title: 'totalResults is the same on every page',
    requiredBy: { okta: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2, §3.4.2.4; Okta import',
    requirement: 'totalResults is the number of results the query matches, whatever startIndex and count are: not the page size, not the count asked for.',
    fix: 'Count the matching resources with the filter but without the offset and limit.',
  },
  PAGING_WALK_COMPLETE: {
    title: 'paging through the list visits every resource exactly once',
    requiredBy: { okta: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.4; Okta import (count=100, startIndex 1, 101, 201 ... until totalResults)',
    requirement:
      'Walking the list as Okta imports it (count=100, startIndex advanced by 100), and with small pages (count=2), finds totalResults distinct resources, none twice and none missing.',
    fix: 'Order the list by a unique, stable key (id or created) before applying the offset, count totalResults over the same set the pages come from, and fill every page but the last up to count.',
  },
});

export interface Page {
  exchange: Exchange;
  /** The request's paging parameters. */
  startIndex: number;
  count: number;
  totalResults?: number;
  ids?: string[];
  /** The startIndex the answer states, when it is an integer. */
  echoedStartIndex?: number;
}

/** Reads the paging facts of an answer without judging it (the list checks judge it). */
export function pageOf(exchange: Exchange, startIndex: number, count: number): Page {
  const page: Page = { exchange, startIndex, count };
  const body = statusOf(exchange) === 200 ? objectBody(exchange) : undefined;
  if (body === undefined) return page;
  const { totalResults, Resources, startIndex: echoed } = body;
  if (Number.isInteger(totalResults)) page.totalResults = totalResults as number;
  if (Number.isInteger(echoed)) page.echoedStartIndex = echoed as number;
  if (Array.isArray(Resources)) page.ids = Resources.map((resource) => (isObject(resource) ? String(resource['id']) : JSON.stringify(resource)));
  else if (Resources === undefined && page.totalResults !== undefined) page.ids = [];
  return page;
}

export interface PagingEvidence {
  /** startIndex=1&count=100: the reference order, and Okta's first page. */
  first: Page;
  /** startIndex=2&count=1. */
  second?: Page;
  /** startIndex=0 and -1 with count=1. */
  belowOne: readonly Page[];
  countZero?: Page;
  negativeCount?: Page;
  pastEnd?: Page;
  /** Okta's walk, its first page being `first`. */
  oktaWalk: readonly Page[];
  /** The walk with count=2, when the store is small enough. */
  smallWalk: readonly Page[];
  /** Why the walk was cut short or not made. */
  walkSkipped?: string;
}

function describePage(page: Page): string {
  return describeResponse(page.exchange);
}

function shown(ids: readonly string[] | undefined): string {
  return ids === undefined ? 'no Resources' : `[${excerpt(ids.join(', '), 120)}]`;
}

/** What the first page says, which every other page is compared with. */
interface Reference {
  first: Page;
  /** The ids of the first page, in order. */
  order: readonly string[];
  total: number;
  /** Whether the store holds `needed` resources; skips `rule` with the reason when it does not. */
  needs(rule: Rule, needed: number): boolean;
}

/**
 * All paging rules from one set of answers. `tooFew` is the reason to skip rules that need more
 * resources than the server holds (read-only runs use what is there).
 */
export function checkPaging(evidence: PagingEvidence, tooFew: (needed: number, held: number) => string): CheckRun {
  const run = new CheckRun();
  const { first } = evidence;
  const order = first.ids;
  const total = first.totalResults;
  if (order === undefined || total === undefined) {
    // The first page is not a list: the list checks say why; nothing here can be judged.
    for (const rule of Object.values(pagingRules)) run.skip(rule, `not checked: GET ${first.exchange.request.url} is not a usable ListResponse (see the LIST_ checks)`);
    return run;
  }
  const needs = (rule: Rule, needed: number): boolean => {
    if (order.length >= needed) return true;
    run.skip(rule, tooFew(needed, order.length));
    return false;
  };
  const reference: Reference = { first, order, total, needs };
  judgeOneBased(run, evidence, reference);
  judgeBelowOne(run, evidence.belowOne, reference);
  judgeEmpty(run, pagingRules.PAGING_COUNT_ZERO, evidence.countZero, 'count=0', reference);
  judgeEmpty(run, pagingRules.PAGING_NEGATIVE_COUNT, evidence.negativeCount, 'count=-1', reference);
  judgePastEnd(run, evidence.pastEnd, reference);
  judgeTotalStable(run, evidence, reference);
  judgeWalk(run, evidence, total);
  return run;
}

function judgeOneBased(run: CheckRun, evidence: PagingEvidence, reference: Reference): void {
  const page = evidence.second;
  const rule = pagingRules.PAGING_ONE_BASED;
  if (page === undefined || !reference.needs(rule, 2)) return;
  const skipped = resourceSkipped(evidence, reference);
  const right = skipped === undefined && page.ids?.[0] === reference.order[1] && (page.echoedStartIndex === undefined || page.echoedStartIndex === 2);
  run.expect(rule, right, () => ({ got: oneBasedProblem(page, reference, skipped), exchange: page.exchange }));
}

/**
 * A 0-based server is self-consistent from startIndex=1 on; what gives it away is a first page one
 * short of totalResults, and a lower startIndex that reveals the resource it skipped.
 */
function resourceSkipped(evidence: PagingEvidence, { first, order, total }: Reference): string | undefined {
  if (order.length !== Math.min(total, first.count) - 1) return undefined;
  return evidence.belowOne.flatMap((page) => page.ids ?? []).find((id) => !order.includes(id));
}

function oneBasedProblem(page: Page, { first, order, total }: Reference, skipped: string | undefined): string {
  if (skipped !== undefined) {
    return `startIndex=1&count=${first.count} answered ${order.length} of totalResults ${total}, without ${skipped}, which startIndex=0 returns: startIndex is read as a 0-based offset`;
  }
  const got = page.ids?.[0];
  if (page.ids === undefined) return describePage(page);
  if (got === order[0]) return `startIndex=2 returned the first resource (${order[0]}) again`;
  if (got === order[2]) return `startIndex=2 returned the third resource (${String(order[2])}): startIndex is read as a 0-based offset`;
  if (got !== order[1]) return `startIndex=2 returned ${shown(page.ids)}; the second resource of startIndex=1 is ${String(order[1])}`;
  return `startIndex=2 returned the right resource but states "startIndex": ${String(page.echoedStartIndex)}`;
}

function judgeBelowOne(run: CheckRun, pages: readonly Page[], { order, needs }: Reference): void {
  const rule = pagingRules.PAGING_START_INDEX_BELOW_ONE;
  if (pages.length === 0 || !needs(rule, 1)) return;
  const wrong = pages.filter((page) => page.ids?.[0] !== order[0]);
  run.expect(rule, wrong.length === 0, () => ({
    got: wrong
      .map((page) => (page.ids === undefined ? describePage(page) : `startIndex=${page.startIndex} returned ${shown(page.ids)}, not the first resource ${String(order[0])}`))
      .join('\n'),
    exchange: wrong[0]?.exchange,
  }));
}

/** count=0 and count=-1: no resources, and the same totalResults as the first page. */
function judgeEmpty(run: CheckRun, rule: Rule, page: Page | undefined, what: string, { total, needs }: Reference): void {
  if (page === undefined || !needs(rule, 1)) return;
  const got = (ids: readonly string[]) =>
    ids.length > 0 ? `${what} returned ${ids.length} resources` : `${what} states totalResults ${String(page.totalResults)}, the first page ${total}`;
  run.expect(rule, page.ids !== undefined && page.ids.length === 0 && page.totalResults === total, () => ({
    got: page.ids === undefined ? describePage(page) : got(page.ids),
    exchange: page.exchange,
  }));
}

function judgePastEnd(run: CheckRun, page: Page | undefined, { order, total }: Reference): void {
  if (page === undefined) return;
  const past = `startIndex=${page.startIndex} (past totalResults ${total})`;
  const got = (ids: readonly string[]) => (ids[0] !== undefined && ids[0] === order[0] ? `${past} returned the first page again: ${shown(ids)}` : `${past} returned ${shown(ids)}`);
  run.expect(pagingRules.PAGING_PAST_END_EMPTY, page.ids !== undefined && page.ids.length === 0, () => ({
    got: page.ids === undefined ? describePage(page) : got(page.ids),
    exchange: page.exchange,
  }));
}

/** Every page that states a totalResults, the first among them. */
function pagesOf(evidence: PagingEvidence): Page[] {
  const { first, second, belowOne, pastEnd, oktaWalk, smallWalk } = evidence;
  return [first, second, ...belowOne, pastEnd, ...oktaWalk, ...smallWalk].filter((page): page is Page => page?.totalResults !== undefined);
}

function judgeTotalStable(run: CheckRun, evidence: PagingEvidence, { first, total }: Reference): void {
  const differing = pagesOf(evidence).filter((page) => page.totalResults !== total);
  run.expect(pagingRules.PAGING_TOTAL_STABLE, differing.length === 0, () => ({
    got: `startIndex=1&count=${first.count} states totalResults ${total}; ${differing.map((page) => `startIndex=${page.startIndex}&count=${page.count} states ${String(page.totalResults)}`).join(', ')}`,
    exchange: differing[0]?.exchange,
  }));
}

interface WalkProblem {
  got: string;
  exchange: Exchange;
  fix?: string;
}

function judgeWalk(run: CheckRun, evidence: PagingEvidence, total: number): void {
  const rule = pagingRules.PAGING_WALK_COMPLETE;
  if (evidence.walkSkipped !== undefined) return run.skip(rule, evidence.walkSkipped);
  const problems = [walkProblems(evidence.oktaWalk, total, 'the Okta walk (count=100)'), walkProblems(evidence.smallWalk, total, 'the walk with count=2')].filter(
    (problem): problem is WalkProblem => problem !== undefined,
  );
  const fix = problems.find((problem) => problem.fix !== undefined)?.fix;
  run.expect(rule, problems.length === 0, () => ({
    got: problems.map((problem) => problem.got).join('\n'),
    exchange: problems[0]?.exchange,
    ...(fix !== undefined ? { fix } : {}),
  }));
}

function walkProblems(pages: readonly Page[], total: number, name: string): WalkProblem | undefined {
  const last = pages.at(-1);
  if (last === undefined) return undefined;
  const broken = pages.find((page) => page.ids === undefined);
  if (broken !== undefined) return { got: `${name}: ${describePage(broken)}`, exchange: broken.exchange };
  const seen = new Map<string, number>();
  for (const page of pages) for (const id of page.ids ?? []) seen.set(id, (seen.get(id) ?? 0) + 1);
  const twice = [...seen].filter(([, times]) => times > 1).map(([id]) => id);
  if (twice.length === 0 && seen.size === total) return undefined;
  const short = pages.slice(0, -1).find((page) => (page.ids?.length ?? 0) < page.count);
  const facts = [`${name} made ${pages.length} requests and found ${seen.size} distinct resources; totalResults is ${total}`];
  if (twice.length > 0) facts.push(`seen more than once: ${excerpt(twice.join(', '), 120)}`);
  if (short !== undefined) facts.push(`the page at startIndex=${short.startIndex} held ${short.ids?.length ?? 0} of count=${short.count} before the end`);
  const fix = walkFix(pages, { short, twice: twice.length > 0, missing: seen.size < total });
  return { got: facts.join('; '), exchange: (short ?? last).exchange, ...(fix !== undefined ? { fix } : {}) };
}

/** The likeliest cause of an incomplete walk, from the most telling sign down. */
function walkFix(pages: readonly Page[], signs: { short: Page | undefined; twice: boolean; missing: boolean }): string | undefined {
  const start = pages[0]?.ids?.[0];
  const ignored = pages.length > 1 && pages.slice(1).every((page) => page.ids?.[0] !== undefined && page.ids[0] === start);
  if (ignored) {
    return 'Every page starts with the same resource: startIndex is not applied. If count is ignored as well, the query string does not reach the code that pages (a proxy or URL rewrite drops it, or a framework hands the handler its own copy of the query).';
  }
  if (signs.short !== undefined) {
    return 'A page before the end held fewer than count: Okta advances startIndex by the count it asked for (100), so every resource past the short page is skipped. Return full pages up to count (and advertise your real cap as filter.maxResults).';
  }
  if (signs.twice) return 'Resources appear on two pages: the list has no stable order. Sort by a unique key (id or created) before applying startIndex and count.';
  if (signs.missing) {
    return 'totalResults counts more than the pages return: it is computed over a different set (deleted or deactivated users, another tenant) than the list. Count the same query you page.';
  }
  return undefined;
}

/** The ListResponse checks on every paged answer: integers, itemsPerPage, never more than count. */
export function checkPages(pages: readonly Page[], into: CheckRun): CheckRun {
  for (const page of pages) into.merge(checkListResponse(page.exchange, { count: Math.max(0, page.count), paged: true }).run);
  return into;
}

/** startIndex and count of one page request. */
export type PageRequest = readonly [startIndex: number, count: number];

const keyOf = (startIndex: number, count: number) => `${startIndex}&${count}`;

/** startIndex 1, 1 + count, ... up to `total`, at most MAX_WALK_PAGES pages: a walk's requests. */
function walkOf(count: number, total: number): PageRequest[] {
  const requests: PageRequest[] = [[1, count]];
  for (let startIndex = 1 + count; startIndex <= total && requests.length < MAX_WALK_PAGES; startIndex += count) requests.push([startIndex, count]);
  return requests;
}

/** Where each page of the evidence starts, for a store whose first page states `total`. */
function planFor(total: number) {
  const tooBig = total > MAX_WALK_PAGES * OKTA_PAGE_SIZE;
  return {
    second: [2, 1] as PageRequest,
    belowOne: [
      [0, 1],
      [-1, 1],
    ] as PageRequest[],
    countZero: [1, 0] as PageRequest,
    negativeCount: [1, -1] as PageRequest,
    pastEnd: [total + 1, OKTA_PAGE_SIZE] as PageRequest,
    oktaWalk: tooBig ? [] : walkOf(OKTA_PAGE_SIZE, total),
    smallWalk: total <= SMALL_WALK_LIMIT ? walkOf(2, total) : [],
    ...(tooBig ? { walkSkipped: `the server holds ${total} users; the walk stops at ${MAX_WALK_PAGES} pages of ${OKTA_PAGE_SIZE}, so it is not made` } : {}),
  };
}

/** The first page: startIndex=1&count=100, Okta's first import page. */
const FIRST: PageRequest = [1, OKTA_PAGE_SIZE];

/** Every request the evidence needs besides the first page, each once. */
export function pagesToRequest(first: Page): PageRequest[] {
  if (first.ids === undefined || first.totalResults === undefined) return [];
  const plan = planFor(first.totalResults);
  const all = [plan.second, ...plan.belowOne, plan.countZero, plan.negativeCount, plan.pastEnd, ...plan.oktaWalk, ...plan.smallWalk];
  const unique = new Map(all.map((request) => [keyOf(...request), request]));
  unique.delete(keyOf(...FIRST));
  return [...unique.values()];
}

/**
 * The pages the paging checks judge, the first one first: startIndex=1&count=100, then, from its
 * totalResults, all the others. A page in `known` (the preflight's startIndex=1&count=2) is not
 * asked for again when it states the same totalResults as the first page. When a known page states
 * a totalResults, the others are planned from it and asked for beside the first page, not after
 * it: one round trip fewer. They are kept only if the first page states the same total; otherwise
 * the store moved, and the pages the first one plans are asked for again.
 */
export async function gatherPages(pageAt: (startIndex: number, count: number) => Promise<Page>, known: readonly Page[] = []): Promise<Page[]> {
  const byKey = new Map(known.map((page) => [keyOf(page.startIndex, page.count), page]));
  const restFor = (plan: Page) => {
    const reusable = (page: Page | undefined) => (page !== undefined && page.ids !== undefined && page.totalResults === plan.totalResults ? page : undefined);
    return Promise.all(pagesToRequest(plan).map(([startIndex, count]) => reusable(byKey.get(keyOf(startIndex, count))) ?? pageAt(startIndex, count)));
  };
  const planned = known.find((page) => page.ids !== undefined && page.totalResults !== undefined);
  const [first, early] = await Promise.all([byKey.get(keyOf(...FIRST)) ?? pageAt(...FIRST), planned === undefined ? undefined : restFor(planned)]);
  const rest = early !== undefined && first.ids !== undefined && planned?.totalResults === first.totalResults ? early : await restFor(first);
  return [first, ...rest];
}

/** The evidence from the pages `gatherPages` read: each page in every role it plays (the first page is also the Okta walk's first). */
export function evidenceOf(pages: readonly Page[]): PagingEvidence {
  const byKey = new Map(pages.map((page) => [keyOf(page.startIndex, page.count), page]));
  const at = (request: PageRequest) => byKey.get(keyOf(...request));
  const first = at(FIRST) ?? pages[0];
  if (first === undefined) throw new Error('scim-conformance: no first page to judge paging by');
  if (first.ids === undefined || first.totalResults === undefined) return { first, belowOne: [], oktaWalk: [], smallWalk: [] };
  const plan = planFor(first.totalResults);
  const all = (requests: readonly PageRequest[]) => requests.map(at).filter((page): page is Page => page !== undefined);
  const [second, countZero, negativeCount, pastEnd] = [at(plan.second), at(plan.countZero), at(plan.negativeCount), at(plan.pastEnd)];
  return {
    first,
    belowOne: all(plan.belowOne),
    oktaWalk: all(plan.oktaWalk),
    smallWalk: all(plan.smallWalk),
    ...(second !== undefined ? { second } : {}),
    ...(countZero !== undefined ? { countZero } : {}),
    ...(negativeCount !== undefined ? { negativeCount } : {}),
    ...(pastEnd !== undefined ? { pastEnd } : {}),
    ...(plan.walkSkipped !== undefined ? { walkSkipped: plan.walkSkipped } : {}),
  };
}
