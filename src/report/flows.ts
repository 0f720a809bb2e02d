import type { Client } from '../config.js';

/**
 * The flows an admin triggers in each client, and for the RFC its areas: the one list the verdict
 * tells its story by. Each flow names the client behaviour it rests on (`../shared/SCIM-CLIENTS.md`
 * and the clients' published tests in `../shared/anchors/`), and the checks that make it up.
 */

/** Where in an admin's day a flow belongs; the overall line says which stages are ready. */
export type Stage = 'connection' | 'import' | 'provisioning' | 'OIN submission' | 'gallery submission' | 'core protocol' | 'optional features';

/**
 * Checks by rule code. A code that several spec files judge (the response and ListResponse rules
 * are judged on every list request) belongs here only where `within` names the block that sends
 * this flow's request: a describe title, which starts the test's full name.
 */
export interface FlowChecks {
  codes: readonly string[];
  within?: string;
}

export interface Flow {
  name: string;
  stage: Stage;
  /** The client behaviour the flow rests on, with where it is written. */
  basis: string;
  checks: readonly FlowChecks[];
}

/** Describe titles of the spec files (the start of each test's full name). */
export const BLOCKS = {
  credentials: 'Base URL and credentials',
  oktaConnection: 'Okta "Test Connector Configuration"',
  entraConnection: 'Entra "Test Connection"',
  groupImport: 'Okta group import',
  paging: 'Paging through GET /Users',
  pages: 'Every page is a ListResponse',
  byId: 'GET /Users/{id} and /Groups/{id}',
  oktaUser: 'Okta provisions a user',
  entraUser: 'Entra provisions a user',
  badInput: 'Bad input',
  groups: 'Groups: create, find, membership, rename, delete',
} as const;

const ANSWER = ['HTTP_NO_ANSWER', 'HTTP_REDIRECT', 'HTTP_HTML_PAGE', 'HTTP_STATUS', 'HTTP_BODY_EMPTY', 'HTTP_BODY_NOT_JSON', 'CONTENT_TYPE_NOT_JSON'];
const LIST = ['LIST_NOT_AN_OBJECT', 'LIST_SCHEMAS', 'LIST_TOTAL_RESULTS', 'LIST_RESOURCES_PRESENT', 'LIST_SHAPE'];
const PAGED_LIST = [...LIST, 'LIST_PAGING_NUMBERS'];
/** What only the RFC asks of a list: neither client reads itemsPerPage or sends a count it could exceed. */
const RFC_LIST = ['LIST_ITEMS_PER_PAGE', 'LIST_COUNT_RESPECTED'];
// AUTH_OAUTH_TOKEN is reported by the PREFLIGHT test (src/suite/preflight.ts): PREFLIGHT stands for it.
const CREDENTIALS: FlowChecks = { within: BLOCKS.credentials, codes: ['PREFLIGHT', 'BASE_URL_ENDS_WITH_RESOURCE', 'AUTH_TOKEN_ACCEPTED'] };
const REFUSED = ['AUTH_NO_CREDENTIALS_REFUSED', 'AUTH_WRONG_TOKEN_REFUSED', 'AUTH_ERROR_BODY'];
const ERROR_BODY = ['ERROR_NOT_FOUND_STATUS', 'ERROR_SCHEMAS', 'ERROR_STATUS_STRING', 'ERROR_DETAIL'];
const DUPLICATES = ['USER_DUPLICATE_CONFLICT', 'USER_DUPLICATE_UNIQUENESS', 'USER_DUPLICATE_ANY_CASE'];
/** Okta's import walk; Entra does not page, and no client asks for a page past the end. */
const PAGING = ['PAGING_ONE_BASED', 'PAGING_TOTAL_STABLE', 'PAGING_WALK_COMPLETE'];
/**
 * The flows that send PATCH (SCIM-CLIENTS.md: Okta's OIN deactivate, group rename and membership;
 * Entra's every update, soft delete and group change) break when the server has none: the one cause
 * each of them names (src/suite/capabilities.ts). Password push is optional to Okta, and stays a warning.
 */
const PATCH_SENT: FlowChecks = { codes: ['PATCH_IMPLEMENTED'] };
/** What Microsoft's collection sends that is wrong ("Post no username", "Post junk", "Put a user misspelled attribute"). */
const BAD_INPUT = ['INPUT_MISSING_USERNAME', 'INPUT_UNPARSEABLE_BODY', 'INPUT_ERROR_BODY', 'INPUT_UNKNOWN_ATTRIBUTE'];

const OKTA: readonly Flow[] = [
  {
    name: 'Test Connector Configuration',
    stage: 'connection',
    basis: 'SCIM-CLIENTS.md, Okta: connection test GET /Users?startIndex=1&count=2 ("No results for users returned"); anchors/Okta-SCIM-20-SPEC-Test.json "Test Users endpoint"',
    checks: [CREDENTIALS, { within: BLOCKS.oktaConnection, codes: [...ANSWER, ...PAGED_LIST, 'USER_SCHEMA', 'OKTA_USER_ATTRIBUTES'] }],
  },
  {
    name: 'import users',
    stage: 'import',
    basis: 'SCIM-CLIENTS.md, Okta: import pages GET /Users?startIndex=1&count=100, then 101, 201 … until totalResults; anchors/Okta-SCIM-20-SPEC-Test.json "Get Users/{{id}}"',
    checks: [
      { within: BLOCKS.paging, codes: PAGING },
      { within: BLOCKS.pages, codes: ['LIST_TOTAL_RESULTS', 'LIST_PAGING_NUMBERS'] },
      { within: BLOCKS.byId, codes: ['RESOURCE_GET_IS_RESOURCE', 'USER_SCHEMA', 'OKTA_USER_ATTRIBUTES'] },
    ],
  },
  {
    name: 'import groups',
    stage: 'import',
    basis: 'SCIM-CLIENTS.md, Okta groups: GET /Groups?startIndex=1&count=100; anchors/Okta-SCIM-20-SPEC-Test.json "Verify Groups endpoint" (under 600 ms)',
    checks: [{ within: BLOCKS.groupImport, codes: [...ANSWER, ...PAGED_LIST, 'GROUPS_ANSWER_QUICKLY'] }],
  },
  {
    name: 'create user',
    stage: 'provisioning',
    basis: 'SCIM-CLIENTS.md, Okta: existence check GET /Users?filter=userName eq "…", then POST /Users with the full payload, 201 with the resource, 409 for a duplicate',
    checks: [
      { codes: ['FILTER_UNKNOWN_USER_EMPTY', 'FILTER_APPLIED', 'FILTER_USERNAME_EQ', 'FILTER_NO_MATCH_EMPTY'] },
      {
        within: BLOCKS.oktaUser,
        codes: [
          'USER_LOOKUP_BEFORE_CREATE',
          'USER_CREATE_STATUS',
          'USER_CREATE_RETURNS_RESOURCE',
          'WRITE_CREATED_NOT_OURS',
          'USER_ACTIVE_BOOLEAN',
          'USER_GET_BY_ID',
          'USER_FILTER_FINDS_CREATED',
          'USER_FILTER_ANY_CASE',
          ...DUPLICATES,
        ],
      },
    ],
  },
  {
    name: 'update profile (PUT)',
    stage: 'provisioning',
    basis: 'SCIM-CLIENTS.md, Okta: GET /Users/{id} then PUT the whole resource (App Integration Wizard apps); GET /Users/{id} returns the resource itself',
    checks: [{ within: BLOCKS.byId, codes: ['RESOURCE_GET_IS_RESOURCE'] }, { codes: ['USER_PUT_REPLACES'] }],
  },
  {
    name: 'deactivate and reactivate',
    stage: 'provisioning',
    basis:
      'SCIM-CLIENTS.md, Okta: OIN apps use PATCH for activate and deactivate, {"op":"replace","value":{"active":false}} without a path; the user stays readable and findable; anchors/Okta-SCIM-20-CRUD-Test.json',
    checks: [{ within: BLOCKS.oktaUser, codes: ['USER_DEACTIVATE_PATCH', 'USER_DEACTIVATED_READABLE', 'USER_DEACTIVATED_FINDABLE', 'USER_REACTIVATE_PATCH'] }, PATCH_SENT],
  },
  {
    name: 'password push',
    stage: 'provisioning',
    basis: 'SCIM-CLIENTS.md, Okta: OIN apps PATCH the password with a no-path replace',
    checks: [{ codes: ['USER_PASSWORD_PUSH'] }],
  },
  {
    name: 'group push: create',
    stage: 'provisioning',
    basis: 'SCIM-CLIENTS.md, Okta groups: group push first filters displayName eq "…", then POST /Groups {displayName, members: []}',
    checks: [{ codes: ['FILTER_GROUP_DISPLAY_NAME', 'GROUP_CREATE', 'GROUP_FIND_BY_DISPLAY_NAME'] }, { within: BLOCKS.groups, codes: ['WRITE_CREATED_NOT_OURS'] }],
  },
  {
    name: 'group push: rename',
    stage: 'provisioning',
    basis: 'SCIM-CLIENTS.md, Okta groups: rename by PATCH replace value {id, displayName}, or PUT',
    checks: [{ codes: ['GROUP_RENAME_PATCH', 'GROUP_RENAME_PUT', 'GROUP_PATCH_ANSWER'] }, PATCH_SENT],
  },
  {
    name: 'group push: membership',
    stage: 'provisioning',
    basis: 'SCIM-CLIENTS.md, Okta groups: PATCH add on members, remove with path members[value eq "id"], or replace of the whole list',
    checks: [{ codes: ['GROUP_ADD_MEMBER', 'GROUP_REMOVE_MEMBER_BY_FILTER', 'GROUP_REPLACE_MEMBERS', 'GROUP_PATCH_ANSWER'] }, PATCH_SENT],
  },
  {
    name: 'group push: delete',
    stage: 'provisioning',
    basis: 'SCIM-CLIENTS.md, Okta groups: DELETE /Groups/{id} on unlink (204)',
    checks: [{ codes: ['GROUP_DELETE', 'GROUP_DELETE_KEEPS_MEMBERS'] }],
  },
  {
    name: "Okta's SPEC test",
    stage: 'OIN submission',
    basis:
      'anchors/Okta-SCIM-20-SPEC-Test.json, the test Okta asks integrators to pass before OIN submission: "Check status 401", "Check status 404", "Username Case Sensitivity Check", create and recreate a user',
    checks: [
      { codes: [...REFUSED, ...ERROR_BODY, 'FILTER_USERNAME_CASE_INSENSITIVE'] },
      { within: BLOCKS.oktaUser, codes: ['USER_CREATE_STATUS', 'USER_GET_BY_ID', 'USER_DUPLICATE_CONFLICT'] },
    ],
  },
];

const ENTRA: readonly Flow[] = [
  {
    name: 'Test Connection',
    stage: 'connection',
    basis: 'SCIM-CLIENTS.md, Entra: Test Connection filters the matching attribute for a random GUID, expecting 200 and an empty ListResponse',
    checks: [CREDENTIALS, { within: BLOCKS.entraConnection, codes: [...ANSWER, ...LIST, 'FILTER_UNKNOWN_USER_EMPTY'] }],
  },
  {
    name: 'matching an existing user',
    stage: 'provisioning',
    basis: 'SCIM-CLIENTS.md, Entra matching: filter=userName eq, externalId eq or emails[type eq "work"].value eq; only eq and and',
    checks: [
      {
        codes: [
          'FILTER_APPLIED',
          'FILTER_USERNAME_EQ',
          'FILTER_USERNAME_CASE_INSENSITIVE',
          'FILTER_EXTERNAL_ID_EQ',
          'FILTER_EMAILS_WORK_VALUE',
          'FILTER_AND',
          'FILTER_NO_MATCH_EMPTY',
        ],
      },
      { codes: ['USER_MATCH_EXTERNAL_ID', 'USER_MATCH_WORK_EMAIL'] },
      { within: BLOCKS.oktaUser, codes: ['USER_LOOKUP_BEFORE_CREATE', 'USER_FILTER_FINDS_CREATED', 'USER_FILTER_ANY_CASE'] },
    ],
  },
  {
    name: 'create',
    stage: 'provisioning',
    basis: 'SCIM-CLIENTS.md, Entra: POST /Users after matching found nothing; anchors/ms-scim-tests.postman_collection.json "Post User", "Post emp3 exists"',
    checks: [
      { within: BLOCKS.oktaUser, codes: ['USER_CREATE_STATUS', 'USER_CREATE_RETURNS_RESOURCE', 'USER_ACTIVE_BOOLEAN', 'USER_GET_BY_ID', ...DUPLICATES] },
      { within: BLOCKS.entraUser, codes: ['WRITE_CREATED_NOT_OURS'] },
    ],
  },
  {
    name: 'update (PATCH)',
    stage: 'provisioning',
    basis: 'SCIM-CLIENTS.md, Entra PATCH: capitalised ops, one operation per attribute, and with aadOptscim062020 a no-path replace with dotted keys',
    checks: [{ codes: ['PATCH_OP_CAPITALISED', 'PATCH_SEVERAL_OPERATIONS', 'PATCH_NO_PATH_DOTTED_KEYS', 'DISCOVERY_PATCH_ADVERTISED'] }, PATCH_SENT],
  },
  {
    name: 'soft delete',
    stage: 'provisioning',
    basis: 'SCIM-CLIENTS.md, Entra: soft delete is {"op":"Replace","path":"active","value":"False"} and the user must still be returned',
    checks: [{ within: BLOCKS.entraUser, codes: ['PATCH_ACTIVE_STRING', 'USER_DEACTIVATED_READABLE', 'USER_DEACTIVATED_FINDABLE'] }, PATCH_SENT],
  },
  {
    name: 'hard delete',
    stage: 'provisioning',
    basis: 'SCIM-CLIENTS.md, Entra: DELETE only on hard delete; anchors/ms-scim-tests.postman_collection.json "Delete user1"',
    checks: [{ codes: ['USER_DELETE_NO_CONTENT', 'USER_DELETED_GONE', 'USER_DELETE_TWICE_404'] }],
  },
  {
    name: 'group provisioning',
    stage: 'provisioning',
    basis:
      'SCIM-CLIENTS.md, Entra groups: GET /Groups?excludedAttributes=members&filter=displayName eq "…", members removed with {"op":"Remove","path":"members","value":[…]}, group PATCH answers 204',
    checks: [
      {
        codes: [
          'FILTER_GROUP_DISPLAY_NAME',
          'QUERY_EXCLUDE_MEMBERS',
          'GROUP_CREATE',
          'GROUP_FIND_BY_DISPLAY_NAME',
          'GROUP_EXCLUDED_MEMBERS',
          'GROUP_ADD_MEMBER',
          'GROUP_REMOVE_MEMBER_BY_FILTER',
          'GROUP_REMOVE_MEMBER_BY_VALUE',
          'GROUP_PATCH_ANSWER',
          'GROUP_PATCH_NO_CONTENT',
          'GROUP_RENAME_PUT',
          'GROUP_DELETE',
          'GROUP_DELETE_KEEPS_MEMBERS',
        ],
      },
      { within: BLOCKS.groups, codes: ['WRITE_CREATED_NOT_OURS'] },
      PATCH_SENT,
    ],
  },
  {
    name: "Microsoft's SCIM tests",
    stage: 'gallery submission',
    basis:
      'anchors/ms-scim-tests.postman_collection.json, the collection behind Entra gallery validation: discovery, "Paginate", attributes=, 401 and 404 error bodies, "Post no username", "Post junk", "Post emp1 with string \\"True\\"", "User 2 replace test"',
    checks: [
      { codes: [...REFUSED, ...ERROR_BODY, ...BAD_INPUT, 'INPUT_ACTIVE_STRING_TRUE', 'FILTER_NAMES_CASE_INSENSITIVE', 'USER_PUT_REPLACES'] },
      { codes: ['DISCOVERY_SPC_VALID', 'DISCOVERY_RESOURCE_TYPES', 'DISCOVERY_SCHEMAS', 'QUERY_ATTRIBUTES'] },
      { within: BLOCKS.pages, codes: ['LIST_TOTAL_RESULTS', 'LIST_PAGING_NUMBERS'] },
      { within: BLOCKS.byId, codes: ['RESOURCE_GET_IS_RESOURCE', 'USER_SCHEMA'] },
    ],
  },
  {
    name: 'gallery load',
    stage: 'gallery submission',
    basis: 'Microsoft Entra ID application gallery: SCIM endpoints must hold 25 requests per second (SCIM-CLIENTS.md, Entra)',
    checks: [{ codes: ['THROUGHPUT_ENTRA_25_RPS'] }],
  },
];

const rfcArea = (name: string, stage: Stage, basis: string, codes: readonly string[]): Flow => ({ name, stage, basis, checks: [{ codes }] });

const RFC: readonly Flow[] = [
  rfcArea('authentication', 'core protocol', 'RFC 7644 §2; RFC 6750 §3.1', [
    'PREFLIGHT',
    'BASE_URL_ENDS_WITH_RESOURCE',
    'AUTH_TOKEN_ACCEPTED',
    ...REFUSED,
    'AUTH_CHALLENGE',
    'AUTH_CHALLENGE_ERROR_CODE',
  ]),
  // An area of its own: on loopback TLS cannot be judged, which says nothing of the authentication checks.
  rfcArea('transport (TLS)', 'core protocol', 'RFC 7644 §7.2', ['TRANSPORT_TLS']),
  rfcArea('responses and ListResponse', 'core protocol', 'RFC 7644 §3.1, §3.4.2, §8.1; RFC 8259 §8.1', [
    ...ANSWER,
    'CONTENT_TYPE_NOT_SCIM',
    'HTTP_ACCEPT_APPLICATION_JSON',
    ...PAGED_LIST,
    ...RFC_LIST,
  ]),
  rfcArea('paging', 'core protocol', 'RFC 7644 §3.4.2.4', [...PAGING, 'PAGING_PAST_END_EMPTY', 'PAGING_START_INDEX_BELOW_ONE', 'PAGING_COUNT_ZERO', 'PAGING_NEGATIVE_COUNT']),
  rfcArea('filtering', 'core protocol', 'RFC 7644 §3.4.2.2', [
    'FILTER_UNKNOWN_USER_EMPTY',
    'FILTER_APPLIED',
    'FILTER_USERNAME_EQ',
    'FILTER_USERNAME_CASE_INSENSITIVE',
    'FILTER_NAMES_CASE_INSENSITIVE',
    'FILTER_ID_EQ',
    'FILTER_EXTERNAL_ID_EQ',
    'FILTER_EMAILS_WORK_VALUE',
    'FILTER_GROUP_DISPLAY_NAME',
    'FILTER_AND',
    'FILTER_OR',
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
    'FILTER_NO_MATCH_EMPTY',
    'FILTER_INVALID_REFUSED',
    'FILTER_BOOLEAN_ORDERING_REFUSED',
    'ROOT_QUERY_INCLUDES',
    'ROOT_QUERY_FILTERED',
    'USER_MATCH_EXTERNAL_ID',
    'USER_MATCH_WORK_EMAIL',
    'DISCOVERY_FILTER_WORKS',
  ]),
  rfcArea('attributes and excludedAttributes', 'core protocol', 'RFC 7644 §3.4.2.5; RFC 7643 §2.4', [
    'QUERY_ATTRIBUTES',
    'QUERY_ALWAYS_RETURNED',
    'QUERY_EXCLUDED_ATTRIBUTES',
    'QUERY_EXCLUDE_MEMBERS',
    'GROUP_EXCLUDED_MEMBERS',
  ]),
  rfcArea('errors', 'core protocol', 'RFC 7644 §3.12', [
    ...ERROR_BODY,
    'ERROR_SCIM_TYPE',
    'RESOURCE_GET_IS_RESOURCE',
    ...BAD_INPUT,
    'INPUT_WRONG_TYPE',
    'INPUT_INVALID_SYNTAX_TYPE',
  ]),
  rfcArea('users', 'core protocol', 'RFC 7643 §4.1; RFC 7644 §3.3, §3.4.1, §3.5.1, §3.6', [
    'USER_SCHEMA',
    'USER_LOOKUP_BEFORE_CREATE',
    'USER_CREATE_STATUS',
    'USER_CREATE_RETURNS_RESOURCE',
    'WRITE_CREATED_NOT_OURS',
    'USER_CREATE_LOCATION',
    'USER_CREATE_META',
    'USER_ACTIVE_BOOLEAN',
    'USER_PASSWORD_NEVER_RETURNED',
    'USER_GET_BY_ID',
    'USER_FILTER_FINDS_CREATED',
    'USER_FILTER_ANY_CASE',
    ...DUPLICATES,
    'USER_PUT_REPLACES',
    'USER_DELETE_NO_CONTENT',
    'USER_DELETED_GONE',
    'USER_DELETE_TWICE_404',
    'RESOURCE_PRIMARY_ONCE',
    'RESOURCE_NO_DUPLICATE_VALUES',
    'RESOURCE_ID_NOT_BULKID',
    'RESOURCE_SCHEMAS_DECLARED',
    'RESOURCE_REFERENCE_URI',
    'RESOURCE_BINARY_BASE64',
    'RESOURCE_COUNTRY_ALPHA2',
    'RESOURCE_CREATED_UNMODIFIED',
    'RESOURCE_CASE_EXACT_PRESERVED',
    'RESOURCE_READONLY_IGNORED_ON_CREATE',
    'USER_DELETED_NOT_LISTED',
    'USER_DELETED_NAME_REUSABLE',
    'USER_NAME_PRECIS_UNIQUE',
    'PUT_META_IGNORED',
    'RESOURCE_SCHEMAS_ORDER_IGNORED',
  ]),
  rfcArea('PATCH', 'core protocol', 'RFC 7644 §3.5.2; RFC 7643 §2.5, §5 (patch.supported)', [
    'USER_DEACTIVATE_PATCH',
    'PATCH_SEVERAL_OPERATIONS',
    'DISCOVERY_PATCH_WORKS',
    'DISCOVERY_PATCH_ADVERTISED',
    'PATCH_ATTRIBUTES_ANSWERS_200',
    'PATCH_REPLACE_ABSENT_ADDS',
    'PATCH_ADD_EXISTING_ACCEPTED',
    'PATCH_ADD_EXISTING_KEEPS_MODIFIED',
    'PATCH_PRIMARY_EXCLUSIVE',
    'PATCH_REPLACE_NO_TARGET',
    'PATCH_ATOMIC',
    'PATCH_REMOVE_REQUIRED_REFUSED',
    'PATCH_REMOVE_UNASSIGNS',
    'PATCH_NULL_UNASSIGNS',
    'PATCH_REPLACE_FILTERED_VALUE',
    'PATCH_READONLY_REFUSED',
    'PATCH_SCHEMAS_THEN_EXTENSION',
  ]),
  rfcArea('groups', 'core protocol', 'RFC 7643 §4.2; RFC 7644 §3.3, §3.5, §3.6', [
    'GROUP_CREATE',
    'GROUP_FIND_BY_DISPLAY_NAME',
    'GROUP_MEMBERS_RETURNED',
    'GROUP_ADD_MEMBER',
    'GROUP_REMOVE_MEMBER_BY_FILTER',
    'GROUP_REPLACE_MEMBERS',
    'GROUP_PATCH_ANSWER',
    'GROUP_RENAME_PATCH',
    'GROUP_RENAME_PUT',
    'GROUP_DELETE',
    'GROUP_DELETE_KEEPS_MEMBERS',
    'RESOURCE_EXTERNAL_ID_NOT_INVENTED',
    'RESOURCE_REFERENCE_RESOLVES',
    'USER_GROUPS_ARE_GROUP_IDS',
    'PUT_GROUPS_IGNORED',
  ]),
  rfcArea('discovery', 'core protocol', 'RFC 7644 §4; RFC 7643 §5, §6, §7', [
    'DISCOVERY_SPC_VALID',
    'DISCOVERY_RESOURCE_TYPES',
    'DISCOVERY_RESOURCE_TYPE_BY_ID',
    'DISCOVERY_SCHEMAS',
    'DISCOVERY_SCHEMA_BY_ID',
    'DISCOVERY_SCHEMAS_COMPLETE',
    'DISCOVERY_SCHEMA_ATTRIBUTES',
    'DISCOVERY_SCHEMA_SUBATTRIBUTES',
    'DISCOVERY_QUERY_IGNORED',
    'DISCOVERY_FILTER_FORBIDDEN',
    'ME_UNSUPPORTED_NOT_IMPLEMENTED',
  ]),
  // Apart from filtering: a cap can only be observed on a server holding more users than it.
  rfcArea('filter.maxResults', 'optional features', 'RFC 7643 §5 (filter.maxResults); RFC 7644 §3.4.2.4', ['DISCOVERY_FILTER_MAX_RESULTS']),
  rfcArea('sorting', 'optional features', 'RFC 7644 §3.4.2.3; RFC 7643 §5 (sort.supported)', ['QUERY_SORT', 'QUERY_SORT_DEFAULT_ASCENDING']),
  rfcArea('POST /.search', 'optional features', 'RFC 7644 §3.4.3', ['QUERY_SEARCH']),
  rfcArea('ETag', 'optional features', 'RFC 7644 §3.14; RFC 7643 §5 (etag.supported)', [
    'DISCOVERY_ETAG_WORKS',
    'ETAG_HEADER_MATCHES_VERSION',
    'ETAG_CHANGES_ON_UPDATE',
    'ETAG_IF_NONE_MATCH_304',
    'ETAG_IF_MATCH_CURRENT',
    'ETAG_IF_MATCH_STALE_412',
  ]),
  rfcArea('bulk', 'optional features', 'RFC 7644 §3.7; RFC 7643 §5 (bulk.supported)', ['DISCOVERY_BULK_WORKS']),
];

export const FLOWS: Record<Client, readonly Flow[]> = { okta: OKTA, entra: ENTRA, rfc: RFC };

/**
 * Findings that any answer can carry, reported by whichever check met that answer: they break the
 * flow of that check, and no flow sends a request of its own to look for them, so none lists them.
 */
export const ANY_ANSWER = ['HTTP_SERVER_WENT_SILENT', 'HTTP_BODY_TOO_DEEP', 'HTTP_BODY_NOT_UTF8'];

/** Does this test (its rule code and full name) belong to the flow? */
export function inFlow(flow: Flow, test: { code: string | undefined; name: string }): boolean {
  const { code } = test;
  if (code === undefined) return false;
  return flow.checks.some((checks) => checks.codes.includes(code) && (checks.within === undefined || test.name.startsWith(checks.within)));
}

export function flowCodes(flow: Flow): Set<string> {
  return new Set(flow.checks.flatMap((checks) => checks.codes));
}
