/**
 * Servers that get exactly one step of the write path wrong: one per lifecycle rule. Each is the
 * reference server behind a function that breaks that step, so the lifecycle that exercises it must
 * fail with the rule's code.
 */
import type { ScimService } from '../../src/reference-server/index.js';
import type { ScimRequest, ScimResponse } from '../../src/reference-server/types.js';
import type { Breakage } from './recording.js';

export type FlowName = 'okta' | 'entra' | 'group' | 'bad' | 'etag';

export interface BrokenWriteServer {
  name: string;
  flow: FlowName;
  /** The code that must fail. */
  expected: string;
  breakage: Breakage;
  /** The breakage keeps resources the cleanup deletes (it lies about DELETE): they may remain. */
  keepsDeleted?: boolean;
}

type Json = Record<string, unknown>;
const JSON_TYPE = { 'content-type': 'application/scim+json; charset=utf-8' };
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

const is = (request: ScimRequest, method: string, pattern: RegExp) => request.method.toUpperCase() === method && pattern.test(request.path);
const USERS = /\/Users\/?$/;
const USER = /\/Users\/[^/]+$/;
const GROUPS = /\/Groups\/?$/;
const GROUP = /\/Groups\/[^/]+$/;

function requestJson(request: ScimRequest): Json {
  try {
    const value = JSON.parse(request.body) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
  } catch {
    return {};
  }
}

function responseJson(response: ScimResponse): Json {
  return response.body === undefined || response.body === '' ? {} : (JSON.parse(response.body) as Json);
}

function reply(status: number, body?: unknown, headers: Record<string, string> = {}): ScimResponse {
  return body === undefined ? { status, headers } : { status, headers: { ...JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

function error(status: number, detail: string, scimType?: string): ScimResponse {
  return reply(status, { schemas: [ERROR], status: String(status), ...(scimType === undefined ? {} : { scimType }), detail });
}

function withBody(request: ScimRequest, body: unknown): ScimRequest {
  return { ...request, body: JSON.stringify(body) };
}

function operations(request: ScimRequest): Json[] {
  const ops = requestJson(request)['Operations'];
  return Array.isArray(ops) ? (ops as Json[]) : [];
}

/** The resource at the request's path, as GET returns it. */
function current(request: ScimRequest, service: ScimService): ScimResponse {
  return service.handle({ ...request, method: 'GET', body: '', query: new URLSearchParams() });
}

/** Every JSON answer with `edit` applied to its body (and to each Resources entry). */
function editAnswers(edit: (resource: Json) => void, when: (request: ScimRequest) => boolean = () => true): Breakage {
  return (request, service) => {
    const response = service.handle(request);
    if (!when(request) || response.body === undefined || response.body === '') return response;
    const body = responseJson(response);
    if (Array.isArray(body['Resources'])) for (const resource of body['Resources'] as Json[]) edit(resource);
    else edit(body);
    return { ...response, body: JSON.stringify(body) };
  };
}

const userNameFilter = (request: ScimRequest) => /userName eq "([^"]*)"/i.exec(request.query.get('filter') ?? '')?.[1];

/** Twins made so far by the server that accepts duplicates: each gets a name of its own. */
let twins = 0;

export const writeGallery: BrokenWriteServer[] = [
  // Okta's user lifecycle.
  {
    name: 'lookup-404',
    flow: 'okta',
    expected: 'USER_LOOKUP_BEFORE_CREATE',
    breakage: (request, service) => {
      const response = service.handle(request);
      return is(request, 'GET', USERS) && request.query.has('filter') && responseJson(response)['totalResults'] === 0 ? error(404, 'User not found') : response;
    },
  },
  {
    name: 'create-200',
    flow: 'okta',
    expected: 'USER_CREATE_STATUS',
    breakage: (request, service) => {
      const response = service.handle(request);
      return is(request, 'POST', USERS) && response.status === 201 ? { ...response, status: 200 } : response;
    },
  },
  {
    name: 'create-empty-body',
    flow: 'okta',
    expected: 'USER_CREATE_RETURNS_RESOURCE',
    breakage: (request, service) => {
      const response = service.handle(request);
      return is(request, 'POST', USERS) && response.status === 201 ? { status: 201, headers: { location: response.headers['location'] ?? '' }, body: '' } : response;
    },
  },
  {
    name: 'create-no-location',
    flow: 'okta',
    expected: 'USER_CREATE_LOCATION',
    breakage: (request, service) => {
      const response = service.handle(request);
      if (!is(request, 'POST', USERS)) return response;
      const { location: _dropped, ...headers } = response.headers;
      return { ...response, headers };
    },
  },
  {
    name: 'create-no-meta-created',
    flow: 'okta',
    expected: 'USER_CREATE_META',
    breakage: editAnswers(
      (user) => delete (user['meta'] as Json | undefined)?.['created'],
      (request) => is(request, 'POST', USERS),
    ),
  },
  {
    name: 'active-as-string',
    flow: 'okta',
    expected: 'USER_ACTIVE_BOOLEAN',
    breakage: editAnswers((user) => {
      if (typeof user['active'] === 'boolean') user['active'] = String(user['active']);
    }),
  },
  {
    name: 'password-echoed',
    flow: 'okta',
    expected: 'USER_PASSWORD_NEVER_RETURNED',
    breakage: (request, service) => {
      const response = service.handle(request);
      const password = requestJson(request)['password'];
      if (!is(request, 'POST', USERS) || response.status !== 201 || password === undefined) return response;
      return { ...response, body: JSON.stringify({ ...responseJson(response), password }) };
    },
  },
  {
    name: 'get-by-id-as-list',
    flow: 'okta',
    expected: 'USER_GET_BY_ID',
    breakage: (request, service) => {
      const response = service.handle(request);
      if (!is(request, 'GET', USER) || response.status !== 200) return response;
      const user = responseJson(response);
      return reply(200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [user] });
    },
  },
  {
    name: 'username-filter-finds-nothing',
    flow: 'okta',
    expected: 'USER_FILTER_FINDS_CREATED',
    breakage: (request, service) =>
      is(request, 'GET', USERS) && userNameFilter(request) !== undefined
        ? reply(200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] })
        : service.handle(request),
  },
  {
    name: 'username-filter-case-sensitive',
    flow: 'okta',
    expected: 'USER_FILTER_ANY_CASE',
    breakage: (request, service) => {
      const value = userNameFilter(request);
      return is(request, 'GET', USERS) && value !== undefined && value !== value.toLowerCase()
        ? reply(200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] })
        : service.handle(request);
    },
  },
  {
    name: 'duplicates-accepted',
    flow: 'okta',
    expected: 'USER_DUPLICATE_CONFLICT',
    breakage: (request, service) => {
      const response = service.handle(request);
      if (!is(request, 'POST', USERS) || response.status !== 409) return response;
      const body = requestJson(request);
      // Stored under a twin name: still the run's, so the cleanup must find and remove it. Each twin
      // its own: two duplicates (one differing in case only) must not collide as twins, in whichever
      // order the concurrent checks send them.
      twins++;
      return service.handle(withBody(request, { ...body, userName: `${String(body['userName'])}.twin-${twins}` }));
    },
  },
  {
    name: 'conflict-without-scimtype',
    flow: 'okta',
    expected: 'USER_DUPLICATE_UNIQUENESS',
    breakage: (request, service) => {
      const response = service.handle(request);
      return is(request, 'POST', USERS) && response.status === 409 ? reply(409, { schemas: [ERROR], status: '409', detail: 'exists' }) : response;
    },
  },
  {
    name: 'uniqueness-case-sensitive',
    flow: 'okta',
    expected: 'USER_DUPLICATE_ANY_CASE',
    breakage: (request, service) => {
      const response = service.handle(request);
      const userName = String(requestJson(request)['userName'] ?? '');
      if (!is(request, 'POST', USERS) || response.status !== 409 || userName === userName.toLowerCase()) return response;
      return service.handle(withBody(request, { ...requestJson(request), userName: `${userName.toLowerCase()}.twin` }));
    },
  },
  {
    name: 'put-ignored',
    flow: 'okta',
    expected: 'USER_PUT_REPLACES',
    breakage: (request, service) => (is(request, 'PUT', USER) ? current(request, service) : service.handle(request)),
  },
  {
    name: 'no-path-patch-refused',
    flow: 'okta',
    expected: 'USER_DEACTIVATE_PATCH',
    breakage: (request, service) =>
      is(request, 'PATCH', USER) && operations(request).some((op) => op['path'] === undefined) ? error(400, 'path is required', 'invalidPath') : service.handle(request),
  },
  {
    name: 'inactive-users-404',
    flow: 'okta',
    expected: 'USER_DEACTIVATED_READABLE',
    breakage: (request, service) => {
      const response = service.handle(request);
      return is(request, 'GET', USER) && responseJson(response)['active'] === false ? error(404, 'User not found') : response;
    },
  },
  {
    name: 'inactive-users-unlisted',
    flow: 'okta',
    expected: 'USER_DEACTIVATED_FINDABLE',
    breakage: (request, service) => {
      const response = service.handle(request);
      if (!is(request, 'GET', USERS) || response.status !== 200) return response;
      const body = responseJson(response);
      const resources = (body['Resources'] as Json[]).filter((user) => user['active'] !== false);
      return reply(200, { ...body, totalResults: resources.length, itemsPerPage: resources.length, Resources: resources });
    },
  },
  {
    name: 'reactivation-ignored',
    flow: 'okta',
    expected: 'USER_REACTIVATE_PATCH',
    breakage: (request, service) =>
      is(request, 'PATCH', USER) && operations(request).some((op) => (op['value'] as Json | undefined)?.['active'] === true) ? current(request, service) : service.handle(request),
  },
  {
    name: 'password-push-500',
    flow: 'okta',
    expected: 'USER_PASSWORD_PUSH',
    breakage: (request, service) => (is(request, 'PATCH', USER) && request.body.includes('"password"') ? error(500, 'NullPointerException') : service.handle(request)),
  },

  // Entra's user lifecycle.
  {
    name: 'external-id-filter-ignored',
    flow: 'entra',
    expected: 'USER_MATCH_EXTERNAL_ID',
    breakage: (request, service) => {
      if (is(request, 'GET', USERS) && /^externalId/i.test(request.query.get('filter') ?? '')) request.query.delete('filter');
      return service.handle(request);
    },
  },
  {
    name: 'email-value-path-refused',
    flow: 'entra',
    expected: 'USER_MATCH_WORK_EMAIL',
    breakage: (request, service) =>
      is(request, 'GET', USERS) && (request.query.get('filter') ?? '').includes('[') ? error(400, 'Unsupported filter', 'invalidFilter') : service.handle(request),
  },
  {
    name: 'capitalised-ops-refused',
    flow: 'entra',
    expected: 'PATCH_OP_CAPITALISED',
    breakage: (request, service) =>
      is(request, 'PATCH', USER) && operations(request).some((op) => typeof op['op'] === 'string' && op['op'] !== op['op'].toLowerCase())
        ? error(400, 'Unknown op', 'invalidSyntax')
        : service.handle(request),
  },
  {
    name: 'first-operation-only',
    flow: 'entra',
    expected: 'PATCH_SEVERAL_OPERATIONS',
    breakage: (request, service) => {
      if (!is(request, 'PATCH', USER)) return service.handle(request);
      const body = requestJson(request);
      return service.handle(withBody(request, { ...body, Operations: operations(request).slice(0, 1) }));
    },
  },
  {
    name: 'active-string-refused',
    flow: 'entra',
    expected: 'PATCH_ACTIVE_STRING',
    breakage: (request, service) =>
      is(request, 'PATCH', USER) && operations(request).some((op) => op['value'] === 'False') ? error(400, 'active must be a boolean', 'invalidValue') : service.handle(request),
  },
  {
    name: 'false-stored-as-string',
    flow: 'entra',
    expected: 'USER_ACTIVE_BOOLEAN',
    breakage: (() => {
      const stringy = new Set<string>();
      return (request: ScimRequest, service: ScimService) => {
        const id = request.path.split('/').pop() ?? '';
        if (is(request, 'PATCH', USER) && operations(request).some((op) => op['value'] === 'False')) stringy.add(id);
        const response = service.handle(request);
        if (!is(request, 'GET', USER) || !stringy.has(id) || response.status !== 200) return response;
        return { ...response, body: JSON.stringify({ ...responseJson(response), active: 'False' }) };
      };
    })(),
  },
  {
    name: 'dotted-keys-ignored',
    flow: 'entra',
    expected: 'PATCH_NO_PATH_DOTTED_KEYS',
    breakage: (request, service) => {
      if (!is(request, 'PATCH', USER)) return service.handle(request);
      const ops = operations(request).map((op) =>
        op['path'] === undefined && typeof op['value'] === 'object' && op['value'] !== null
          ? { ...op, value: Object.fromEntries(Object.entries(op['value'] as Json).filter(([key]) => !key.includes('.'))) }
          : op,
      );
      return service.handle(withBody(request, { ...requestJson(request), Operations: ops }));
    },
  },
  {
    name: 'delete-200',
    flow: 'entra',
    expected: 'USER_DELETE_NO_CONTENT',
    breakage: (request, service) => {
      const response = service.handle(request);
      return is(request, 'DELETE', USER) && response.status === 204 ? reply(200, { deleted: true }) : response;
    },
  },
  {
    name: 'delete-does-nothing',
    flow: 'entra',
    expected: 'USER_DELETED_GONE',
    keepsDeleted: true,
    breakage: (request, service) => (is(request, 'DELETE', USER) ? reply(204) : service.handle(request)),
  },
  {
    name: 'second-delete-500',
    flow: 'entra',
    expected: 'USER_DELETE_TWICE_404',
    breakage: (request, service) => {
      const response = service.handle(request);
      return is(request, 'DELETE', USER) && response.status === 404 ? error(500, 'Cannot read properties of undefined') : response;
    },
  },

  // Groups.
  {
    name: 'empty-members-refused',
    flow: 'group',
    expected: 'GROUP_CREATE',
    breakage: (request, service) =>
      is(request, 'POST', GROUPS) && Array.isArray(requestJson(request)['members']) && (requestJson(request)['members'] as unknown[]).length === 0
        ? error(400, 'members must not be empty', 'invalidValue')
        : service.handle(request),
  },
  {
    name: 'group-filter-ignored',
    flow: 'group',
    expected: 'GROUP_FIND_BY_DISPLAY_NAME',
    breakage: (request, service) => {
      if (is(request, 'GET', GROUPS)) request.query.delete('filter');
      return service.handle(request);
    },
  },
  {
    name: 'excluded-attributes-ignored',
    flow: 'group',
    expected: 'GROUP_EXCLUDED_MEMBERS',
    breakage: (request, service) => {
      if (/\/Groups/.test(request.path)) request.query.delete('excludedAttributes');
      return service.handle(request);
    },
  },
  {
    // As Jackson (BoxyHQ) does: membership kept apart, never in a group answer.
    name: 'members-never-returned',
    flow: 'group',
    expected: 'GROUP_MEMBERS_RETURNED',
    breakage: editAnswers(
      (group) => delete group['members'],
      (request) => /\/Groups/.test(request.path),
    ),
  },
  {
    name: 'member-add-ignored',
    flow: 'group',
    expected: 'GROUP_ADD_MEMBER',
    breakage: (request, service) => (is(request, 'PATCH', GROUP) && operations(request).some((op) => op['op'] === 'add') ? reply(204) : service.handle(request)),
  },
  {
    name: 'member-filter-remove-ignored',
    flow: 'group',
    expected: 'GROUP_REMOVE_MEMBER_BY_FILTER',
    breakage: (request, service) => (is(request, 'PATCH', GROUP) && operations(request).some((op) => String(op['path']).includes('[')) ? reply(204) : service.handle(request)),
  },
  {
    name: 'member-replace-ignored',
    flow: 'group',
    expected: 'GROUP_REPLACE_MEMBERS',
    breakage: (request, service) =>
      is(request, 'PATCH', GROUP) && operations(request).some((op) => op['op'] === 'replace' && op['path'] === 'members') ? reply(204) : service.handle(request),
  },
  {
    name: 'remove-by-value-removes-all',
    flow: 'group',
    expected: 'GROUP_REMOVE_MEMBER_BY_VALUE',
    breakage: (request, service) => {
      if (!is(request, 'PATCH', GROUP)) return service.handle(request);
      const ops = operations(request).map((op) => (op['op'] === 'Remove' ? { op: 'remove', path: 'members' } : op));
      return service.handle(withBody(request, { ...requestJson(request), Operations: ops }));
    },
  },
  {
    name: 'group-patch-200-empty',
    flow: 'group',
    expected: 'GROUP_PATCH_ANSWER',
    breakage: (request, service) => {
      const response = service.handle(request);
      return is(request, 'PATCH', GROUP) && response.status === 204 ? reply(200, {}) : response;
    },
  },
  {
    name: 'group-patch-200-with-group',
    flow: 'group',
    expected: 'GROUP_PATCH_NO_CONTENT',
    breakage: (request, service) => {
      const response = service.handle(request);
      return is(request, 'PATCH', GROUP) && response.status === 204 ? current(request, service) : response;
    },
  },
  {
    name: 'rename-with-id-refused',
    flow: 'group',
    expected: 'GROUP_RENAME_PATCH',
    breakage: (request, service) =>
      is(request, 'PATCH', GROUP) && operations(request).some((op) => op['path'] === undefined) ? error(400, 'id is readOnly', 'mutability') : service.handle(request),
  },
  {
    name: 'put-keeps-display-name',
    flow: 'group',
    expected: 'GROUP_RENAME_PUT',
    breakage: (request, service) => {
      if (!is(request, 'PUT', GROUP)) return service.handle(request);
      const displayName = responseJson(current(request, service))['displayName'];
      return service.handle(withBody(request, { ...requestJson(request), displayName }));
    },
  },
  {
    name: 'group-delete-200',
    flow: 'group',
    expected: 'GROUP_DELETE',
    breakage: (request, service) => {
      const response = service.handle(request);
      return is(request, 'DELETE', GROUP) && response.status === 204 ? reply(200, {}) : response;
    },
  },
  {
    name: 'group-delete-cascades',
    flow: 'group',
    expected: 'GROUP_DELETE_KEEPS_MEMBERS',
    breakage: (request, service) => {
      if (!is(request, 'DELETE', GROUP)) return service.handle(request);
      const members = responseJson(current(request, service))['members'];
      const response = service.handle(request);
      for (const member of Array.isArray(members) ? (members as Json[]) : []) {
        service.handle({ ...request, path: request.path.replace(/\/Groups\/[^/]+$/, `/Users/${String(member['value'])}`) });
      }
      return response;
    },
  },

  // Bad input.
  {
    name: 'username-not-required',
    flow: 'bad',
    expected: 'INPUT_MISSING_USERNAME',
    breakage: (request, service) => {
      const body = requestJson(request);
      return is(request, 'POST', USERS) && body['userName'] === undefined && typeof body['externalId'] === 'string'
        ? service.handle(withBody(request, { ...body, userName: body['externalId'] }))
        : service.handle(request);
    },
  },
  {
    name: 'junk-body-500',
    flow: 'bad',
    expected: 'INPUT_UNPARSEABLE_BODY',
    breakage: (request, service) => (request.body !== '' && Object.keys(requestJson(request)).length === 0 ? error(500, 'SyntaxError: Unexpected token') : service.handle(request)),
  },
  {
    name: 'junk-body-invalid-value',
    flow: 'bad',
    expected: 'INPUT_INVALID_SYNTAX_TYPE',
    breakage: (request, service) => (request.body !== '' && Object.keys(requestJson(request)).length === 0 ? error(400, 'Bad JSON', 'invalidValue') : service.handle(request)),
  },
  {
    name: 'errors-as-plain-text',
    flow: 'bad',
    expected: 'INPUT_ERROR_BODY',
    breakage: (request, service) => {
      const response = service.handle(request);
      return response.status === 400 ? { status: 400, headers: { 'content-type': 'text/plain' }, body: 'Bad Request' } : response;
    },
  },
  {
    name: 'unknown-attribute-500',
    flow: 'bad',
    expected: 'INPUT_UNKNOWN_ATTRIBUTE',
    breakage: (request, service) => ('adreses' in requestJson(request) ? error(500, 'column "adreses" does not exist') : service.handle(request)),
  },
  {
    name: 'wrong-type-500',
    flow: 'bad',
    expected: 'INPUT_WRONG_TYPE',
    breakage: (request, service) => (typeof requestJson(request)['emails'] === 'string' ? error(500, 'emails.map is not a function') : service.handle(request)),
  },
  {
    name: 'active-true-string-refused',
    flow: 'bad',
    expected: 'INPUT_ACTIVE_STRING_TRUE',
    breakage: (request, service) => (requestJson(request)['active'] === 'True' ? error(400, 'active must be a boolean', 'invalidValue') : service.handle(request)),
  },

  // ETag.
  {
    name: 'etag-header-missing',
    flow: 'etag',
    expected: 'ETAG_HEADER_MATCHES_VERSION',
    breakage: (request, service) => {
      const response = service.handle(request);
      if (!is(request, 'GET', USER)) return response;
      const { etag: _dropped, ...headers } = response.headers;
      return { ...response, headers };
    },
  },
  {
    name: 'if-none-match-ignored',
    flow: 'etag',
    expected: 'ETAG_IF_NONE_MATCH_304',
    breakage: (request, service) => {
      delete request.headers['if-none-match'];
      return service.handle(request);
    },
  },
  {
    name: 'if-match-always-412',
    flow: 'etag',
    expected: 'ETAG_IF_MATCH_CURRENT',
    breakage: (request, service) => (request.headers['if-match'] !== undefined ? error(412, 'Precondition failed') : service.handle(request)),
  },
  {
    name: 'version-never-changes',
    flow: 'etag',
    expected: 'ETAG_CHANGES_ON_UPDATE',
    breakage: (request, service) => {
      if (request.headers['if-match'] !== undefined) delete request.headers['if-match'];
      const response = service.handle(request);
      if (response.body === undefined || !is(request, 'GET', USER)) return response;
      const body = responseJson(response);
      (body['meta'] as Json)['version'] = 'W/"1"';
      return { ...response, headers: { ...response.headers, etag: 'W/"1"' }, body: JSON.stringify(body) };
    },
  },
  {
    name: 'if-match-ignored-on-put',
    flow: 'etag',
    expected: 'ETAG_IF_MATCH_STALE_412',
    breakage: (request, service) => {
      if (is(request, 'PUT', USER)) delete request.headers['if-match'];
      return service.handle(request);
    },
  },
];
