/**
 * A user's life as Okta provisions it (needs SCIM_WRITE=true): the lookup before the create,
 * Okta's full create payload, read back by id and by filter in another case, duplicates, GET then
 * PUT, deactivation and reactivation with Okta's no-path PATCH, password push. Everything created
 * carries the run prefix and is removed afterwards.
 */
import { ownershipRules } from '../src/checks/ownership.js';
import { userLifecycleRules } from '../src/checks/user-lifecycle.js';
import { withPatchNotOffered } from '../src/suite/capabilities.js';
import { featuresOnce } from '../src/suite/read.js';
import { once, suiteTarget, useClient } from '../src/suite/spec.js';
import { oktaUserFlow } from '../src/flows/write-flows.js';
import { useTestData, writeRuleTests } from '../src/suite/write.js';

const { WRITE_CREATED_NOT_OURS } = ownershipRules;

const { target } = suiteTarget();
const client = useClient(target);
const data = useTestData(client, target, 'okta');
const rules = [...Object.values(userLifecycleRules), WRITE_CREATED_NOT_OURS];
const features = featuresOnce();
// On a server without PATCH, what its refusals break is Okta's (PATCH_IMPLEMENTED), not the RFC's.
const flow = once(async () => withPatchNotOffered(await oktaUserFlow({ client, data }), rules, await features(), target.profiles));

writeRuleTests('Okta provisions a user: lookup, POST, GET, PUT, deactivate, reactivate, password', rules, flow);
