/**
 * Versioning (needs SCIM_WRITE=true, and "etag": {"supported": true} in /ServiceProviderConfig):
 * ETag equals meta.version, If-None-Match gives 304, a stale If-Match gives 412.
 */
import { ownershipRules } from '../src/checks/ownership.js';
import { etagRules } from '../src/checks/etag.js';
import { withPatchNotOffered } from '../src/suite/capabilities.js';
import { featuresOnce } from '../src/suite/read.js';
import { once, suiteTarget, useClient } from '../src/suite/spec.js';
import { etagFlow, etagPrecondition } from '../src/flows/write-flows.js';
import { useTestData, writeRuleTests } from '../src/suite/write.js';

const { WRITE_CREATED_NOT_OURS } = ownershipRules;

const { target } = suiteTarget();
const client = useClient(target);
const data = useTestData(client, target, 'etag');
const rules = [...Object.values(etagRules), WRITE_CREATED_NOT_OURS];
const features = featuresOnce();
// If-Match is tried on a PATCH: on a server that does not offer PATCH, that is not the ETag's fault.
const flow = once(async () => withPatchNotOffered(await etagFlow({ client, data }), rules, await features(), target.profiles));

writeRuleTests('ETag and If-Match, when advertised', rules, flow, {
  precondition: async () => etagPrecondition((await features()).exchange),
});
