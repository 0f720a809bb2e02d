/**
 * Reading one resource and the errors around it, as Okta's SPEC test and Microsoft's collection
 * check them: an unknown id is a 404 with a SCIM Error body (never a 200 with an error inside, never
 * a ListResponse), and a known id answers the resource itself, which Okta PUTs back whole.
 */
import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { checkMalformedFilterError, checkNotFound, checkResourceRead, errorRules } from '../src/checks/errors.js';
import { CheckRun } from '../src/checks/run.js';
import { groupsWithheld } from '../src/suite/capabilities.js';
import { userResourceRules } from '../src/checks/user-resource.js';
import { firstListedGroup, sharedReads, tooLittle } from '../src/suite/read.js';
import { once, ruleTests, suiteTarget, useClient } from '../src/suite/spec.js';

const { target } = suiteTarget();
const client = useClient(target);

const unknown = once(async () => {
  const exchanges = await Promise.all([
    client.send({ path: `/Users/${randomUUID()}` }),
    // Okta's SPEC test: an id that overflows an integer column.
    client.send({ path: '/Users/00919288221112222' }),
    // Only where there are groups: a server without them answers /Groups/… however its router does (src/suite/capabilities.ts).
    groupsWithheld(sharedReads()) === undefined ? client.send({ path: `/Groups/${randomUUID()}` }) : undefined,
  ]);
  const run = new CheckRun();
  for (const exchange of exchanges) if (exchange !== undefined) run.merge(checkNotFound(exchange));
  // A malformed filter brings a 400 with a scimType, whose value is judged too (read once for the run).
  checkMalformedFilterError(run, sharedReads().malformedFilter);
  return run;
});

const known = once(async () => {
  const run = new CheckRun();
  // The first user the preflight listed, read once for the run (src/suite/shared-reads.ts).
  const user = sharedReads().firstUser;
  if (user !== undefined) run.merge(checkResourceRead(user.exchange, user.id, 'user'));
  else {
    const reason = tooLittle('the server lists no user to read');
    for (const rule of [errorRules.RESOURCE_GET_IS_RESOURCE, ...Object.values(userResourceRules)]) run.skip(rule, reason);
  }
  // The first group the global setup listed (read once for the run).
  const groupId = firstListedGroup()?.['id'];
  if (typeof groupId === 'string') run.merge(checkResourceRead(await client.send({ path: `/Groups/${encodeURIComponent(groupId)}` }), groupId, 'group'));
  return run;
});

describe('An unknown id (Okta SPEC test "Check status 404")', () => {
  const { ERROR_NOT_FOUND_STATUS, ERROR_SCHEMAS, ERROR_STATUS_STRING, ERROR_DETAIL, ERROR_SCIM_TYPE } = errorRules;
  ruleTests([ERROR_NOT_FOUND_STATUS, ERROR_SCHEMAS, ERROR_STATUS_STRING, ERROR_DETAIL, ERROR_SCIM_TYPE], unknown);
});

describe('GET /Users/{id} and /Groups/{id} (Okta SPEC test "Get Users/{id}")', () => {
  ruleTests([errorRules.RESOURCE_GET_IS_RESOURCE, ...Object.values(userResourceRules)], known);
});
