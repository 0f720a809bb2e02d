import { describeResponse, excerpt } from '../diagnose/describe.js';
import { isObject, type Exchange } from '../http/exchange.js';
import { describeIssues, validateMessage, type MessageKind } from '../schemas.js';
import { objectBody, statusOf } from './answers.js';
import { checkListResponse } from './list-response.js';
import { checkJsonAnswer } from './response.js';
import { defineRules, type Rule } from './rule.js';
import { CheckRun } from './run.js';

export const USER_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SPC_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const BULK_REQUEST_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export const discoveryRules = defineRules({
  DISCOVERY_SPC_VALID: {
    title: 'GET /ServiceProviderConfig answers a valid ServiceProviderConfig',
    requiredBy: { entra: 'SHOULD', rfc: 'MUST' },
    source: 'RFC 7644 §4; RFC 7643 §5; Microsoft SCIM test collection ("Get ServiceProviderConfig")',
    requirement:
      'A 200 with the ServiceProviderConfig: schemas, patch, bulk, filter, changePassword, sort, etag and authenticationSchemes, each feature with a boolean "supported".',
    fix: 'Serve GET {base}/ServiceProviderConfig with the document RFC 7643 §5 defines; clients (and this suite) decide which optional features to use from it.',
  },
  DISCOVERY_PATCH_ADVERTISED: {
    title: 'the ServiceProviderConfig advertises PATCH',
    requiredBy: { entra: 'SHOULD', rfc: 'SHOULD' },
    source:
      'RFC 7644 §3.5 ("implementers SHOULD support HTTP PATCH"); Microsoft SCIM test collection ("Get ServiceProviderConfig": patch.supported is true); Entra updates users and groups with PATCH',
    requirement: '"patch": {"supported": true}. Entra sends every update as a PATCH, and Microsoft\'s collection asserts that it is advertised.',
    fix: 'Implement PATCH (RFC 7644 §3.5.2) and set patch.supported to true.',
  },
  DISCOVERY_RESOURCE_TYPES: {
    title: 'GET /ResourceTypes lists valid resource types, User at /Users among them',
    requiredBy: { entra: 'SHOULD', rfc: 'MUST' },
    source: 'RFC 7644 §4; RFC 7643 §6; Microsoft SCIM test collection ("Get ResourceTypes")',
    requirement: 'A ListResponse of ResourceType resources (id, name, endpoint, schema), one of them the User type with endpoint "/Users".',
    fix: 'Serve GET {base}/ResourceTypes as a ListResponse of ResourceType resources built from the types you actually serve.',
  },
  DISCOVERY_RESOURCE_TYPE_BY_ID: {
    title: 'GET /ResourceTypes/{id} answers that resource type',
    requiredBy: { rfc: 'SHOULD' },
    source: 'RFC 7644 §4; RFC 7643 §6',
    requirement: 'The ResourceType itself (not a list), with the id that was asked for.',
    fix: 'Route GET {base}/ResourceTypes/{id} to the single ResourceType, as its meta.location says.',
  },
  DISCOVERY_SCHEMAS: {
    title: 'GET /Schemas lists valid schema definitions, the core User schema among them',
    requiredBy: { entra: 'SHOULD', rfc: 'MUST' },
    source: 'RFC 7644 §4; RFC 7643 §7; Microsoft SCIM test collection ("Get Schemas")',
    requirement: `A ListResponse of schema definitions (id, name, attributes with their characteristics), including "${USER_SCHEMA_URN}".`,
    fix: 'Serve GET {base}/Schemas from the same definitions your server validates and filters with, so what it advertises is what it does.',
  },
  DISCOVERY_SCHEMA_BY_ID: {
    title: 'GET /Schemas/{urn} answers that schema definition',
    requiredBy: { rfc: 'SHOULD' },
    source: 'RFC 7644 §4; RFC 7643 §7',
    requirement: `GET /Schemas/${USER_SCHEMA_URN} answers the schema definition itself, with that id.`,
    fix: 'Route GET {base}/Schemas/{urn} to the single schema; the URN contains colons, which some routers treat specially.',
  },
  DISCOVERY_SCHEMAS_COMPLETE: {
    title: 'GET /Schemas lists every schema and extension that /ResourceTypes names',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §4 ("An HTTP GET to the endpoint /Schemas SHALL return all supported schemas"); RFC 7643 §6',
    requirement:
      'Each "schema" and "schemaExtensions[].schema" of GET /ResourceTypes is the id of a schema definition in GET /Schemas: a client resolves one from the other at discovery.',
    fix: 'List in /Schemas the definition of every schema your resource types use, extensions included (e.g. the enterprise User extension).',
  },
  DISCOVERY_QUERY_IGNORED: {
    title: 'paging parameters on /Schemas are ignored: the whole list comes back',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §4 ("Query parameters described in Section 3.4.2, such as filtering, sorting, and pagination, SHALL be ignored")',
    requirement: 'GET /Schemas?startIndex=2&count=1 answers the same schema ids as GET /Schemas.',
    fix: 'Do not route the discovery lists through the resource query code: answer the full list whatever startIndex, count and sortBy say.',
  },
  DISCOVERY_FILTER_FORBIDDEN: {
    title: 'a filter on /ResourceTypes is refused with 403',
    requiredBy: { rfc: 'SHOULD' },
    source: 'RFC 7644 §4 ("If a filter is provided, the service provider SHOULD respond with HTTP status code 403 (Forbidden)")',
    requirement: 'GET /ResourceTypes?filter=name eq "User" is answered 403, so that a client cannot believe the filter was applied.',
    fix: 'Answer a filter parameter on /ServiceProviderConfig, /ResourceTypes and /Schemas with 403 and a SCIM Error.',
  },
  DISCOVERY_FILTER_WORKS: {
    title: 'an advertised filter is applied',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7643 §5 (filter.supported); RFC 7644 §3.4.2.2',
    requirement: 'With filter.supported true, GET /Users?filter=userName eq "<an existing userName>" answers exactly that user.',
    fix: 'Either apply the filter parameter, or advertise filter.supported false (Okta and Entra filter regardless, so implementing it is the real fix).',
  },
  DISCOVERY_FILTER_MAX_RESULTS: {
    title: 'a page never holds more than the advertised filter.maxResults',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7643 §5 (filter.maxResults); RFC 7644 §3.4.2.4',
    requirement: 'filter.maxResults is the most resources one answer holds: a count above it is answered with at most maxResults resources.',
    fix: 'Cap the page size at the maxResults you advertise (or advertise the cap you really apply).',
  },
  DISCOVERY_ETAG_WORKS: {
    title: 'an advertised ETag is sent and honoured by If-None-Match',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7643 §5 (etag.supported); RFC 7644 §3.14',
    requirement: 'With etag.supported true, GET /Users/{id} carries an ETag header, and the same GET with If-None-Match: <that ETag> is answered 304 Not Modified.',
    fix: 'Send the resource version as an ETag header (the same value as meta.version) and answer 304 when If-None-Match matches it; or advertise etag.supported false.',
  },
  DISCOVERY_PATCH_WORKS: {
    title: 'an advertised PATCH changes the resource',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7643 §5 (patch.supported); RFC 7644 §3.5.2',
    requirement: 'With patch.supported true, a PatchOp replacing displayName on a user is answered 200 (with the resource) or 204, and a GET then shows the new value.',
    fix: 'Implement PATCH as RFC 7644 §3.5.2 defines it, or advertise patch.supported false (Entra and Okta OIN apps need it, though).',
  },
  DISCOVERY_BULK_WORKS: {
    title: 'an advertised /Bulk endpoint processes a BulkRequest',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7643 §5 (bulk.supported); RFC 7644 §3.7',
    requirement: `With bulk.supported true, POST /Bulk with a BulkRequest is answered 200 with a BulkResponse ("schemas": ["${BULK_RESPONSE_URN}"]) holding one result per operation, each with its status and location, and with the SCIM Error as its response when the status is not a success (RFC 7644 §3.7, §3.7.3).`,
    fix: 'Implement POST /Bulk as RFC 7644 §3.7 defines it, or advertise bulk.supported false.',
  },
});

export type FeatureName = 'patch' | 'bulk' | 'filter' | 'changePassword' | 'sort' | 'etag';

/** What the server says about itself: the ServiceProviderConfig, or why it could not be read. */
export interface Features {
  exchange: Exchange;
  config?: Record<string, unknown>;
}

export function readFeatures(exchange: Exchange): Features {
  const config = statusOf(exchange) === 200 ? objectBody(exchange) : undefined;
  return config === undefined ? { exchange } : { exchange, config };
}

export type Advertised = { supported: true; feature: Record<string, unknown> } | { supported: false; reason: string };

/** Whether the ServiceProviderConfig advertises a feature; when it does not, the reason to skip. */
export function advertised(features: Features, name: FeatureName): Advertised {
  if (features.config === undefined) {
    return { supported: false, reason: `cannot tell whether ${name} is supported: ${describeResponse(features.exchange)}` };
  }
  const feature = features.config[name];
  if (isObject(feature) && feature['supported'] === true) return { supported: true, feature };
  return {
    supported: false,
    reason: `the ServiceProviderConfig does not advertise ${name} (${name}.supported is ${JSON.stringify(isObject(feature) ? feature['supported'] : feature) ?? 'missing'})`,
  };
}

function validated(run: CheckRun, rule: Rule, exchange: Exchange, kind: MessageKind, value: unknown, where: string): boolean {
  const issues = validateMessage(kind, value);
  return run.expect(rule, issues.length === 0, () => ({ got: `${where}: ${describeIssues(issues)}`, exchange }));
}

/**
 * The answer's JSON, or a finding of `rule` naming what came back instead: for a discovery endpoint
 * the transport layers are part of the one thing checked, not separate tests.
 */
function answerJson(run: CheckRun, rule: Rule, exchange: Exchange): unknown {
  const { run: answer, json } = checkJsonAnswer(exchange, { status: [200] });
  if (json !== undefined) return json;
  const first = answer.findings[0];
  run.fail(rule, { got: `${describeResponse(exchange)}${first === undefined ? '' : ` (${first.code}: ${first.title})`}`, exchange });
  return undefined;
}

export function checkServiceProviderConfig(exchange: Exchange): CheckRun {
  const run = new CheckRun();
  const json = answerJson(run, discoveryRules.DISCOVERY_SPC_VALID, exchange);
  if (json === undefined) {
    run.skip(discoveryRules.DISCOVERY_PATCH_ADVERTISED, 'the ServiceProviderConfig could not be read (see DISCOVERY_SPC_VALID)');
    return run;
  }
  validated(run, discoveryRules.DISCOVERY_SPC_VALID, exchange, 'serviceProviderConfig', json, 'the ServiceProviderConfig');
  const patch = isObject(json) ? json['patch'] : undefined;
  run.expect(discoveryRules.DISCOVERY_PATCH_ADVERTISED, isObject(patch) && patch['supported'] === true, () => ({
    got: `"patch" is ${excerpt(JSON.stringify(patch) ?? 'missing')}`,
    exchange,
  }));
  return run;
}

function resourcesOf(exchange: Exchange, run: CheckRun, rule: Rule): unknown[] | undefined {
  const list = checkListResponse(exchange);
  const problems = list.run.findings.filter((finding) => finding.level === 'MUST');
  if (list.list === undefined || problems.length > 0) {
    const got = problems.map((finding) => `${finding.code}: ${finding.got}`).join('\n') || describeResponse(exchange);
    run.fail(rule, { got, exchange });
    return undefined;
  }
  return list.list.resources;
}

export function checkResourceTypes(exchange: Exchange): CheckRun {
  const run = new CheckRun();
  const rule = discoveryRules.DISCOVERY_RESOURCE_TYPES;
  const resources = resourcesOf(exchange, run, rule);
  if (resources === undefined) return run;
  const issues = resources.flatMap((resource, index) => validateMessage('resourceType', resource).map((issue) => `Resources[${index}]: ${issue.message}`));
  const user = resources.find((resource) => isObject(resource) && resource['endpoint'] === '/Users');
  const endpoints = resources.map((resource) => (isObject(resource) ? String(resource['endpoint']) : typeof resource));
  if (user === undefined) issues.push(`no resource type has the endpoint "/Users" (endpoints: ${endpoints.join(', ') || 'none'})`);
  run.expect(rule, issues.length === 0, () => ({ got: issues.map((issue) => `- ${issue}`).join('\n'), exchange }));
  return run;
}

export function checkSchemas(exchange: Exchange): CheckRun {
  const run = new CheckRun();
  const rule = discoveryRules.DISCOVERY_SCHEMAS;
  const resources = resourcesOf(exchange, run, rule);
  if (resources === undefined) return run;
  const issues = resources.flatMap((resource, index) => validateMessage('schemaDefinition', resource).map((issue) => `Resources[${index}]: ${issue.message}`));
  const ids = resources.map((resource) => (isObject(resource) ? String(resource['id']) : typeof resource));
  if (!ids.includes(USER_SCHEMA_URN)) issues.push(`the core User schema is not listed (ids: ${ids.join(', ') || 'none'})`);
  run.expect(rule, issues.length === 0, () => ({ got: issues.map((issue) => `- ${issue}`).join('\n'), exchange }));
  return run;
}

function idsOf(resources: unknown[]): string[] {
  return resources.flatMap((resource) => (isObject(resource) && typeof resource['id'] === 'string' ? [resource['id']] : []));
}

/** The schema URNs a list of ResourceTypes names: each one's schema and its extensions'. */
function namedSchemas(resourceTypes: unknown[]): string[] {
  return resourceTypes.flatMap((type) => {
    if (!isObject(type)) return [];
    const extensions = Array.isArray(type['schemaExtensions']) ? type['schemaExtensions'] : [];
    const urns = [type['schema'], ...extensions.map((extension) => (isObject(extension) ? extension['schema'] : undefined))];
    return urns.filter((urn): urn is string => typeof urn === 'string');
  });
}

/** GET /ResourceTypes and GET /Schemas: every schema a resource type names is defined. */
export function checkSchemasComplete(resourceTypes: Exchange, schemas: Exchange): CheckRun {
  const run = new CheckRun();
  const rule = discoveryRules.DISCOVERY_SCHEMAS_COMPLETE;
  const types = listedResources(resourceTypes);
  const defined = listedResources(schemas);
  if (types === undefined || defined === undefined) {
    run.skip(rule, 'GET /ResourceTypes or GET /Schemas did not answer a list (see DISCOVERY_RESOURCE_TYPES and DISCOVERY_SCHEMAS)');
    return run;
  }
  const ids = new Set(idsOf(defined).map((id) => id.toLowerCase()));
  // A missing core User schema is DISCOVERY_SCHEMAS' finding already: one cause, one finding.
  const missing = [...new Set(namedSchemas(types))].filter((urn) => !ids.has(urn.toLowerCase()) && urn !== USER_SCHEMA_URN);
  run.expect(rule, missing.length === 0, () => ({
    got: `/ResourceTypes names ${missing.join(', ')}, which /Schemas does not define (it lists ${idsOf(defined).join(', ') || 'none'})`,
    exchange: schemas,
  }));
  return run;
}

/** GET /Schemas, and the same with startIndex=2&count=1: the same ids. */
export function checkDiscoveryQueryIgnored(plain: Exchange, paged: Exchange): CheckRun {
  const run = new CheckRun();
  const rule = discoveryRules.DISCOVERY_QUERY_IGNORED;
  const all = listedResources(plain);
  if (all === undefined) {
    run.skip(rule, 'GET /Schemas did not answer a list (see DISCOVERY_SCHEMAS)');
    return run;
  }
  const page = listedResources(paged);
  const expected = idsOf(all).sort();
  const got = page === undefined ? undefined : idsOf(page).sort();
  run.expect(rule, got !== undefined && got.join('\n') === expected.join('\n'), () => ({
    got: got === undefined ? describeResponse(paged) : `startIndex=2&count=1 answered ${got.join(', ') || 'no schema'}; without them: ${expected.join(', ')}`,
    exchange: paged,
  }));
  return run;
}

/** GET /ResourceTypes?filter=...: refused with 403. */
/**
 * Control before blame for a variant of a discovery GET (a filter, an id, another Accept): the plain
 * GET of the same endpoint. When that is not 2xx, the endpoint itself is missing or broken, which
 * is `code`'s finding; the variant is not judged. Returns whether the variant may be judged.
 */
export function plainAnswered(run: CheckRun, rule: Rule, plain: Exchange | undefined, endpoint: string, code: string): boolean {
  const status = plain === undefined ? 200 : statusOf(plain);
  if (status !== undefined && status >= 200 && status < 300) return true;
  run.skip(rule, `not judged: GET ${endpoint} itself answered ${status ?? 'nothing'} (see ${code})`);
  return false;
}

/** A filter on /ResourceTypes, and the plain GET /ResourceTypes as its control. */
export function checkDiscoveryFilterForbidden(exchange: Exchange, plain?: Exchange): CheckRun {
  const run = new CheckRun();
  if (!plainAnswered(run, discoveryRules.DISCOVERY_FILTER_FORBIDDEN, plain, '/ResourceTypes', 'DISCOVERY_RESOURCE_TYPES')) return run;
  run.expect(discoveryRules.DISCOVERY_FILTER_FORBIDDEN, statusOf(exchange) === 403, () => ({ got: describeResponse(exchange), exchange }));
  return run;
}

function listedResources(exchange: Exchange): unknown[] | undefined {
  const resources = statusOf(exchange) === 200 ? objectBody(exchange)?.['Resources'] : undefined;
  return Array.isArray(resources) ? resources : undefined;
}

/**
 * GET /ResourceTypes/{id} or /Schemas/{id}: the item itself, with the id asked for. `plain`, the
 * GET of the list endpoint, is the control: a server without /Schemas is not blamed for its ids too.
 */
export function checkDiscoveryItem(exchange: Exchange, kind: 'resourceType' | 'schemaDefinition', id: string, plain?: Exchange): CheckRun {
  const run = new CheckRun();
  const rule = kind === 'resourceType' ? discoveryRules.DISCOVERY_RESOURCE_TYPE_BY_ID : discoveryRules.DISCOVERY_SCHEMA_BY_ID;
  const [endpoint, code] = kind === 'resourceType' ? ['/ResourceTypes', 'DISCOVERY_RESOURCE_TYPES'] : ['/Schemas', 'DISCOVERY_SCHEMAS'];
  if (!plainAnswered(run, rule, plain, endpoint, code)) return run;
  const json = answerJson(run, rule, exchange);
  if (json === undefined) return run;
  if (!validated(run, rule, exchange, kind, json, 'the answer')) return run;
  const got = isObject(json) ? json['id'] : undefined;
  run.expect(rule, got === id, () => ({ got: `asked for ${id}, got the id ${JSON.stringify(got)}`, exchange }));
  return run;
}

export interface FilterProbe {
  /** The user the filter named. */
  id: string;
  userName: string;
  exchange: Exchange;
}

function listedIds(exchange: Exchange): string[] | undefined {
  const resources = statusOf(exchange) === 200 ? objectBody(exchange)?.['Resources'] : undefined;
  // A non-object entry still counts: it is one more thing the filter should not have answered.
  return Array.isArray(resources) ? resources.map((resource) => (isObject(resource) ? String(resource['id']) : '')) : undefined;
}

export function checkAdvertisedFilter(features: Features, probe: FilterProbe | string): CheckRun {
  const run = new CheckRun();
  const rule = discoveryRules.DISCOVERY_FILTER_WORKS;
  const filter = advertised(features, 'filter');
  if (!filter.supported) return skipped(run, rule, filter.reason);
  if (typeof probe === 'string') return skipped(run, rule, probe);
  const ids = listedIds(probe.exchange);
  run.expect(rule, ids !== undefined && ids.length === 1 && ids[0] === probe.id, () => ({
    got:
      ids === undefined
        ? describeResponse(probe.exchange)
        : `filter=userName eq "${probe.userName}" answered ${ids.length} resources (${excerpt(ids.join(', '), 100)}), not just user ${probe.id}`,
    exchange: probe.exchange,
  }));
  return run;
}

/** `page` is GET /Users?startIndex=1&count=<maxResults + 1>, or the reason it was not sent. */
export function checkMaxResults(features: Features, page: Exchange | string): CheckRun {
  const run = new CheckRun();
  const rule = discoveryRules.DISCOVERY_FILTER_MAX_RESULTS;
  const filter = advertised(features, 'filter');
  if (!filter.supported) return skipped(run, rule, filter.reason);
  if (typeof page === 'string') return skipped(run, rule, page);
  const maxResults = filter.feature['maxResults'] as number;
  const list = checkListResponse(page);
  if (list.list === undefined) {
    run.fail(rule, { got: describeResponse(page), exchange: page });
    return run;
  }
  if (list.list.totalResults <= maxResults) return skipped(run, rule, capUnobservable(list.list.totalResults, maxResults));
  const held = list.list.resources.length;
  run.expect(rule, held <= maxResults, () => ({
    got: `filter.maxResults is ${maxResults}; count=${maxResults + 1} was answered with ${held} resources`,
    exchange: page,
  }));
  return run;
}

/** Why a store of `held` users cannot show whether pages keep to filter.maxResults. */
export function capUnobservable(held: number, maxResults: number): string {
  return `the server holds ${held} users, not more than filter.maxResults ${maxResults}: the cap cannot be observed`;
}

/**
 * The maxResults to probe with, or the reason not to probe. `held` is the number of users the
 * store held before the run wrote any: a store no larger than the cap cannot show it, and the run's
 * own users may not (they would make the finding the run's).
 */
export function maxResultsToProbe(features: Features, held?: number): number | string {
  const filter = advertised(features, 'filter');
  if (!filter.supported) return filter.reason;
  const maxResults = filter.feature['maxResults'];
  if (!Number.isInteger(maxResults) || (maxResults as number) < 1) return `filter.maxResults is ${JSON.stringify(maxResults)}, not a positive integer (see DISCOVERY_SPC_VALID)`;
  if ((maxResults as number) > 1000) return `filter.maxResults is ${String(maxResults)}: a page that large is not fetched, to stay polite`;
  if (held !== undefined && held <= (maxResults as number)) return capUnobservable(held, maxResults as number);
  return maxResults as number;
}

export interface EtagProbe {
  first: Exchange;
  /** The same GET with If-None-Match, when the first carried an ETag. */
  conditional?: Exchange;
}

export function checkAdvertisedEtag(features: Features, probe: EtagProbe | string): CheckRun {
  const run = new CheckRun();
  const rule = discoveryRules.DISCOVERY_ETAG_WORKS;
  const etag = advertised(features, 'etag');
  if (!etag.supported) return skipped(run, rule, etag.reason);
  if (typeof probe === 'string') return skipped(run, rule, probe);
  const tag = probe.first.response?.headers['etag'];
  if (
    !run.expect(rule, probe.first.response?.status === 200 && tag !== undefined, () => ({
      got: `${describeResponse(probe.first)}; no ETag header`,
      exchange: probe.first,
    }))
  ) {
    return run;
  }
  const conditional = probe.conditional;
  run.expect(rule, conditional?.response?.status === 304, () => ({
    got: conditional === undefined ? 'the conditional GET was not sent' : `${describeResponse(conditional)} (If-None-Match: ${tag ?? ''})`,
    exchange: conditional ?? probe.first,
  }));
  return run;
}

export interface PatchProbe {
  patch: Exchange;
  read: Exchange;
  displayName: string;
}

export function checkAdvertisedPatch(features: Features, probe: PatchProbe | string): CheckRun {
  const run = new CheckRun();
  const rule = discoveryRules.DISCOVERY_PATCH_WORKS;
  const patch = advertised(features, 'patch');
  if (!patch.supported) return skipped(run, rule, patch.reason);
  if (typeof probe === 'string') return skipped(run, rule, probe);
  const status = probe.patch.response?.status;
  if (!run.expect(rule, status === 200 || status === 204, () => ({ got: describeResponse(probe.patch), exchange: probe.patch }))) return run;
  const shown = objectBody(probe.read)?.['displayName'];
  run.expect(rule, shown === probe.displayName, () => ({
    got: `PATCH answered ${String(status)}, but GET then shows displayName ${JSON.stringify(shown)}, not ${JSON.stringify(probe.displayName)}`,
    exchange: probe.read,
  }));
  return run;
}

/**
 * Bulk is judged by no request: a BulkRequest carries operations on paths, ids and bulkIds the server
 * resolves, and one resolved wrongly writes to a resource the run did not create, which no read
 * before it can rule out, so the write guard lets none through. The rule stays, skipped with why,
 * so that the verdict's bulk area says it was not tested rather than nothing.
 */
export const BULK_NOT_SENT = 'not sent: the suite writes only to users and groups it created and read back as its own, and a bulk request could write elsewhere';

export function checkAdvertisedBulk(features: Features): CheckRun {
  const bulk = advertised(features, 'bulk');
  return skipped(new CheckRun(), discoveryRules.DISCOVERY_BULK_WORKS, bulk.supported ? BULK_NOT_SENT : bulk.reason);
}

function skipped(run: CheckRun, rule: Rule, reason: string): CheckRun {
  run.skip(rule, reason);
  return run;
}
