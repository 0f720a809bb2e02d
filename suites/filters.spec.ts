/**
 * Filters (RFC 7644 §3.4.2.2) the way Okta and Entra match users and groups, and every operator of
 * the RFC as a table of cases. Each case filters one user the server holds (ours, with writes
 * allowed; the first listed, read-only) with a filter that must find it and one that must not.
 */
import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import {
  checkFilterApplied,
  checkGroupDisplayName,
  checkInvalidFilters,
  checkNoMatch,
  filterRules,
  filterTargetOf,
  foldedFilter,
  listsOnly,
  judgeCase,
  MALFORMED_FILTERS,
  userFilterCases,
  type CaseAnswers,
  type FilterCase,
  type FilterTarget,
  type GroupTarget,
} from '../src/checks/filters.js';
import type { Exchange } from '../src/http/exchange.js';
import { CheckRun } from '../src/checks/run.js';
import { groupsAbsence } from '../src/suite/capabilities.js';
import { resourcesIn, sharedReads, tooLittle } from '../src/suite/read.js';
import { SHARED_MALFORMED_FILTER } from '../src/suite/shared-reads.js';
import { once, ruleTests, suiteTarget, useClient } from '../src/suite/spec.js';
import { isRunName } from '../src/suite/test-data.js';
import { useTestData } from '../src/suite/write.js';

const { target, preflight } = suiteTarget();
const client = useClient(target);
const data = useTestData(client, target, 't', `${target.runPrefix}flt-`);

const users = (query: Record<string, string | number>) => client.send({ path: '/Users', query });
const byFilter = (filter: string) => users({ filter });

/**
 * The user every case filters for, a second user (the bystander) that a folded filter must leave
 * out, and the group; or the reason there is none.
 */
const subject = once(async (): Promise<{ user: FilterTarget | string; bystander: FilterTarget | undefined; group: GroupTarget | string }> => {
  const groupsAbsent = groupsAbsence(sharedReads());
  if (target.write) {
    const [user, other] = await Promise.all([data.createUser(), data.createUser()]);
    const group = user.created === undefined || groupsAbsent !== undefined ? undefined : await data.createGroup({ members: [{ value: user.created.id }] });
    const found = user.resource === undefined ? undefined : filterTargetOf(user.resource);
    const displayName = group?.resource?.['displayName'];
    return {
      user: found ?? 'the test user could not be created (see the write checks)',
      bystander: other.resource === undefined ? undefined : filterTargetOf(other.resource),
      group: group?.created !== undefined && typeof displayName === 'string' ? { id: group.created.id, displayName } : (groupsAbsent ?? 'the test group could not be created (see the write checks)'),
    };
  }
  // Read-only: the first two users of Okta's connection probe (count=2), which the preflight sent.
  const [first, second] = resourcesIn(preflight.exchange);
  // The group the global setup listed (src/suite/shared-reads.ts); a leftover of an earlier run is passed over, the sweep may remove it meanwhile.
  const listedGroups = groupsAbsent === undefined ? sharedReads().groups : undefined;
  const group = listedGroups === undefined ? undefined : resourcesIn(listedGroups).find((listed) => !isRunName(listed['displayName']));
  const groupName = group?.['displayName'];
  return {
    user: (first && filterTargetOf(first)) ?? tooLittle('the server lists no user with an id and a userName to filter for'),
    bystander: second && filterTargetOf(second),
    group:
      group !== undefined && typeof group['id'] === 'string' && typeof groupName === 'string'
        ? { id: group['id'], displayName: groupName }
        : (groupsAbsent ?? tooLittle('the server lists no group to filter for')),
  };
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

const evaluation = once(async (): Promise<CheckRun> => {
  const run = new CheckRun();
  const { user, bystander, group } = await subject();
  const nobody = `scimc-nobody-${randomUUID()}@example.com`;
  const [unfiltered, filtered, noMatch, invalid, groupAnswer] = await Promise.all([
    users({ startIndex: 1, count: 1 }),
    users({ filter: `userName eq "${nobody}"`, startIndex: 1, count: 1 }),
    Promise.all([
      // Okta's existence check before create, Entra's matching on externalId, Okta's group push lookup.
      users({ filter: `userName eq "${nobody}"`, startIndex: 1, count: 100 }),
      users({ filter: `externalId eq "${randomUUID()}"` }),
      // Only where there are groups: a server without them is not asked for one (src/suite/capabilities.ts).
      ...(groupsAbsence(sharedReads()) === undefined
        ? [client.send({ path: '/Groups', query: { excludedAttributes: 'members', filter: `displayName eq "scimc-nobody-${randomUUID()}"` } })]
        : []),
    ]),
    // The first malformed filter was sent once for the run (src/suite/shared-reads.ts).
    Promise.all(MALFORMED_FILTERS.map((filter) => (filter === SHARED_MALFORMED_FILTER ? sharedReads().malformedFilter : byFilter(filter)))),
    typeof group === 'string' ? Promise.resolve(undefined) : client.send({ path: '/Groups', query: { excludedAttributes: 'members', filter: `displayName eq "${group.displayName}"` } }),
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
  const answers = await Promise.all(userFilterCases.map((filterCase) => caseAnswers(filterCase, user, bystander)));
  userFilterCases.forEach((filterCase, index) => judgeCase(run, filterCase, user, answers[index] ?? 'not sent'));
  return run;
});

describe('Filters as Okta and Entra send them', () => {
  const { FILTER_APPLIED, FILTER_USERNAME_EQ, FILTER_USERNAME_CASE_INSENSITIVE, FILTER_EXTERNAL_ID_EQ, FILTER_EMAILS_WORK_VALUE, FILTER_GROUP_DISPLAY_NAME, FILTER_AND, FILTER_NO_MATCH_EMPTY } =
    filterRules;
  ruleTests(
    [FILTER_APPLIED, FILTER_USERNAME_EQ, FILTER_USERNAME_CASE_INSENSITIVE, FILTER_EXTERNAL_ID_EQ, FILTER_EMAILS_WORK_VALUE, FILTER_GROUP_DISPLAY_NAME, FILTER_AND, FILTER_NO_MATCH_EMPTY],
    evaluation,
  );
});

describe('Filter syntax and operators (RFC 7644 §3.4.2.2)', () => {
  const { FILTER_NAMES_CASE_INSENSITIVE, FILTER_ID_EQ, FILTER_OR, FILTER_NOT, FILTER_PARENTHESES, FILTER_NE, FILTER_CO, FILTER_SW, FILTER_EW, FILTER_PR, FILTER_GT, FILTER_GE, FILTER_LT, FILTER_LE, FILTER_VALUE_PATH, FILTER_INVALID_REFUSED } =
    filterRules;
  ruleTests(
    [FILTER_NAMES_CASE_INSENSITIVE, FILTER_ID_EQ, FILTER_OR, FILTER_NOT, FILTER_PARENTHESES, FILTER_NE, FILTER_CO, FILTER_SW, FILTER_EW, FILTER_PR, FILTER_GT, FILTER_GE, FILTER_LT, FILTER_LE, FILTER_VALUE_PATH, FILTER_INVALID_REFUSED],
    evaluation,
  );
});

