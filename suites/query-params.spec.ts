/**
 * The query parameters clients read with: attributes / excludedAttributes (Entra's
 * excludedAttributes=members), and, when the ServiceProviderConfig advertises them, sortBy /
 * sortOrder and POST /.search (in a read-only run only with SCIM_SEARCH_POST=true).
 */
import { describe } from 'vitest';
import { advertised } from '../src/checks/discovery.js';
import { checkProjection, checkSearch, checkSort, queryRules, SEARCH_POST_OPT_IN, searchBody } from '../src/checks/query-params.js';
import { groupsWithheld } from '../src/suite/capabilities.js';
import { featuresOnce, firstListedGroup, firstListedUser, groupLookup, sharedFilterAnswer, sharedReads, tooLittle } from '../src/suite/read.js';
import { once, ruleTests, suiteTarget, useClient } from '../src/suite/spec.js';
import { useTestData } from '../src/suite/write.js';

const { target } = suiteTarget();
const client = useClient(target);
const data = useTestData(client, target, 't', `${target.runPrefix}qp-`);
const features = featuresOnce();

interface Subjects {
  user?: { id: string; userName: string };
  /** `members`: whether the group has members, which excludedAttributes=members is judged by. */
  group?: { id: string; displayName: string; members: boolean };
  why: string;
}

/**
 * The server's own, read once for the run: the first user the preflight listed, and the first group
 * the global setup listed with members (or else the first).
 */
function listedSubjects(): Subjects {
  const user = firstListedUser();
  const group = firstListedGroup();
  return {
    ...(typeof user?.['id'] === 'string' && typeof user['userName'] === 'string' ? { user: { id: user['id'], userName: user['userName'] } } : {}),
    ...(typeof group?.['id'] === 'string' && typeof group['displayName'] === 'string'
      ? { group: { id: group['id'], displayName: group['displayName'], members: hasMembers(group) } }
      : {}),
    why: tooLittle('the server lists no user or no group to read'),
  };
}

function hasMembers(group: Record<string, unknown>): boolean {
  return Array.isArray(group['members']) && group['members'].length > 0;
}

/** A user of the run's own, and a group of its own with that user as member. */
async function createdSubjects(): Promise<Subjects> {
  const user = await data.createUser();
  // Only where there are groups: a server without them is not asked to create one (src/suite/capabilities.ts).
  const group = user.created === undefined || groupsWithheld(sharedReads()) !== undefined ? undefined : await data.createGroup({ members: [{ value: user.created.id }] });
  const userName = user.resource?.['userName'];
  const displayName = group?.resource?.['displayName'];
  return {
    ...(user.created !== undefined && typeof userName === 'string' ? { user: { id: user.created.id, userName } } : {}),
    ...(group?.created !== undefined && typeof displayName === 'string' ? { group: { id: group.created.id, displayName, members: true } } : {}),
    why: 'the test user or group could not be created (see the write checks)',
  };
}

/**
 * A user, and a group that has members: the server's own when it has them, in a write run too (its
 * verdict is then the read-only run's); otherwise a write run creates its own.
 */
const subjects = once(async (): Promise<Subjects> => {
  const listed = listedSubjects();
  return !target.write || (listed.user !== undefined && listed.group?.members === true) ? listed : createdSubjects();
});

const projection = once(async () => {
  const { user, group, why } = await subjects();
  const users = (query: Record<string, string | number>) => client.send({ path: '/Users', query });
  const [attributes, excluded, groups] = await Promise.all([
    Promise.all([
      users({ attributes: 'userName', startIndex: 1, count: 2 }),
      ...(user === undefined ? [] : [client.send({ path: `/Users/${encodeURIComponent(user.id)}`, query: { attributes: 'userName' } })]),
    ]),
    Promise.all([users({ excludedAttributes: 'id,emails', startIndex: 1, count: 2 })]),
    group === undefined
      ? Promise.resolve(groupsWithheld(sharedReads()) ?? why)
      : Promise.all([
          // Entra's group lookup, byte for byte, and Microsoft's "Get group exclude members".
          groupLookup(client, group.displayName),
          client.send({ path: `/Groups/${encodeURIComponent(group.id)}`, query: { excludedAttributes: 'members' } }),
        ]),
  ]);
  return checkProjection({ attributes, excluded, groups });
});

const sorting = once(async () => {
  const config = await features();
  const sort = (sortOrder: string) => client.send({ path: '/Users', query: { sortBy: 'userName', sortOrder, startIndex: 1, count: 50 } });
  const answers = !advertised(config, 'sort').supported
    ? 'not sent'
    : await Promise.all([sort('ascending'), sort('descending')]).then(([ascending, descending]) => ({ ascending, descending }));
  return checkSort(config, answers);
});

const search = once(async () => {
  const config = await features();
  const { user, why } = await subjects();
  const filterAdvertised = advertised(config, 'filter').supported;
  // Sent only when filtering is advertised, and by a read-only run only when asked for.
  if (filterAdvertised && !target.write && !target.searchPost) return checkSearch(config, SEARCH_POST_OPT_IN);
  if (!filterAdvertised || user === undefined) return checkSearch(config, user === undefined ? why : 'not sent');
  const filter = `userName eq ${JSON.stringify(user.userName)}`;
  const [get, post] = await Promise.all([
    // The global setup asked the same GET for the first listed user (src/suite/shared-reads.ts).
    sharedFilterAnswer(filter) ?? client.send({ path: '/Users', query: { filter } }),
    client.send({ method: 'POST', path: '/Users/.search', json: searchBody(filter) }),
  ]);
  return checkSearch(config, { get, post });
});

describe('attributes and excludedAttributes (RFC 7644 §3.4.2.5)', () => {
  const { QUERY_ATTRIBUTES, QUERY_ALWAYS_RETURNED, QUERY_EXCLUDED_ATTRIBUTES, QUERY_EXCLUDE_MEMBERS } = queryRules;
  ruleTests([QUERY_ATTRIBUTES, QUERY_ALWAYS_RETURNED, QUERY_EXCLUDED_ATTRIBUTES, QUERY_EXCLUDE_MEMBERS], projection);
});

describe('sortBy and sortOrder, when advertised (RFC 7644 §3.4.2.3)', () => {
  ruleTests([queryRules.QUERY_SORT], sorting);
});

describe('POST /.search, when filtering is advertised (RFC 7644 §3.4.3)', () => {
  ruleTests([queryRules.QUERY_SEARCH], search);
});
