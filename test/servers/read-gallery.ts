/**
 * Deliberately broken SCIM servers for the read path: each is the reference server with one rule
 * broken. A run of the spec files it concerns must fail with that rule's code; `affected` names the
 * rules that the same breakage cannot help changing (a server that ignores `and` cannot have its
 * and-combined operator cases judged); every other rule keeps the status it has on the reference.
 */
import type { ReadSpecName } from '../../src/checks/spec-files.js';
import { createScimService, demoSeed, serve } from '../../src/reference-server/index.js';
import type { ScimHandler, ScimRequest, ScimResponse } from '../../src/reference-server/types.js';
import { GALLERY_TOKEN, type RunningServer } from './gallery.js';

const BASE_PATH = '/scim/v2';
const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const JSON_TYPE = { 'content-type': 'application/scim+json; charset=utf-8' };

export type ReadSpec = ReadSpecName;

export interface ReadBreakage {
  name: string;
  cause: string;
  spec: ReadSpec;
  /** Codes that must fail. */
  expected: string[];
  /** Codes whose status may change as a consequence; all others must stay as on the reference. */
  affected?: string[];
  /** Run with SCIM_WRITE=true (the check needs a write). */
  write?: boolean;
  start(): Promise<RunningServer>;
}

type Next = () => ScimResponse;
type Breakage = (request: ScimRequest, next: Next) => ScimResponse | Promise<ScimResponse>;

interface StartOptions {
  /** Also records every request (method and path) the server receives. */
  record?: Array<{ method: string; path: string }>;
}

/** The reference server (seeded with the demo users) behind a function that breaks one rule. */
export async function startReadServer(breakage: Breakage = (_request, next) => next(), options: StartOptions = {}): Promise<RunningServer> {
  const service = createScimService({ token: GALLERY_TOKEN, seed: demoSeed() });
  const handler: ScimHandler = (request) => {
    options.record?.push({ method: request.method, path: request.path });
    return breakage(request, () => service.handle(request));
  };
  const server = await serve(handler);
  return { baseUrl: `${server.origin}${BASE_PATH}`, close: server.close };
}

const endpoint = (request: ScimRequest) => request.path.slice(BASE_PATH.length);
const isList = (request: ScimRequest, type = '(Users|Groups)') => request.method === 'GET' && new RegExp(`^/${type}/?$`).test(endpoint(request));

function parsed(response: ScimResponse): Record<string, unknown> {
  return JSON.parse(response.body ?? '{}') as Record<string, unknown>;
}

function withBody(response: ScimResponse, body: unknown): ScimResponse {
  return { ...response, body: JSON.stringify(body) };
}

function error(status: number, detail: string, scimType?: string): ScimResponse {
  return { status, headers: JSON_TYPE, body: JSON.stringify({ schemas: [ERROR_URN], status: String(status), ...(scimType ? { scimType } : {}), detail }) };
}

/** Rewrites the filter of list requests (`undefined` removes it). */
function rewriteFilter(rewrite: (filter: string) => string | undefined, type?: string): Breakage {
  return (request, next) => {
    const filter = request.query.get('filter');
    if (filter !== null && isList(request, type)) {
      const changed = rewrite(filter);
      if (changed === undefined) request.query.delete('filter');
      else request.query.set('filter', changed);
    }
    return next();
  };
}

/** Changes a paging parameter of list requests. */
function rewriteParameter(name: string, rewrite: (value: number) => number | undefined): Breakage {
  return (request, next) => {
    const value = request.query.get(name);
    if (value !== null && isList(request)) {
      const changed = rewrite(Number(value));
      if (changed === undefined) request.query.delete(name);
      else request.query.set(name, String(changed));
    }
    return next();
  };
}

function listBody(transform: (body: Record<string, unknown>, request: ScimRequest) => void): Breakage {
  return (request, next) => {
    const response = next();
    if (!isList(request) || response.status !== 200) return response;
    const body = parsed(response);
    transform(body, request);
    return withBody(response, body);
  };
}

function discoveryBody(path: RegExp, transform: (body: Record<string, unknown>) => void): Breakage {
  return (request, next) => {
    const response = next();
    if (request.method !== 'GET' || !path.test(endpoint(request)) || response.status !== 200) return response;
    const body = parsed(response);
    transform(body);
    return withBody(response, body);
  };
}

function errorBody(transform: (body: Record<string, unknown>) => void): Breakage {
  return (_request, next) => {
    const response = next();
    if (response.status < 400 || response.body === undefined) return response;
    const body = parsed(response);
    transform(body);
    return withBody(response, body);
  };
}

const spcFeature = (name: string, value: Record<string, unknown>) => discoveryBody(/^\/ServiceProviderConfig$/, (body) => (body[name] = value));
const resources = (body: Record<string, unknown>) => (body['Resources'] as Array<Record<string, unknown>> | undefined) ?? [];
const start = (breakage: Breakage) => () => startReadServer(breakage);

/** The operator swaps that make one comparison answer wrongly. */
const swaps: Array<[string, string, string]> = [
  ['ne', 'eq', 'FILTER_NE'],
  ['co', 'sw', 'FILTER_CO'],
  ['sw', 'ew', 'FILTER_SW'],
  ['ew', 'sw', 'FILTER_EW'],
  ['gt', 'lt', 'FILTER_GT'],
  ['ge', 'gt', 'FILTER_GE'],
  ['lt', 'gt', 'FILTER_LT'],
  ['le', 'lt', 'FILTER_LE'],
];

const ANDED = [
  'FILTER_NOT',
  'FILTER_PARENTHESES',
  'FILTER_NE',
  'FILTER_CO',
  'FILTER_SW',
  'FILTER_EW',
  'FILTER_PR',
  'FILTER_GT',
  'FILTER_GE',
  'FILTER_LT',
  'FILTER_LE',
  'FILTER_VALUE_PATH',
];
const ALL_FILTER_CASES = [
  'FILTER_USERNAME_EQ',
  'FILTER_USERNAME_CASE_INSENSITIVE',
  'FILTER_NAMES_CASE_INSENSITIVE',
  'FILTER_ID_EQ',
  'FILTER_EXTERNAL_ID_EQ',
  'FILTER_EMAILS_WORK_VALUE',
  'FILTER_GROUP_DISPLAY_NAME',
  'FILTER_AND',
  'FILTER_OR',
  ...ANDED,
];

export const readGallery: ReadBreakage[] = [
  // Paging
  {
    name: 'zero-based-start-index',
    cause: 'startIndex read as a 0-based offset',
    spec: 'paging',
    expected: ['PAGING_ONE_BASED'],
    affected: ['PAGING_START_INDEX_BELOW_ONE', 'PAGING_WALK_COMPLETE'],
    start: start(rewriteParameter('startIndex', (value) => (value >= 1 ? value + 1 : value))),
  },
  {
    name: 'start-index-below-one-refused',
    cause: 'startIndex below 1 answered 400',
    spec: 'paging',
    expected: ['PAGING_START_INDEX_BELOW_ONE'],
    start: start((request, next) => (isList(request) && Number(request.query.get('startIndex') ?? 1) < 1 ? error(400, 'startIndex must be at least 1', 'invalidValue') : next())),
  },
  {
    name: 'count-zero-means-all',
    cause: 'count=0 read as "no limit"',
    spec: 'paging',
    expected: ['PAGING_COUNT_ZERO'],
    start: start(rewriteParameter('count', (value) => (value === 0 ? undefined : value))),
  },
  {
    name: 'negative-count-means-all',
    cause: 'a negative count read as "no limit"',
    spec: 'paging',
    expected: ['PAGING_NEGATIVE_COUNT'],
    start: start(rewriteParameter('count', (value) => (value < 0 ? undefined : value))),
  },
  {
    name: 'past-end-wraps',
    cause: 'a page past the end answered with the first page again',
    spec: 'paging',
    expected: ['PAGING_PAST_END_EMPTY'],
    start: start((request, next) => {
      const response = next();
      if (!isList(request) || response.status !== 200) return response;
      const body = parsed(response);
      if ((body['totalResults'] as number) >= Number(request.query.get('startIndex') ?? 1)) return response;
      request.query.set('startIndex', '1');
      return next();
    }),
  },
  {
    name: 'total-counts-remaining',
    cause: 'totalResults counts the resources from startIndex on',
    spec: 'paging',
    expected: ['PAGING_TOTAL_STABLE'],
    start: start(
      listBody((body, request) => {
        const startIndex = Math.max(1, Number(request.query.get('startIndex') ?? 1));
        body['totalResults'] = Math.max(0, (body['totalResults'] as number) - startIndex + 1);
      }),
    ),
  },
  {
    name: 'total-inflated',
    cause: 'totalResults counts users the list does not return (deleted ones)',
    spec: 'paging',
    expected: ['PAGING_WALK_COMPLETE'],
    start: start(listBody((body) => (body['totalResults'] = (body['totalResults'] as number) + 2))),
  },
  {
    name: 'count-plus-one',
    cause: 'one resource more than count on every page',
    spec: 'paging',
    expected: ['LIST_COUNT_RESPECTED'],
    affected: ['PAGING_WALK_COMPLETE'],
    start: start(rewriteParameter('count', (value) => (value > 0 ? value + 1 : value))),
  },
  // Filters
  {
    name: 'filter-ignored',
    cause: 'the server ignores the filter',
    spec: 'filters',
    expected: ['FILTER_APPLIED', 'FILTER_NO_MATCH_EMPTY', 'FILTER_INVALID_REFUSED'],
    affected: ALL_FILTER_CASES,
    start: start(rewriteFilter(() => undefined)),
  },
  {
    name: 'username-case-sensitive',
    cause: 'userName compared case-sensitively',
    spec: 'filters',
    expected: ['FILTER_USERNAME_CASE_INSENSITIVE'],
    start: start((request, next) => {
      const value = /^userName eq "([^"]*)"$/.exec(request.query.get('filter') ?? '')?.[1];
      const response = next();
      if (value === undefined || !isList(request) || response.status !== 200) return response;
      const body = parsed(response);
      const kept = resources(body).filter((resource) => resource['userName'] === value);
      return withBody(response, { ...body, totalResults: kept.length, itemsPerPage: kept.length, Resources: kept });
    }),
  },
  {
    name: 'attribute-names-case-sensitive',
    cause: 'attribute names and operators matched case-sensitively',
    spec: 'filters',
    expected: ['FILTER_NAMES_CASE_INSENSITIVE'],
    start: start((request, next) => (/\bUserName\b|\bEQ\b/.test(request.query.get('filter') ?? '') ? error(400, 'Unknown attribute UserName', 'invalidFilter') : next())),
  },
  {
    name: 'id-filter-ignored',
    cause: 'id eq answered with everyone',
    spec: 'filters',
    expected: ['FILTER_ID_EQ'],
    start: start(rewriteFilter((filter) => (filter.startsWith('id eq') ? undefined : filter))),
  },
  {
    name: 'external-id-unsupported',
    cause: 'externalId eq matches nobody',
    spec: 'filters',
    expected: ['FILTER_EXTERNAL_ID_EQ'],
    start: start(rewriteFilter((filter) => (filter.startsWith('externalId eq') ? 'externalId eq "no-such-id"' : filter))),
  },
  {
    name: 'emails-work-value-refused',
    cause: 'emails[type eq "work"].value eq refused as invalidFilter',
    spec: 'filters',
    expected: ['FILTER_EMAILS_WORK_VALUE'],
    start: start((request, next) => (/\]\.value/.test(request.query.get('filter') ?? '') ? error(400, 'Value paths are not supported', 'invalidFilter') : next())),
  },
  {
    name: 'group-display-name-unsupported',
    cause: 'displayName eq on /Groups matches nothing',
    spec: 'filters',
    expected: ['FILTER_GROUP_DISPLAY_NAME'],
    start: start(rewriteFilter(() => 'displayName eq "no-such-group"', 'Groups')),
  },
  {
    name: 'and-stops-after-first',
    cause: 'and evaluates only its first side',
    spec: 'filters',
    expected: ['FILTER_AND'],
    affected: ANDED,
    start: start(rewriteFilter((filter) => /^(userName eq "[^"]*") and /.exec(filter)?.[1] ?? filter)),
  },
  {
    name: 'or-as-and',
    cause: 'or evaluated as and',
    spec: 'filters',
    expected: ['FILTER_OR'],
    affected: ['FILTER_PARENTHESES'],
    start: start(rewriteFilter((filter) => filter.replaceAll(' or ', ' and '))),
  },
  {
    name: 'not-ignored',
    cause: 'not ( ) ignored',
    spec: 'filters',
    expected: ['FILTER_NOT'],
    start: start(rewriteFilter((filter) => filter.replace(/\bnot \(/, '('))),
  },
  {
    name: 'parentheses-ignored',
    cause: 'parentheses dropped, so and binds first',
    spec: 'filters',
    expected: ['FILTER_PARENTHESES'],
    start: start(rewriteFilter((filter) => (filter.includes('not (') || !/\(.*\)/.test(filter) ? filter : filter.replace(/[()]/g, '')))),
  },
  ...swaps.map(([from, to, code]): ReadBreakage => ({
    name: `${from}-as-${to}`,
    cause: `${from} evaluated as ${to}`,
    spec: 'filters',
    expected: [code],
    start: start(rewriteFilter((filter) => filter.replace(new RegExp(` ${from} `, 'g'), ` ${to} `))),
  })),
  {
    name: 'pr-always-true',
    cause: 'pr matches attributes that have no value',
    spec: 'filters',
    expected: ['FILTER_PR'],
    start: start(rewriteFilter((filter) => filter.replace(/\b\w+ pr\b/g, 'userName pr'))),
  },
  {
    name: 'value-path-ignored',
    cause: 'the [ ] of a value path ignored',
    spec: 'filters',
    expected: ['FILTER_VALUE_PATH'],
    start: start(rewriteFilter((filter) => (filter.includes('].') ? filter : filter.replace(/emails\[[^\]]*\]/g, 'emails pr')))),
  },
  {
    name: 'no-match-404',
    cause: "Okta's existence check for a user that does not exist answered 404",
    spec: 'filters',
    expected: ['FILTER_NO_MATCH_EMPTY'],
    start: start((request, next) => {
      const response = next();
      const okta = isList(request) && request.query.has('filter') && request.query.get('count') === '100';
      return okta && response.status === 200 && parsed(response)['totalResults'] === 0 ? error(404, 'User not found') : response;
    }),
  },
  {
    name: 'malformed-filter-ignored',
    cause: 'a filter that does not parse answered 200 with everyone',
    spec: 'filters',
    expected: ['FILTER_INVALID_REFUSED'],
    start: start((request, next) => {
      const response = next();
      if (response.status !== 400) return response;
      request.query.delete('filter');
      return next();
    }),
  },
  // Query parameters
  {
    name: 'attributes-ignored',
    cause: 'attributes= ignored',
    spec: 'query-params',
    expected: ['QUERY_ATTRIBUTES'],
    start: start((request, next) => {
      request.query.delete('attributes');
      return next();
    }),
  },
  {
    name: 'id-dropped-by-projection',
    cause: 'attributes / excludedAttributes drop the id',
    spec: 'query-params',
    expected: ['QUERY_ALWAYS_RETURNED'],
    start: start((request, next) => {
      const response = next();
      const projected = request.query.has('attributes') || request.query.has('excludedAttributes');
      if (!projected || !endpoint(request).startsWith('/Users') || response.status !== 200) return response;
      const body = parsed(response);
      for (const resource of 'Resources' in body ? resources(body) : [body]) delete resource['id'];
      return withBody(response, body);
    }),
  },
  {
    name: 'excluded-attributes-ignored',
    cause: 'excludedAttributes= ignored on /Users',
    spec: 'query-params',
    expected: ['QUERY_EXCLUDED_ATTRIBUTES'],
    start: start((request, next) => {
      if (endpoint(request).startsWith('/Users')) request.query.delete('excludedAttributes');
      return next();
    }),
  },
  {
    name: 'members-not-excluded',
    cause: 'excludedAttributes=members ignored on /Groups',
    spec: 'query-params',
    expected: ['QUERY_EXCLUDE_MEMBERS'],
    start: start((request, next) => {
      if (endpoint(request).startsWith('/Groups')) request.query.delete('excludedAttributes');
      return next();
    }),
  },
  {
    name: 'sort-ignored',
    cause: 'sortBy ignored although sort is advertised',
    spec: 'query-params',
    expected: ['QUERY_SORT'],
    start: start((request, next) => {
      request.query.delete('sortBy');
      return next();
    }),
  },
  {
    name: 'search-ignores-filter',
    cause: 'POST /.search ignores the filter in its body',
    spec: 'query-params',
    expected: ['QUERY_SEARCH'],
    // A read-only run sends no POST /.search unless SCIM_SEARCH_POST=true; a write run does.
    write: true,
    start: start((request, next) => {
      if (request.method === 'POST' && endpoint(request).endsWith('/.search')) request.body = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] });
      return next();
    }),
  },
  // Discovery
  {
    name: 'spc-without-etag',
    cause: 'the ServiceProviderConfig lacks etag',
    spec: 'discovery',
    expected: ['DISCOVERY_SPC_VALID'],
    affected: ['DISCOVERY_ETAG_WORKS'],
    start: start(discoveryBody(/^\/ServiceProviderConfig$/, (body) => delete body['etag'])),
  },
  {
    name: 'patch-not-advertised',
    cause: 'patch.supported false',
    spec: 'discovery',
    expected: ['DISCOVERY_PATCH_ADVERTISED'],
    affected: ['DISCOVERY_PATCH_WORKS'],
    start: start(spcFeature('patch', { supported: false })),
  },
  {
    name: 'resource-types-lower-case',
    cause: 'the User resource type at "/users"',
    spec: 'discovery',
    expected: ['DISCOVERY_RESOURCE_TYPES'],
    start: start(discoveryBody(/^\/ResourceTypes$/, (body) => resources(body).forEach((type) => (type['endpoint'] = String(type['endpoint']).toLowerCase())))),
  },
  {
    name: 'resource-type-by-id-as-list',
    cause: 'GET /ResourceTypes/User answered with the list',
    spec: 'discovery',
    expected: ['DISCOVERY_RESOURCE_TYPE_BY_ID'],
    start: start((request, next) => {
      if (/^\/ResourceTypes\/.+/.test(endpoint(request))) request.path = `${BASE_PATH}/ResourceTypes`;
      return next();
    }),
  },
  {
    name: 'schemas-without-user',
    cause: '/Schemas does not list the core User schema',
    spec: 'discovery',
    expected: ['DISCOVERY_SCHEMAS'],
    start: start(
      discoveryBody(/^\/Schemas$/, (body) => {
        const kept = resources(body).filter((schema) => !String(schema['id']).endsWith(':core:2.0:User'));
        Object.assign(body, { Resources: kept, totalResults: kept.length, itemsPerPage: kept.length });
      }),
    ),
  },
  {
    name: 'schemas-binary-not-case-exact',
    cause: '/Schemas calls x509Certificates.value (binary) caseExact false, which a client library refuses at discovery',
    spec: 'discovery',
    expected: ['DISCOVERY_SCHEMA_ATTRIBUTES'],
    start: start(
      discoveryBody(/^\/Schemas$/, (body) => {
        const user = resources(body).find((schema) => String(schema['id']).endsWith(':core:2.0:User'));
        const certificates = (user?.['attributes'] as Array<Record<string, unknown>>).find((attribute) => attribute['name'] === 'x509Certificates');
        const value = (certificates?.['subAttributes'] as Array<Record<string, unknown>>).find((sub) => sub['name'] === 'value');
        if (value !== undefined) value['caseExact'] = false;
      }),
    ),
  },
  {
    name: 'schemas-without-extension',
    cause: '/Schemas leaves out the enterprise extension that /ResourceTypes names',
    spec: 'discovery',
    expected: ['DISCOVERY_SCHEMAS_COMPLETE'],
    start: start(
      discoveryBody(/^\/Schemas$/, (body) => {
        const kept = resources(body).filter((schema) => !String(schema['id']).includes(':extension:'));
        Object.assign(body, { Resources: kept, totalResults: kept.length, itemsPerPage: kept.length });
      }),
    ),
  },
  {
    name: 'schemas-paged',
    cause: '/Schemas applies startIndex and count',
    spec: 'discovery',
    expected: ['DISCOVERY_QUERY_IGNORED'],
    start: start((request, next) => {
      const response = next();
      const count = Number(request.query.get('count') ?? Number.NaN);
      if (endpoint(request) !== '/Schemas' || !Number.isInteger(count) || response.status !== 200) return response;
      const body = parsed(response);
      const page = resources(body)
        .slice(Number(request.query.get('startIndex') ?? 1) - 1)
        .slice(0, count);
      return { ...response, body: JSON.stringify({ ...body, Resources: page, itemsPerPage: page.length }) };
    }),
  },
  {
    name: 'discovery-filter-accepted',
    cause: 'a filter on /ResourceTypes answered 200',
    spec: 'discovery',
    expected: ['DISCOVERY_FILTER_FORBIDDEN'],
    start: start((request, next) => {
      if (endpoint(request) === '/ResourceTypes') request.query.delete('filter');
      return next();
    }),
  },
  {
    name: 'me-404',
    cause: 'GET /Me answered 404',
    spec: 'discovery',
    expected: ['ME_UNSUPPORTED_NOT_IMPLEMENTED'],
    start: start((request, next) => (endpoint(request) === '/Me' ? error(404, 'Not found') : next())),
  },
  {
    name: 'listed-users-two-primaries',
    cause: 'listed users carry two primary emails',
    spec: 'discovery',
    expected: ['RESOURCE_PRIMARY_ONCE'],
    start: start((request, next) => {
      const response = next();
      if (!isList(request, 'Users') || response.status !== 200) return response;
      const body = parsed(response);
      for (const user of resources(body)) {
        user['emails'] = [
          { value: 'one@example.com', type: 'work', primary: true },
          { value: 'two@example.com', type: 'home', primary: true },
        ];
      }
      return withBody(response, body);
    }),
  },
  {
    name: 'schema-by-id-404',
    cause: 'GET /Schemas/{urn} answered 404',
    spec: 'discovery',
    expected: ['DISCOVERY_SCHEMA_BY_ID'],
    start: start((request, next) => (/^\/Schemas\/.+/.test(endpoint(request)) ? error(404, 'No route') : next())),
  },
  {
    name: 'filter-advertised-but-ignored',
    cause: 'filter advertised, but the filter ignored',
    spec: 'discovery',
    expected: ['DISCOVERY_FILTER_WORKS'],
    // The same ignored filter answers active gt true with a list.
    affected: ['FILTER_BOOLEAN_ORDERING_REFUSED'],
    start: start(rewriteFilter(() => undefined)),
  },
  {
    name: 'max-results-exceeded',
    cause: 'pages larger than the advertised filter.maxResults',
    spec: 'discovery',
    expected: ['DISCOVERY_FILTER_MAX_RESULTS'],
    start: start(spcFeature('filter', { supported: true, maxResults: 2 })),
  },
  {
    name: 'etag-not-honoured',
    cause: 'etag advertised, If-None-Match ignored',
    spec: 'discovery',
    expected: ['DISCOVERY_ETAG_WORKS'],
    start: start((request, next) => {
      delete request.headers['if-none-match'];
      return next();
    }),
  },
  {
    name: 'patch-changes-nothing',
    cause: 'patch advertised, PATCH answers 200 and changes nothing',
    spec: 'discovery',
    write: true,
    expected: ['DISCOVERY_PATCH_WORKS'],
    start: start((request, next) => {
      if (request.method !== 'PATCH') return next();
      request.method = 'GET';
      return next();
    }),
  },
  // Errors
  {
    name: 'not-found-as-200',
    cause: 'an unknown id answered 200 with an Error inside',
    spec: 'errors',
    expected: ['ERROR_NOT_FOUND_STATUS'],
    start: start((_request, next) => {
      const response = next();
      return response.status === 404 ? { ...response, status: 200 } : response;
    }),
  },
  {
    name: 'not-found-as-list',
    cause: 'an unknown id answered with an empty ListResponse',
    spec: 'errors',
    expected: ['ERROR_NOT_FOUND_STATUS'],
    start: start((_request, next) => {
      const response = next();
      return response.status === 404
        ? { status: 200, headers: JSON_TYPE, body: JSON.stringify({ schemas: [LIST_URN], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] }) }
        : response;
    }),
  },
  {
    name: 'error-without-schemas',
    cause: 'error bodies without schemas',
    spec: 'errors',
    expected: ['ERROR_SCHEMAS'],
    affected: ['ERROR_STATUS_STRING', 'ERROR_DETAIL', 'ERROR_SCIM_TYPE'],
    start: start(errorBody((body) => delete body['schemas'])),
  },
  {
    name: 'error-status-number',
    cause: 'status sent as a number',
    spec: 'errors',
    expected: ['ERROR_STATUS_STRING'],
    start: start(errorBody((body) => (body['status'] = Number(body['status'])))),
  },
  {
    name: 'error-without-detail',
    cause: 'error bodies without detail',
    spec: 'errors',
    expected: ['ERROR_DETAIL'],
    start: start(errorBody((body) => delete body['detail'])),
  },
  {
    name: 'scim-type-invented',
    cause: 'scimType outside the RFC list',
    spec: 'errors',
    expected: ['ERROR_SCIM_TYPE'],
    start: start(errorBody((body) => body['scimType'] !== undefined && (body['scimType'] = 'invalid_filter'))),
  },
  {
    name: 'get-by-id-as-list',
    cause: 'GET /Users/{id} answered with a ListResponse',
    spec: 'errors',
    expected: ['RESOURCE_GET_IS_RESOURCE'],
    affected: ['USER_SCHEMA', 'OKTA_USER_ATTRIBUTES'],
    start: start((request, next) => {
      const response = next();
      if (request.method !== 'GET' || !/^\/Users\/[^/]+$/.test(endpoint(request)) || response.status !== 200) return response;
      return { ...response, body: JSON.stringify({ schemas: [LIST_URN], totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [parsed(response)] }) };
    }),
  },
  // Authentication
  {
    name: 'accepts-no-credentials',
    cause: 'requests without credentials answered with data',
    spec: 'auth',
    expected: ['AUTH_NO_CREDENTIALS_REFUSED'],
    // The challenge is judged on the two 401s only: without both, it is skipped naming this rule.
    affected: ['AUTH_CHALLENGE', 'AUTH_CHALLENGE_ERROR_CODE'],
    start: start((request, next) => {
      request.headers['authorization'] ??= `Bearer ${GALLERY_TOKEN}`;
      return next();
    }),
  },
  {
    name: 'accepts-any-token',
    cause: 'any bearer token accepted',
    spec: 'auth',
    expected: ['AUTH_WRONG_TOKEN_REFUSED'],
    // The challenge is judged on the two 401s only: without both, it is skipped naming this rule.
    affected: ['AUTH_CHALLENGE', 'AUTH_CHALLENGE_ERROR_CODE'],
    start: start((request, next) => {
      if (request.headers['authorization'] !== undefined) request.headers['authorization'] = `Bearer ${GALLERY_TOKEN}`;
      return next();
    }),
  },
  {
    name: 'wrong-token-403',
    cause: 'a wrong token answered 403',
    spec: 'auth',
    expected: ['AUTH_WRONG_TOKEN_REFUSED'],
    // The challenge is judged on the two 401s only: without both, it is skipped naming this rule.
    affected: ['AUTH_CHALLENGE', 'AUTH_CHALLENGE_ERROR_CODE'],
    start: start((request, next) => {
      const response = next();
      return response.status === 401 && request.headers['authorization'] !== undefined ? error(403, 'Forbidden') : response;
    }),
  },
  {
    name: '401-without-body',
    cause: '401 answered with an empty body',
    spec: 'auth',
    expected: ['AUTH_ERROR_BODY'],
    start: start((_request, next) => {
      const response = next();
      return response.status === 401 ? { status: 401, headers: { 'www-authenticate': response.headers['www-authenticate'] ?? 'Bearer' }, body: '' } : response;
    }),
  },
  {
    name: '401-without-challenge',
    cause: 'a 401 without WWW-Authenticate',
    spec: 'auth',
    expected: ['AUTH_CHALLENGE'],
    // Without a challenge there is no error attribute to judge: skipped, naming AUTH_CHALLENGE.
    affected: ['AUTH_CHALLENGE_ERROR_CODE'],
    start: start((_request, next) => {
      const response = next();
      if (response.status !== 401) return response;
      const { 'www-authenticate': _challenge, ...headers } = response.headers;
      return { ...response, headers };
    }),
  },
  {
    name: '401-same-challenge',
    cause: 'a refused token challenged without error="invalid_token"',
    spec: 'auth',
    expected: ['AUTH_CHALLENGE_ERROR_CODE'],
    start: start((_request, next) => {
      const response = next();
      return response.status === 401 ? { ...response, headers: { ...response.headers, 'www-authenticate': 'Bearer realm="scim"' } } : response;
    }),
  },
];
