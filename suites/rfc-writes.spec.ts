/**
 * RFC 7643/7644 rules that only a write shows (needs SCIM_WRITE=true), none of which Okta or Entra
 * needs: one user of the run, created with a mixed-case externalId, made the member of a group of
 * the run (its answer, the member's $ref, the user's groups), found by a query on the server root,
 * PUT with a made-up meta and "groups": [], PATCHed to remove groups, then changed by five PATCHes
 * (?attributes=, replace of an absent attribute, a second primary email, an add of a value already there, a filter matching nothing,
 * remove of userName, remove of emails, null), deleted, and its userName created again with a
 * client-chosen id and meta. Where /ResourceTypes declares the enterprise extension, the user is
 * created with "schemas" [enterprise, core], and the user created again gets the extension by one
 * PATCH of "schemas" and then employeeNumber. Everything created carries the run prefix and is removed afterwards.
 */
import { advertised } from '../src/checks/discovery.js';
import { ownershipRules } from '../src/checks/ownership.js';
import { groupsAbsence } from '../src/suite/capabilities.js';
import { featuresOnce, sharedReads } from '../src/suite/read.js';
import { once, suiteTarget, useClient } from '../src/suite/spec.js';
import { enterpriseAbsence, RFC_WRITE_RULES, rfcWriteFlow } from '../src/flows/rfc-write-flow.js';
import { useTestData, writeRuleTests } from '../src/suite/write.js';

const { WRITE_CREATED_NOT_OURS } = ownershipRules;

const { target } = suiteTarget();
const client = useClient(target);
const data = useTestData(client, target, 'rfc');
const features = featuresOnce();
const flow = once(async () => {
  const patch = advertised(await features(), 'patch');
  const patchNotOffered = patch.supported ? undefined : `not offered: ${patch.reason}`;
  const reads = sharedReads();
  return rfcWriteFlow({ patchNotOffered, groupsNotOffered: groupsAbsence(reads), extensionNotOffered: enterpriseAbsence(reads.resourceTypes) })({ client, data });
});

writeRuleTests('RFC writes: readOnly and caseExact on create, PATCH semantics, after DELETE', [...RFC_WRITE_RULES, WRITE_CREATED_NOT_OURS], flow);
