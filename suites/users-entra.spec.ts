/**
 * A user's life as Entra ID provisions it (needs SCIM_WRITE=true): matching by externalId and by
 * work email, PATCH in both of Entra's dialects (capitalised ops and "False" as a string; dotted
 * keys in a no-path replace), several operations in one request, soft delete, then DELETE.
 */
import { ownershipRules } from '../src/checks/ownership.js';
import { entraUserRules, userLifecycleRules } from '../src/checks/user-lifecycle.js';
import { withPatchNotOffered } from '../src/suite/capabilities.js';
import { featuresOnce } from '../src/suite/read.js';
import { once, suiteTarget, useClient } from '../src/suite/spec.js';
import { entraUserFlow } from '../src/flows/write-flows.js';
import { useTestData, writeRuleTests } from '../src/suite/write.js';

const { WRITE_CREATED_NOT_OURS } = ownershipRules;

const { target } = suiteTarget();
const client = useClient(target);
const data = useTestData(client, target, 'entra');
const { USER_ACTIVE_BOOLEAN, USER_DEACTIVATED_READABLE, USER_DEACTIVATED_FINDABLE } = userLifecycleRules;
const rules = [...Object.values(entraUserRules), USER_ACTIVE_BOOLEAN, USER_DEACTIVATED_READABLE, USER_DEACTIVATED_FINDABLE, WRITE_CREATED_NOT_OURS];
const features = featuresOnce();
// On a server without PATCH, what its refusals break is Entra's (PATCH_IMPLEMENTED), not the RFC's.
const flow = once(async () => withPatchNotOffered(await entraUserFlow({ client, data }), rules, await features(), target.profiles));

writeRuleTests('Entra provisions a user: match, PATCH in both dialects, soft delete, DELETE', rules, flow);
