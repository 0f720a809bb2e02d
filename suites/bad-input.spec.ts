/**
 * Bad input that Entra and Microsoft's SCIM collection really send (needs SCIM_WRITE=true): a
 * missing userName, a body that is not JSON, an unknown attribute, a wrong type, "True" as a
 * string. The server may refuse or (where the RFC allows) ignore it; it may never answer 5xx.
 */
import { ownershipRules } from '../src/checks/ownership.js';
import { badInputRules } from '../src/checks/bad-input.js';
import { userLifecycleRules } from '../src/checks/user-lifecycle.js';
import { once, suiteTarget, useClient } from '../src/suite/spec.js';
import { badInputFlow } from '../src/flows/write-flows.js';
import { useTestData, writeRuleTests } from '../src/suite/write.js';

const { WRITE_CREATED_NOT_OURS } = ownershipRules;

const { target } = suiteTarget();
const client = useClient(target);
const data = useTestData(client, target, 'bad');
const flow = once(() => badInputFlow({ client, data }));

writeRuleTests(
  'Bad input: refused with a 400 or ignored, never a server error',
  [...Object.values(badInputRules), userLifecycleRules.USER_ACTIVE_BOOLEAN, WRITE_CREATED_NOT_OURS],
  flow,
);
