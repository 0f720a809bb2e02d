/**
 * Groups as Okta and Entra push them (needs SCIM_WRITE=true): create empty, find by displayName,
 * add and remove members both clients' ways, excludedAttributes=members, rename by PATCH and PUT,
 * DELETE. The members are test users of this run. A server without Groups (none in /ResourceTypes,
 * or /Groups 404 while /Users works) is not asked: its group flows are "not offered". Nor is one
 * whose /Users does not work either: that cause is the connection checks'.
 */
import { ownershipRules } from '../src/checks/ownership.js';
import { groupRules } from '../src/checks/group-lifecycle.js';
import { groupsAbsence, skippedRun, usersNotListed, withPatchNotOffered } from '../src/suite/capabilities.js';
import { featuresOnce, sharedReads } from '../src/suite/read.js';
import { once, suiteTarget, useClient } from '../src/suite/spec.js';
import { groupFlow } from '../src/flows/write-flows.js';
import { useTestData, writeRuleTests } from '../src/suite/write.js';

const { WRITE_CREATED_NOT_OURS } = ownershipRules;

const { target } = suiteTarget();
const client = useClient(target);
const data = useTestData(client, target, 'group');
const rules = [...Object.values(groupRules), WRITE_CREATED_NOT_OURS];
const features = featuresOnce();
// Behind a wrong Base URL /Groups is missing for the same reason /Users is: the connection checks' cause comes first.
// On a server without PATCH, what its refusals break is Okta's and Entra's (PATCH_IMPLEMENTED), not the RFC's.
const flow = once(async () => {
  const withheld = usersNotListed(sharedReads());
  if (withheld !== undefined) return skippedRun(rules, withheld);
  return withPatchNotOffered(await groupFlow({ client, data }), rules, await features(), target.profiles);
});

writeRuleTests('Groups: create, find, membership, rename, delete', rules, flow, {
  precondition: async () => groupsAbsence(sharedReads()),
  askedReadOnly: true,
});
