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
    requirement: 'Walking the list as Okta imports it (count=100, startIndex advanced by 100), and with small pages (count=2), finds totalResults distinct resources, none twice and none missing.',
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

/**
 * All paging rules from one set of answers. `tooFew` is the reason to skip rules that need more
 * resources than the server holds (read-only runs use what is there).
 */
export function checkPaging(evidence: PagingEvidence, tooFew: (needed: number, held: number) => string): CheckRun {
  const run = new CheckRun();
  const rules = pagingRules;
  const { first } = evidence;
  const order = first.ids;
  const total = first.totalResults;
  if (order === undefined || total === undefined) {
    // The first page is not a list: the list checks say why; nothing here can be judged.
    for (const rule of Object.values(rules)) run.skip(rule, `not checked: GET ${first.exchange.request.url} is not a usable ListResponse (see the LIST_ checks)`);
    return run;
  }
  const held = order.length;
  const needs = (rule: Rule, needed: number): boolean => {
    if (held >= needed) return true;
    run.skip(rule, tooFew(needed, held));
    return false;
  };

  if (evidence.second !== undefined && needs(rules.PAGING_ONE_BASED, 2)) {
    const page = evidence.second;
    const expected = order[1];
    // A 0-based server is self-consistent from startIndex=1 on; what gives it away is a first page
    // one short of totalResults, and a lower startIndex that reveals the resource it skipped.
    const skipped = held === Math.min(total, first.count) - 1 ? evidence.belowOne.flatMap((p) => p.ids ?? []).find((id) => !order.includes(id)) : undefined;
    run.expect(rules.PAGING_ONE_BASED, skipped === undefined && page.ids?.[0] === expected && (page.echoedStartIndex === undefined || page.echoedStartIndex === 2), () => ({
      got:
        skipped !== undefined
          ? `startIndex=1&count=${first.count} answered ${held} of totalResults ${total}, without ${skipped}, which startIndex=0 returns: startIndex is read as a 0-based offset`
          : page.ids === undefined
          ? describePage(page)
          : page.ids[0] === order[0]
            ? `startIndex=2 returned the first resource (${order[0]}) again`
            : page.ids[0] === order[2]
              ? `startIndex=2 returned the third resource (${String(order[2])}): startIndex is read as a 0-based offset`
              : page.ids[0] !== expected
                ? `startIndex=2 returned ${shown(page.ids)}; the second resource of startIndex=1 is ${String(expected)}`
                : `startIndex=2 returned the right resource but states "startIndex": ${String(page.echoedStartIndex)}`,
      exchange: page.exchange,
    }));
  }

  if (evidence.belowOne.length > 0 && needs(rules.PAGING_START_INDEX_BELOW_ONE, 1)) {
    const wrong = evidence.belowOne.filter((page) => page.ids?.[0] !== order[0]);
    run.expect(rules.PAGING_START_INDEX_BELOW_ONE, wrong.length === 0, () => ({
      got: wrong
        .map((page) => (page.ids === undefined ? describePage(page) : `startIndex=${page.startIndex} returned ${shown(page.ids)}, not the first resource ${String(order[0])}`))
        .join('\n'),
      exchange: wrong[0]?.exchange,
    }));
  }

  const empty = (rule: Rule, page: Page | undefined, what: string) => {
    if (page === undefined || !needs(rule, 1)) return;
    run.expect(rule, page.ids !== undefined && page.ids.length === 0 && page.totalResults === total, () => ({
      got:
        page.ids === undefined
          ? describePage(page)
          : page.ids.length > 0
            ? `${what} returned ${page.ids.length} resources`
            : `${what} states totalResults ${String(page.totalResults)}, the first page ${total}`,
      exchange: page.exchange,
    }));
  };
  empty(rules.PAGING_COUNT_ZERO, evidence.countZero, 'count=0');
  empty(rules.PAGING_NEGATIVE_COUNT, evidence.negativeCount, 'count=-1');

  const pastEnd = evidence.pastEnd;
  if (pastEnd !== undefined) {
    run.expect(rules.PAGING_PAST_END_EMPTY, pastEnd.ids !== undefined && pastEnd.ids.length === 0, () => ({
      got:
        pastEnd.ids === undefined
          ? describePage(pastEnd)
          : pastEnd.ids[0] !== undefined && pastEnd.ids[0] === order[0]
            ? `startIndex=${pastEnd.startIndex} (past totalResults ${total}) returned the first page again: ${shown(pastEnd.ids)}`
            : `startIndex=${pastEnd.startIndex} (past totalResults ${total}) returned ${shown(pastEnd.ids)}`,
      exchange: pastEnd.exchange,
    }));
  }

  const paged = [first, evidence.second, ...evidence.belowOne, evidence.pastEnd, ...evidence.oktaWalk, ...evidence.smallWalk].filter(
    (page): page is Page => page?.totalResults !== undefined,
  );
  const differing = paged.filter((page) => page.totalResults !== total);
  run.expect(rules.PAGING_TOTAL_STABLE, differing.length === 0, () => ({
    got: `startIndex=1&count=${first.count} states totalResults ${total}; ${differing
      .map((page) => `startIndex=${page.startIndex}&count=${page.count} states ${String(page.totalResults)}`)
      .join(', ')}`,
    exchange: differing[0]?.exchange,
  }));

  if (evidence.walkSkipped !== undefined) run.skip(rules.PAGING_WALK_COMPLETE, evidence.walkSkipped);
  else {
    const problems = [walkProblems(evidence.oktaWalk, total, 'the Okta walk (count=100)'), walkProblems(evidence.smallWalk, total, 'the walk with count=2')].filter(
      (problem): problem is { got: string; exchange: Exchange; fix?: string } => problem !== undefined,
    );
    run.expect(rules.PAGING_WALK_COMPLETE, problems.length === 0, () => ({
      got: problems.map((problem) => problem.got).join('\n'),
      exchange: problems[0]?.exchange,
      ...(problems.find((problem) => problem.fix !== undefined)?.fix !== undefined ? { fix: problems.find((problem) => problem.fix !== undefined)?.fix as string } : {}),
    }));
  }
  return run;
}

function walkProblems(pages: readonly Page[], total: number, name: string): { got: string; exchange: Exchange; fix?: string } | undefined {
  const last = pages.at(-1);
  if (last === undefined) return undefined;
  const broken = pages.find((page) => page.ids === undefined);
  if (broken !== undefined) return { got: `${name}: ${describePage(broken)}`, exchange: broken.exchange };
  const seen = new Map<string, number>();
  for (const page of pages) for (const id of page.ids ?? []) seen.set(id, (seen.get(id) ?? 0) + 1);
  const twice = [...seen].filter(([, times]) => times > 1).map(([id]) => id);
  const short = pages.slice(0, -1).find((page) => (page.ids?.length ?? 0) < page.count);
  if (twice.length === 0 && seen.size === total) return undefined;
  const facts = [`${name} made ${pages.length} requests and found ${seen.size} distinct resources; totalResults is ${total}`];
  if (twice.length > 0) facts.push(`seen more than once: ${excerpt(twice.join(', '), 120)}`);
  if (short !== undefined) facts.push(`the page at startIndex=${short.startIndex} held ${short.ids?.length ?? 0} of count=${short.count} before the end`);
  const ignored = pages.length > 1 && pages.slice(1).every((page) => page.ids?.[0] !== undefined && page.ids[0] === pages[0]?.ids?.[0]);
  const fix = ignored
    ? 'Every page starts with the same resource: startIndex is not applied. If count is ignored as well, the query string does not reach the code that pages (a proxy or URL rewrite drops it, or a framework hands the handler its own copy of the query).'
    : short !== undefined
      ? `A page before the end held fewer than count: Okta advances startIndex by the count it asked for (100), so every resource past the short page is skipped. Return full pages up to count (and advertise your real cap as filter.maxResults).`
      : twice.length > 0
        ? 'Resources appear on two pages: the list has no stable order. Sort by a unique key (id or created) before applying startIndex and count.'
        : seen.size < total
          ? 'totalResults counts more than the pages return: it is computed over a different set (deleted or deactivated users, another tenant) than the list. Count the same query you page.'
          : undefined;
  return { got: facts.join('; '), exchange: (short ?? last).exchange, ...(fix !== undefined ? { fix } : {}) };
}

/**
 * Whether a page states another totalResults than the first. In a write run whose pages cannot be
 * confined to the run's own users, that may be the other spec files' writes between two pages, not
 * the server's count: the suite then asks again before judging.
 */
export function totalsDiffer(evidence: PagingEvidence): boolean {
  const total = evidence.first.totalResults;
  const pages = [evidence.second, ...evidence.belowOne, evidence.pastEnd, ...evidence.oktaWalk, ...evidence.smallWalk];
  return total !== undefined && pages.some((page) => page?.totalResults !== undefined && page.totalResults !== total);
}

/** The rules that compare one page's totalResults or contents with another's. */
export const TOTAL_COMPARING_RULES: readonly Rule[] = [
  pagingRules.PAGING_TOTAL_STABLE,
  pagingRules.PAGING_WALK_COMPLETE,
  pagingRules.PAGING_COUNT_ZERO,
  pagingRules.PAGING_NEGATIVE_COUNT,
  pagingRules.PAGING_PAST_END_EMPTY,
];

/** `run` without the findings and passes of `rules`, which are skipped with `reason` instead. */
export function setAside(run: CheckRun, rules: readonly Rule[], reason: string): CheckRun {
  const codes = new Set(rules.map((rule) => rule.code));
  const kept = new CheckRun();
  kept.findings.push(...run.findings.filter((found) => !codes.has(found.code)));
  for (const code of run.checked) if (!codes.has(code)) kept.checked.add(code);
  for (const [code, why] of run.skipped) if (!codes.has(code)) kept.skipped.set(code, why);
  for (const rule of rules) kept.skip(rule, reason);
  return kept;
}

/** The ListResponse checks on every paged answer: integers, itemsPerPage, never more than count. */
export function checkPages(pages: readonly Page[], into: CheckRun): CheckRun {
  for (const page of pages) into.merge(checkListResponse(page.exchange, { count: Math.max(0, page.count), paged: true }).run);
  return into;
}
