/**
 * The query parameters clients read with: attributes / excludedAttributes (Entra's
 * excludedAttributes=members), and, when the ServiceProviderConfig advertises them, sortBy /
 * sortOrder and POST /.search (in a read-only run only with SCIM_SEARCH_POST=true).
 */
import { describe } from 'vitest';
import { advertised } from '../src/checks/discovery.js';
import { checkProjection, checkSearch, checkSort, queryRules, SEARCH_POST_OPT_IN, searchBody } from '../src/checks/query-params.js';
import { groupsAbsence } from '../src/suite/capabilities.js';
import { featuresOnce, firstListedUser, resourcesIn, sharedReads, tooLittle } from '../src/suite/read.js';
import { once, ruleTests, suiteTarget, useClient } from '../src/suite/spec.js';
import { useTestData } from '../src/suite/write.js';

const { target } = suiteTarget();
const client = useClient(target);
const data = useTestData(client, target, 't', `${target.runPrefix}qp-`);
const features = featuresOnce();

interface Subjects {
  user?: { id: string; userName: string };
  group?: { id: string; displayName: string };
  why: string;
}

/** A user, and a group that has members (ours with writes allowed; the server's read-only). */
const subjects = once(async (): Promise<Subjects> => {
  if (target.write) {
    const user = await data.createUser();
    const group = user.created === undefined || groupsAbsence(sharedReads()) !== undefined ? undefined : await data.createGroup({ members: [{ value: user.created.id }] });
    const userName = user.resource?.['userName'];
    const displayName = group?.resource?.['displayName'];
    return {
      ...(user.created !== undefined && typeof userName === 'string' ? { user: { id: user.created.id, userName } } : {}),
      ...(group?.created !== undefined && typeof displayName === 'string' ? { group: { id: group.created.id, displayName } } : {}),
      why: 'the test user or group could not be created (see the write checks)',
    };
  }
  const groups = groupsAbsence(sharedReads()) === undefined ? await client.send({ path: '/Groups', query: { startIndex: 1, count: 20 } }) : undefined;
  const user = firstListedUser();
  const listed = groups === undefined ? [] : resourcesIn(groups);
  const group = listed.find((g) => Array.isArray(g['members']) && g['members'].length > 0) ?? listed[0];
  return {
    ...(typeof user?.['id'] === 'string' && typeof user['userName'] === 'string' ? { user: { id: user['id'], userName: user['userName'] } } : {}),
    ...(typeof group?.['id'] === 'string' && typeof group['displayName'] === 'string' ? { group: { id: group['id'], displayName: group['displayName'] } } : {}),
    why: tooLittle('the server lists no user or no group to read'),
  };
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
      ? Promise.resolve(groupsAbsence(sharedReads()) ?? why)
      : Promise.all([
          // Entra's group lookup, byte for byte, and Microsoft's "Get group exclude members".
          client.send({ path: '/Groups', query: { excludedAttributes: 'members', filter: `displayName eq "${group.displayName}"` } }),
          client.send({ path: `/Groups/${encodeURIComponent(group.id)}`, query: { excludedAttributes: 'members' } }),
        ]),
  ]);
  return checkProjection({ attributes, excluded, groups });
});

const sorting = once(async () => {
  const config = await features();
  const sort = (sortOrder: string) => client.send({ path: '/Users', query: { sortBy: 'userName', sortOrder, startIndex: 1, count: 50 } });
  const answers = !advertised(config, 'sort').supported ? 'not sent' : await Promise.all([sort('ascending'), sort('descending')]).then(([ascending, descending]) => ({ ascending, descending }));
  return checkSort(config, answers);
});

const search = once(async () => {
  const config = await features();
  const { user, why } = await subjects();
  const filterAdvertised = advertised(config, 'filter').supported;
  // Sent only when filtering is advertised, and by a read-only run only when asked for.
  if (filterAdvertised && !target.write && !target.searchPost) return checkSearch(config, SEARCH_POST_OPT_IN);
  if (!filterAdvertised || user === undefined) return checkSearch(config, user === undefined ? why : 'not sent');
  const filter = `userName eq "${user.userName}"`;
  const [get, post] = await Promise.all([
    client.send({ path: '/Users', query: { filter, startIndex: 1, count: 10 } }),
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
