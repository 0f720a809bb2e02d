/**
 * Filters (RFC 7644 §3.4.2.2) the way Okta and Entra match users and groups, and every operator of
 * the RFC as a table of cases. Each case filters one user the server holds (the first listed; with
 * writes allowed, ours when the server's own cannot be judged by every case) with a filter that must
 * find it and one that must not.
 */
import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import {
  checkFilterApplied,
  checkGroupDisplayName,
  checkInvalidFilters,
  checkNoMatch,
  combinedFilter,
  filterRules,
  filterTargetOf,
  foldedFilter,
  listsOnly,
  judgeCase,
  judgesEveryCase,
  MALFORMED_FILTERS,
  userFilterCases,
  type CaseAnswers,
  type FilterCase,
  type FilterTarget,
  type GroupTarget,
} from '../src/checks/filters.js';
import type { Exchange } from '../src/http/exchange.js';
import { CheckRun } from '../src/checks/run.js';
import { firstListedGroup, firstListedUser, groupLookup, resourcesIn, sharedFilterAnswer, sharedReads, tooLittle } from '../src/suite/read.js';
import { groupLookupQuery, SHARED_MALFORMED_FILTER } from '../src/suite/shared-reads.js';
import { groupsWithheld } from '../src/suite/capabilities.js';
import { once, ruleTests, suiteTarget, useClient } from '../src/suite/spec.js';
import { isRunName } from '../src/suite/test-data.js';
import { useTestData } from '../src/suite/write.js';

const { target, preflight } = suiteTarget();
const client = useClient(target);
const data = useTestData(client, target, 't', `${target.runPrefix}flt-`);

const users = (query: Record<string, string | number>) => client.send({ path: '/Users', query });
/** GET /Users?filter=..., unless the global setup asked the same (src/suite/shared-reads.ts). */
const byFilter = async (filter: string) => sharedFilterAnswer(filter) ?? users({ filter });

interface Subject {
  user: FilterTarget | string;
  bystander: FilterTarget | undefined;
  group: GroupTarget | string;
}

/**
 * The server's own, read once for the run: the first user the preflight listed, another user of the
 * store's first page as the bystander, and the first group the global setup listed.
 */
function listedSubject(): Subject {
  const first = firstListedUser();
  const user = first && filterTargetOf(first);
  const others = resourcesIn(sharedReads().paging[0]?.exchange ?? preflight.exchange).filter((listed) => !isRunName(listed['userName']));
  const bystander = others
    .map(filterTargetOf)
    .find((other) => other !== undefined && user !== undefined && other.id !== user.id && other.userName.toLowerCase() !== user.userName.toLowerCase());
  const group = firstListedGroup();
  const groupName = group?.['displayName'];
  return {
    user: user ?? tooLittle('the server lists no user with an id and a userName to filter for'),
    bystander,
    group:
      typeof group?.['id'] === 'string' && typeof groupName === 'string'
        ? { id: group['id'], displayName: groupName }
        : (groupsWithheld(sharedReads()) ?? tooLittle('the server lists no group to filter for')),
  };
}

/** Two users of the run's own (the subject and the bystander) and a group with the first as member. */
async function createdSubject(): Promise<Subject> {
  const [user, other] = await Promise.all([data.createUser(), data.createUser()]);
  // Only where there are groups: a server without them is not asked to create one (src/suite/capabilities.ts).
  const groupsAbsent = groupsWithheld(sharedReads());
  const group = user.created === undefined || groupsAbsent !== undefined ? undefined : await data.createGroup({ members: [{ value: user.created.id }] });
  const found = user.resource === undefined ? undefined : filterTargetOf(user.resource);
  const displayName = group?.resource?.['displayName'];
  return {
    user: found ?? 'the test user could not be created (see the write checks)',
    bystander: other.resource === undefined ? undefined : filterTargetOf(other.resource),
    group:
      group?.created !== undefined && typeof displayName === 'string'
        ? { id: group.created.id, displayName }
        : (groupsAbsent ?? 'the test group could not be created (see the write checks)'),
  };
}

/**
 * The user every case filters for, a second user (the bystander) that a folded filter must leave
 * out, and the group; or the reason there is none. The server's own when they let every case be
 * judged, in a write run too: its verdict is then the read-only run's. Otherwise a write run
 * creates its own.
 */
const subject = once(async (): Promise<Subject> => {
  const listed = listedSubject();
  return !target.write || judgesEveryCase(listed) ? listed : createdSubject();
});

/** A case's answers: one folded request when the server gets it exactly right, else its two filters apart. */
async function caseAnswers(filterCase: FilterCase, user: FilterTarget, bystander: FilterTarget | undefined): Promise<CaseAnswers | string> {
  const filters = filterCase.build(user);
  if (typeof filters === 'string') return filters;
  const folded = bystander === undefined ? undefined : foldedFilter(filterCase, user, bystander);
  if (folded !== undefined) {
    const answer = await byFilter(folded);
    if (listsOnly(answer, user)) return { folded: answer };
  }
  const [positive, negative]: Array<Exchange | undefined> = await Promise.all([
    filters.positive === undefined ? undefined : byFilter(filters.positive),
    filters.negative === undefined ? undefined : byFilter(filters.negative),
  ]);
  return { ...(positive !== undefined ? { positive } : {}), ...(negative !== undefined ? { negative } : {}) };
}

/**
 * Every case's answers. The foldable cases go first as one request (combinedFilter), beside the
 * others; only when its answer is not exactly right does each of them get its own.
 */
async function allCaseAnswers(user: FilterTarget, bystander: FilterTarget | undefined): Promise<Array<CaseAnswers | string>> {
  const foldable = bystander === undefined ? [] : userFilterCases.filter((filterCase) => filterCase.foldsAlone !== true && foldedFilter(filterCase, user, bystander) !== undefined);
  const combined = bystander === undefined ? undefined : combinedFilter(foldable, user, bystander);
  const apart = combined === undefined ? userFilterCases : userFilterCases.filter((filterCase) => !foldable.includes(filterCase));
  const [together, ...separate] = await Promise.all([
    combined === undefined ? undefined : byFilter(combined),
    ...apart.map((filterCase) => caseAnswers(filterCase, user, bystander)),
  ]);
  const answered = new Map(apart.map((filterCase, index) => [filterCase, separate[index] ?? 'not sent']));
  const right = together !== undefined && listsOnly(together, user) ? together : undefined;
  const refolded = right !== undefined ? [] : await Promise.all(foldable.filter((c) => !answered.has(c)).map(async (c) => [c, await caseAnswers(c, user, bystander)] as const));
  for (const [filterCase, answers] of refolded) answered.set(filterCase, answers);
  return userFilterCases.map((filterCase) => answered.get(filterCase) ?? (right !== undefined ? { folded: right } : 'not sent'));
}

const evaluation = once(async (): Promise<CheckRun> => {
  const run = new CheckRun();
  const { user, bystander, group } = await subject();
  const nobody = `scimc-nobody-${randomUUID()}@example.com`;
  const [unfiltered, filtered, noMatch, invalid, groupAnswer] = await Promise.all([
    // Unfiltered: the store's first page, read once for the run (src/suite/shared-reads.ts).
    sharedReads().paging[0]?.exchange ?? preflight.exchange,
    users({ filter: `userName eq "${nobody}"`, startIndex: 1, count: 1 }),
    Promise.all([
      // Okta's existence check before create, Entra's matching on externalId, Okta's group push lookup.
      users({ filter: `userName eq "${nobody}"`, startIndex: 1, count: 100 }),
      users({ filter: `externalId eq "${randomUUID()}"` }),
      // Only where there are groups: a server without them is not asked for one (src/suite/capabilities.ts).
      ...(groupsWithheld(sharedReads()) === undefined ? [client.send({ path: '/Groups', query: groupLookupQuery(`scimc-nobody-${randomUUID()}`) })] : []),
    ]),
    // The first malformed filter was sent once for the run (src/suite/shared-reads.ts).
    Promise.all(MALFORMED_FILTERS.map((filter) => (filter === SHARED_MALFORMED_FILTER ? sharedReads().malformedFilter : byFilter(filter)))),
    typeof group === 'string' ? Promise.resolve(undefined) : groupLookup(client, group.displayName),
  ]);
  checkFilterApplied(run, { unfiltered, filtered });
  checkNoMatch(run, noMatch);
  checkInvalidFilters(run, invalid);
  const ignored = run.findings.some((finding) => finding.code === filterRules.FILTER_APPLIED.code);
  const all = [...userFilterCases.map((c) => c.rule), filterRules.FILTER_GROUP_DISPLAY_NAME];
  if (ignored) {
    for (const rule of all) run.skip(rule, 'not checked: the filter is ignored altogether (FILTER_APPLIED)');
    return run;
  }
  checkGroupDisplayName(run, group, groupAnswer);
  if (typeof user === 'string') {
    for (const filterCase of userFilterCases) run.skip(filterCase.rule, user);
    return run;
  }
  const answers = await allCaseAnswers(user, bystander);
  userFilterCases.forEach((filterCase, index) => judgeCase(run, filterCase, user, answers[index] ?? 'not sent'));
  return run;
});

describe('Filters as Okta and Entra send them', () => {
  ruleTests(
    [
      filterRules.FILTER_APPLIED,
      filterRules.FILTER_USERNAME_EQ,
      filterRules.FILTER_USERNAME_CASE_INSENSITIVE,
      filterRules.FILTER_EXTERNAL_ID_EQ,
      filterRules.FILTER_EMAILS_WORK_VALUE,
      filterRules.FILTER_GROUP_DISPLAY_NAME,
      filterRules.FILTER_AND,
      filterRules.FILTER_NO_MATCH_EMPTY,
    ],
    evaluation,
  );
});

describe('Filter syntax and operators (RFC 7644 §3.4.2.2)', () => {
  ruleTests(
    [
      filterRules.FILTER_NAMES_CASE_INSENSITIVE,
      filterRules.FILTER_ID_EQ,
      filterRules.FILTER_OR,
      filterRules.FILTER_NOT,
      filterRules.FILTER_PARENTHESES,
      filterRules.FILTER_NE,
      filterRules.FILTER_CO,
      filterRules.FILTER_SW,
      filterRules.FILTER_EW,
      filterRules.FILTER_PR,
      filterRules.FILTER_GT,
      filterRules.FILTER_GE,
      filterRules.FILTER_LT,
      filterRules.FILTER_LE,
      filterRules.FILTER_VALUE_PATH,
      filterRules.FILTER_INVALID_REFUSED,
    ],
    evaluation,
  );
});
