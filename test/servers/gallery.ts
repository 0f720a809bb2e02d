/**
 * Deliberately broken SCIM servers: one per cause in the failure table of SCIM-CLIENTS.md. Each is
 * the reference server with exactly one thing broken, so a run against it must fail with that
 * cause's finding code and no other.
 */
import { createScimService, demoSeed, serve } from '../../src/reference-server/index.js';
import type { ScimHandler, ScimRequest, ScimResponse } from '../../src/reference-server/types.js';

export const GALLERY_TOKEN = 'gallery-canary-token-7c1f0e9d';
const BASE_PATH = '/scim/v2';

export interface RunningServer {
  baseUrl: string;
  close(): Promise<void>;
}

export interface BrokenServer {
  name: string;
  /** The cause, as the failure table names it. */
  cause: string;
  /** Codes that must fail; the first is the most fundamental one and leads the run. */
  expected: string[];
  /** Breaks a SHOULD: run with SCIM_STRICT=true, where a warning fails too. */
  strict?: boolean;
  start(): Promise<RunningServer>;
}

type Next = () => ScimResponse;
type Breakage = (request: ScimRequest, next: Next) => ScimResponse | Promise<ScimResponse>;

const JSON_TYPE = { 'content-type': 'application/scim+json; charset=utf-8' };

function isListRequest(request: ScimRequest): boolean {
  return request.method === 'GET' && /\/(Users|Groups)\/?$/i.test(request.path);
}

function withBody(response: ScimResponse, body: unknown): ScimResponse {
  return { ...response, body: JSON.stringify(body) };
}

function parsed(response: ScimResponse): Record<string, unknown> {
  return JSON.parse(response.body ?? '{}') as Record<string, unknown>;
}

interface StartOptions {
  seeded?: boolean;
  /** Appended to the origin to make the Base URL given to the suite (default /scim/v2). */
  basePath?: string;
}

/** The reference server behind a function that breaks one rule. */
async function startBroken(breakage: Breakage, options: StartOptions = {}): Promise<RunningServer> {
  const service = createScimService({ token: GALLERY_TOKEN, ...(options.seeded === false ? {} : { seed: demoSeed() }) });
  const handler: ScimHandler = (request) => breakage(request, () => service.handle(request));
  const server = await serve(handler);
  return { baseUrl: `${server.origin}${options.basePath ?? BASE_PATH}`, close: server.close };
}

function listBreakage(transform: (response: ScimResponse, request: ScimRequest) => ScimResponse): Breakage {
  return (request, next) => {
    const response = next();
    // Only a list answer is broken; a 401 or 400 stays as the reference server gave it.
    return isListRequest(request) && response.status === 200 ? transform(response, request) : response;
  };
}

/** Every answer with its Content-Type replaced, or removed when `type` is undefined. */
function withContentType(type: string | undefined): Breakage {
  return (_request, next) => {
    const response = next();
    const { 'content-type': _original, ...headers } = response.headers;
    return { ...response, headers: type === undefined ? headers : { ...headers, 'content-type': type } };
  };
}

const HTML_PAGE = '<!DOCTYPE html><html><head><title>Acme</title></head><body><h1>Welcome to Acme</h1></body></html>';

export const gallery: BrokenServer[] = [
  {
    name: 'empty-body',
    cause: 'empty store answered with an empty body',
    expected: ['HTTP_BODY_EMPTY'],
    start: () =>
      startBroken(
        listBreakage((r) => ({ ...r, body: '' })),
        { seeded: false },
      ),
  },
  {
    name: 'null-body',
    cause: 'empty store answered with null',
    expected: ['LIST_NOT_AN_OBJECT'],
    start: () =>
      startBroken(
        listBreakage((r) => ({ ...r, body: 'null' })),
        { seeded: false },
      ),
  },
  {
    name: 'bare-array',
    cause: 'empty store answered with a bare []',
    expected: ['LIST_NOT_AN_OBJECT'],
    start: () =>
      startBroken(
        listBreakage((r) => withBody(r, parsed(r)['Resources'])),
        { seeded: false },
      ),
  },
  {
    name: 'resources-missing',
    cause: 'ListResponse without Resources',
    expected: ['LIST_RESOURCES_PRESENT'],
    start: () =>
      startBroken(
        listBreakage((r) => {
          const { Resources: _dropped, ...rest } = parsed(r);
          return withBody(r, rest);
        }),
        { seeded: false },
      ),
  },
  {
    name: 'schemas-missing',
    cause: 'ListResponse without schemas',
    expected: ['LIST_SCHEMAS'],
    start: () =>
      startBroken(
        listBreakage((r) => {
          const { schemas: _dropped, ...rest } = parsed(r);
          return withBody(r, rest);
        }),
      ),
  },
  {
    name: 'numbers-as-strings',
    cause: 'paging numbers sent as strings',
    expected: ['LIST_TOTAL_RESULTS', 'LIST_PAGING_NUMBERS'],
    start: () =>
      startBroken(
        listBreakage((r) => {
          const body = parsed(r);
          for (const name of ['totalResults', 'startIndex', 'itemsPerPage']) body[name] = String(body[name]);
          return withBody(r, body);
        }),
      ),
  },
  {
    name: 'base-url-ends-with-users',
    cause: 'Base URL ends in /Users',
    expected: ['BASE_URL_ENDS_WITH_RESOURCE', 'HTTP_STATUS'],
    start: () => startBroken((_request, next) => next(), { basePath: `${BASE_PATH}/Users` }),
  },
  {
    name: 'site-root',
    cause: 'Base URL points at the site root, which serves a web page',
    expected: ['HTTP_HTML_PAGE'],
    start: () =>
      startBroken((request, next) => (request.path.startsWith(BASE_PATH) ? next() : { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: HTML_PAGE }), {
        basePath: '',
      }),
  },
  {
    name: 'login-redirect',
    cause: 'Base URL redirects to a login page',
    expected: ['HTTP_REDIRECT'],
    start: () => startBroken(() => ({ status: 302, headers: { location: '/login?next=%2Fscim%2Fv2%2FUsers' }, body: '' })),
  },
  {
    name: 'json-as-text-html',
    cause: 'JSON labelled text/html',
    expected: ['CONTENT_TYPE_NOT_JSON'],
    start: () => startBroken(withContentType('text/html')),
  },
  {
    name: 'json-as-text-plain',
    cause: 'JSON labelled text/plain',
    expected: ['CONTENT_TYPE_NOT_JSON'],
    start: () => startBroken(withContentType('text/plain; charset=utf-8')),
  },
  {
    name: 'no-content-type',
    cause: 'no Content-Type at all',
    expected: ['CONTENT_TYPE_NOT_JSON'],
    start: () => startBroken(withContentType(undefined)),
  },
  {
    name: 'query-string-dropped',
    cause: 'a proxy drops the query string (filter, startIndex, count)',
    expected: ['FILTER_UNKNOWN_USER_EMPTY', 'LIST_COUNT_RESPECTED'],
    start: () =>
      startBroken((request, next) => {
        if (isListRequest(request)) request.query = new URLSearchParams();
        return next();
      }),
  },
  {
    name: 'filter-ignored',
    cause: 'the server ignores the filter',
    expected: ['FILTER_UNKNOWN_USER_EMPTY'],
    start: () =>
      startBroken((request, next) => {
        request.query.delete('filter');
        return next();
      }),
  },
  {
    name: 'unknown-user-404',
    cause: 'a filter that matches nobody is answered 404',
    expected: ['FILTER_UNKNOWN_USER_EMPTY'],
    start: () =>
      startBroken((request, next) => {
        const response = next();
        const matchedNobody = request.query.has('filter') && isListRequest(request) && parsed(response)['totalResults'] === 0;
        return matchedNobody
          ? { status: 404, headers: JSON_TYPE, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'User not found' }) }
          : response;
      }),
  },
  {
    name: 'waf-blocks-queries',
    cause: 'a WAF answers requests with a query string with its own page',
    expected: ['HTTP_HTML_PAGE'],
    start: () =>
      startBroken((request, next) =>
        [...request.query.keys()].length > 0
          ? { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Request blocked. Support ID: 1234</body></html>' }
          : next(),
      ),
  },
  {
    name: 'json-not-scim-json',
    cause: 'application/json instead of application/scim+json (a SHOULD of RFC 7644)',
    expected: ['CONTENT_TYPE_NOT_SCIM'],
    strict: true,
    start: () => startBroken(withContentType('application/json; charset=utf-8')),
  },
  {
    name: 'items-per-page-wrong',
    cause: 'itemsPerPage is the requested count, not the number returned',
    expected: ['LIST_ITEMS_PER_PAGE'],
    strict: true,
    start: () =>
      startBroken(
        listBreakage((r, request) => {
          const body = parsed(r);
          body['itemsPerPage'] = Number(request.query.get('count') ?? 100);
          return withBody(r, body);
        }),
      ),
  },
  {
    name: 'negative-start-index',
    cause: 'startIndex answered as 0',
    // For Okta the wrong echo is what breaks its import; the schema finding is a warning there.
    expected: ['PAGING_ONE_BASED', 'LIST_SHAPE'],
    start: () => startBroken(listBreakage((r) => withBody(r, { ...parsed(r), startIndex: 0 }))),
  },
  {
    name: 'users-without-names',
    cause: 'listed users without the name Okta reads',
    expected: ['OKTA_USER_ATTRIBUTES'],
    start: () =>
      startBroken(
        listBreakage((r) => {
          const body = parsed(r);
          const resources = (body['Resources'] as Array<Record<string, unknown>>).map(({ name: _name, ...rest }) => rest);
          return withBody(r, { ...body, Resources: resources });
        }),
      ),
  },
  {
    name: 'active-as-string',
    cause: 'active sent as the string "true"',
    expected: ['USER_SCHEMA'],
    start: () =>
      startBroken(
        listBreakage((r) => {
          const body = parsed(r);
          const resources = (body['Resources'] as Array<Record<string, unknown>>).map((user) => ('active' in user ? { ...user, active: String(user['active']) } : user));
          return withBody(r, { ...body, Resources: resources });
        }),
      ),
  },
  {
    name: 'slow-groups',
    cause: 'GET /Groups takes 700 ms (Okta SPEC test allows 600)',
    expected: ['GROUPS_ANSWER_QUICKLY'],
    strict: true,
    start: () =>
      startBroken(async (request, next) => {
        if (isListRequest(request) && /\/Groups\/?$/i.test(request.path)) await new Promise((resolve) => setTimeout(resolve, 700));
        return next();
      }),
  },
];

/** Servers that cannot be used at all: the run must stop at the preflight with one diagnosis. */
export const unusable: Array<Omit<BrokenServer, 'expected'> & { summary: RegExp }> = [
  {
    name: 'rejects-token',
    cause: 'the server refuses the token',
    summary: /refused the credentials \(401\)/,
    start: () =>
      startBroken(() => ({
        status: 401,
        headers: JSON_TYPE,
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: 'Invalid token' }),
      })),
  },
  {
    name: 'down',
    cause: 'nothing listens at the Base URL',
    summary: /Cannot reach .*connection was refused/,
    start: async () => {
      const server = await startBroken((_request, next) => next());
      await server.close();
      // Closed already: closing it again after the run has nothing left to do.
      return { baseUrl: server.baseUrl, close: async () => {} };
    },
  },
];
