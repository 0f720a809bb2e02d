/**
 * Discovery (RFC 7644 §4): /ServiceProviderConfig, /ResourceTypes, /Schemas and their /{id}, checked
 * against the JSON Schemas, and what the ServiceProviderConfig advertises checked against what the
 * server does. An advertised feature that does not work is a finding; one not advertised is skipped
 * with the reason. A PATCH is only sent with writes allowed, to a user of this run; writes to the
 * discovery endpoints and /Bulk are never sent (the write guard lets no write leave the run's own users and groups).
 */
import { describe } from 'vitest';
import {
  advertised,
  checkAdvertisedBulk,
  checkAdvertisedEtag,
  checkAdvertisedFilter,
  checkAdvertisedPatch,
  checkDiscoveryFilterForbidden,
  checkDiscoveryQueryIgnored,
  checkDiscoveryItem,
  checkMaxResults,
  checkResourceTypes,
  checkSchemas,
  checkSchemasComplete,
  checkServiceProviderConfig,
  discoveryRules,
  maxResultsToProbe,
  type PatchProbe,
  USER_SCHEMA_URN,
} from '../src/checks/discovery.js';
import { checkAcceptJson, checkBooleanOrdering, checkFreshResource, checkMe, checkSortDefault, protocolRules } from '../src/checks/protocol.js';
import { checkRepresentations, declaredUserSchemas, representationRules } from '../src/checks/representation.js';
import { CheckRun } from '../src/checks/run.js';
import { checkSchemaAttributes, schemaDefinitionRules } from '../src/checks/schema-definitions.js';
import { capabilityRules, checkPatchImplemented } from '../src/suite/capabilities.js';
import { featuresOnce, firstListedUser, resourcesIn, sharedFilterAnswer, sharedReads, tooLittle } from '../src/suite/read.js';
import { once, ruleTests, suiteTarget, useClient } from '../src/suite/spec.js';
import { isRunName, PATCH_SCHEMA } from '../src/suite/test-data.js';
import { useTestData } from '../src/suite/write.js';

const { target, preflight } = suiteTarget();
const client = useClient(target);
const data = useTestData(client, target, 't', `${target.runPrefix}dsc-`);
const features = featuresOnce();
// Read once for the run, by the global setup (src/suite/shared-reads.ts): it also tells whether Groups are offered.
const resourceTypes = once(async () => sharedReads().resourceTypes);
const WRITES_NEEDED = 'this check sends a write; the run is read-only (set SCIM_WRITE=true to allow it)';

/** The user the PATCH probe creates; its 201 is judged too (RESOURCE_CREATED_UNMODIFIED). */
const patchedUser = once(() => data.createUser());

/** The plainest PATCH, a replace of displayName on the run's own user, and a read after it: DISCOVERY_PATCH_WORKS and PATCH_IMPLEMENTED judge it. */
const plainPatch = once(async (): Promise<PatchProbe | string> => {
  const user = await patchedUser();
  if (user.created === undefined) return 'the test user could not be created (see the write checks)';
  const path = `/Users/${encodeURIComponent(user.created.id)}`;
  const displayName = `${data.prefix}patched`;
  const patch = await client.send({
    method: 'PATCH',
    path,
    json: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: displayName }] },
  });
  return { patch, read: await client.send({ path }), displayName };
});

/** A user to read: the first one listed. */
const someUser = once(async () => {
  const user = firstListedUser();
  const id = user?.['id'];
  const userName = user?.['userName'];
  return typeof id === 'string' && typeof userName === 'string' ? { id, userName } : undefined;
});

describe('GET /ServiceProviderConfig', () => {
  ruleTests([discoveryRules.DISCOVERY_SPC_VALID, discoveryRules.DISCOVERY_PATCH_ADVERTISED], async () => checkServiceProviderConfig((await features()).exchange));
});

describe('GET /ResourceTypes and /Schemas', () => {
  const schemas = once(() => client.send({ path: '/Schemas' }));
  ruleTests([discoveryRules.DISCOVERY_RESOURCE_TYPES], async () => checkResourceTypes(await resourceTypes()));
  ruleTests([discoveryRules.DISCOVERY_RESOURCE_TYPE_BY_ID], async () => {
    const listed = resourcesIn(await resourceTypes());
    const id = listed.find((type) => type['endpoint'] === '/Users')?.['id'] ?? listed[0]?.['id'];
    if (typeof id !== 'string')
      return skippedRun(discoveryRules.DISCOVERY_RESOURCE_TYPE_BY_ID, 'GET /ResourceTypes lists no resource type with an id (see DISCOVERY_RESOURCE_TYPES)');
    return checkDiscoveryItem(await client.send({ path: `/ResourceTypes/${encodeURIComponent(id)}` }), 'resourceType', id, await resourceTypes());
  });
  ruleTests([discoveryRules.DISCOVERY_SCHEMAS], async () => checkSchemas(await schemas()));
  ruleTests([schemaDefinitionRules.DISCOVERY_SCHEMA_ATTRIBUTES, schemaDefinitionRules.DISCOVERY_SCHEMA_SUBATTRIBUTES], async () => checkSchemaAttributes(await schemas()));
  ruleTests([discoveryRules.DISCOVERY_SCHEMAS_COMPLETE], async () => checkSchemasComplete(await resourceTypes(), await schemas()));
  ruleTests([discoveryRules.DISCOVERY_QUERY_IGNORED], async () =>
    checkDiscoveryQueryIgnored(await schemas(), await client.send({ path: '/Schemas', query: { startIndex: 2, count: 1 } })),
  );
  // Each variant with the plain GET of its endpoint as the control: a missing endpoint is DISCOVERY_RESOURCE_TYPES' or DISCOVERY_SCHEMAS' finding.
  ruleTests([discoveryRules.DISCOVERY_FILTER_FORBIDDEN], async () =>
    checkDiscoveryFilterForbidden(await client.send({ path: '/ResourceTypes', query: { filter: 'name eq "User"' } }), await resourceTypes()),
  );
  ruleTests([discoveryRules.DISCOVERY_SCHEMA_BY_ID], async () =>
    checkDiscoveryItem(await client.send({ path: `/Schemas/${USER_SCHEMA_URN}` }), 'schemaDefinition', USER_SCHEMA_URN, await schemas()),
  );
});

describe('the listed users carry what /ResourceTypes declares (RFC 7643 §2.4, §3)', () => {
  ruleTests(Object.values(representationRules), async () => {
    // The preflight's page: users listed anyway, none of the run's own.
    const users = resourcesIn(preflight.exchange).filter((user) => !isRunName(user['userName']));
    const declared = declaredUserSchemas(resourcesIn(await resourceTypes()));
    return checkRepresentations(preflight.exchange, users, declared ?? 'GET /ResourceTypes does not declare the User type (see DISCOVERY_RESOURCE_TYPES)');
  });
});

describe('what the ServiceProviderConfig advertises is what the server does', () => {
  ruleTests([discoveryRules.DISCOVERY_FILTER_WORKS], async () => {
    const config = await features();
    if (!advertised(config, 'filter').supported) return checkAdvertisedFilter(config, 'not sent');
    const user = await someUser();
    if (user === undefined) return checkAdvertisedFilter(config, tooLittle('the server lists no user to filter for'));
    const filter = `userName eq ${JSON.stringify(user.userName)}`;
    // The global setup asked this for the first listed user (src/suite/shared-reads.ts).
    const exchange = sharedFilterAnswer(filter) ?? (await client.send({ path: '/Users', query: { filter } }));
    return checkAdvertisedFilter(config, { ...user, exchange });
  });

  ruleTests([discoveryRules.DISCOVERY_FILTER_MAX_RESULTS], async () => {
    const config = await features();
    // The store as the global setup paged it, before the run wrote anything.
    const maxResults = maxResultsToProbe(config, sharedReads().paging[0]?.totalResults);
    if (typeof maxResults === 'string') return checkMaxResults(config, maxResults);
    return checkMaxResults(config, await client.send({ path: '/Users', query: { startIndex: 1, count: maxResults + 1 } }));
  });

  ruleTests([discoveryRules.DISCOVERY_ETAG_WORKS], async () => {
    const config = await features();
    if (!advertised(config, 'etag').supported) return checkAdvertisedEtag(config, 'not sent');
    const user = await someUser();
    if (user === undefined) return checkAdvertisedEtag(config, tooLittle('the server lists no user to read'));
    const path = `/Users/${encodeURIComponent(user.id)}`;
    // The global setup read this user once for the run (src/suite/shared-reads.ts).
    const shared = sharedReads().firstUser;
    const first = shared?.id === user.id ? shared.exchange : await client.send({ path });
    const etag = first.response?.headers['etag'];
    const conditional = etag === undefined ? undefined : await client.send({ path, headers: { 'if-none-match': etag } });
    return checkAdvertisedEtag(config, { first, ...(conditional !== undefined ? { conditional } : {}) });
  });

  ruleTests([discoveryRules.DISCOVERY_PATCH_WORKS], async () => {
    const config = await features();
    if (!advertised(config, 'patch').supported) return checkAdvertisedPatch(config, 'not sent');
    if (!target.write) return checkAdvertisedPatch(config, WRITES_NEEDED);
    return checkAdvertisedPatch(config, await plainPatch());
  });

  // Judged on the 201 of the user the PATCH probe creates anyway, advertised or not (PATCH_IMPLEMENTED
  // sends it whatever the ServiceProviderConfig says): no request of its own.
  ruleTests([protocolRules.RESOURCE_CREATED_UNMODIFIED], async () => {
    if (!target.write) return checkFreshResource(WRITES_NEEDED);
    return checkFreshResource((await patchedUser()).exchange);
  });

  ruleTests([discoveryRules.DISCOVERY_BULK_WORKS], async () => checkAdvertisedBulk(await features()));
});

// Sent whatever the ServiceProviderConfig says: Okta and Entra send PATCH without reading it.
describe('PATCH, as Okta and Entra send it', () => {
  ruleTests([capabilityRules.PATCH_IMPLEMENTED], async () => checkPatchImplemented(await features(), target.write ? await plainPatch() : WRITES_NEEDED));
});

describe('what /Schemas and the ServiceProviderConfig say, in the answers to plain queries (RFC 7644 §3.4.2, §3.8, §3.11)', () => {
  ruleTests([protocolRules.FILTER_BOOLEAN_ORDERING_REFUSED], async () => {
    const config = await features();
    if (!advertised(config, 'filter').supported) return checkBooleanOrdering(config, 'not sent');
    return checkBooleanOrdering(config, await client.send({ path: '/Users', query: { filter: 'active gt true' } }));
  });
  ruleTests([protocolRules.QUERY_SORT_DEFAULT_ASCENDING], async () => {
    const config = await features();
    if (!advertised(config, 'sort').supported) return checkSortDefault(config, 'not sent');
    return checkSortDefault(config, await client.send({ path: '/Users', query: { sortBy: 'userName', startIndex: 1, count: 10 } }));
  });
  // The plain GET /ServiceProviderConfig (Accept: application/scim+json) is the control: a server without it is DISCOVERY_SPC_VALID's finding.
  ruleTests([protocolRules.HTTP_ACCEPT_APPLICATION_JSON], async () =>
    checkAcceptJson(await client.send({ path: '/ServiceProviderConfig', headers: { accept: 'application/json' } }), (await features()).exchange),
  );
  ruleTests([protocolRules.ME_UNSUPPORTED_NOT_IMPLEMENTED], async () => checkMe(await client.send({ path: '/Me' })));
});

function skippedRun(rule: (typeof discoveryRules)[keyof typeof discoveryRules], reason: string): CheckRun {
  const run = new CheckRun();
  run.skip(rule, reason);
  return run;
}
