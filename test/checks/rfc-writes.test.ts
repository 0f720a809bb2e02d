/**
 * The RFC write flow against the reference server (every rule judged, none failed, everything it
 * created removed) and against servers that break exactly one rule: that rule fails with its code,
 * and the rules whose requests the breakage does not touch are not blamed. The pure checks are also
 * judged on recorded exchanges.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { checkDeletedNotListed, checkReadOnlyIgnored, checkReferenceResolves, ENTERPRISE_URN, referenceUrl, rfcWriteRules, RFC_WRITE_VALUES } from '../../src/checks/rfc-writes.js';
import { CheckRun } from '../../src/checks/run.js';
import { ScimClient } from '../../src/http/client.js';
import type { ScimService } from '../../src/reference-server/index.js';
import type { ScimRequest, ScimResponse } from '../../src/reference-server/types.js';
import { exchangeOf } from '../support/exchange.js';
import { GROUP_MEMBER_RULES } from '../../src/flows/rfc-membership-flow.js';
import { enterpriseAbsence, EXTENSION_RULES, RFC_WRITE_RULES, rfcWriteFlow, type RfcWriteOptions } from '../../src/flows/rfc-write-flow.js';
import { newRunPrefix, TestData } from '../../src/suite/test-data.js';
import { bystanders, leftovers, RECORDING_TOKEN, startRecordingServer, type Breakage, type RecordingServer } from '../servers/recording.js';

const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function runFlow(breakage?: Breakage, options: RfcWriteOptions = {}) {
  const server = await startRecordingServer(breakage === undefined ? {} : { breakage });
  servers.push(server);
  const before = bystanders(server.service);
  const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4 });
  const data = new TestData(client, newRunPrefix(), 'rfc');
  try {
    const run = await rfcWriteFlow(options)({ client, data });
    const report = await data.cleanup();
    return { run, report, server, before, codes: run.findings.map((f) => f.code) };
  } finally {
    await client.close();
  }
}

describe('the RFC write flow against the reference server', () => {
  test('judges every rule, fails none, and leaves the store as it found it', async () => {
    const { run, server, before } = await runFlow();
    expect(run.findings.map((f) => `${f.code}: ${f.got}`)).toEqual([]);
    expect([...run.skipped]).toEqual([]);
    for (const rule of RFC_WRITE_RULES) expect(run.checked).toContain(rule.code);
    expect(leftovers(server.service)).toEqual([]);
    expect(bystanders(server.service)).toBe(before);
  });

  test('sends at most one request per rule it judges, cleanup included', async () => {
    const { server } = await runFlow();
    // create ("schemas" [enterprise, core]) + read-back, the full-width twin (409); the group's create + read-back, the member's
    // $ref, the root query, PUT, PATCH of groups, the group's read + DELETE + read; five PATCHes,
    // DELETE + read + filter, create + read-back, the PATCH of "schemas" and employeeNumber, DELETE + read: 25.
    expect(server.calls.length).toBeLessThanOrEqual(RFC_WRITE_RULES.length);
  });
});

type Json = Record<string, unknown>;
type Operation = Json;
const USERS = /\/Users\/?$/;
const USER = /\/Users\/[^/]+$/;
const is = (request: ScimRequest, method: string, pattern: RegExp) => request.method === method && pattern.test(request.path);
const parsed = (text: string | undefined): Json => (text === undefined || text === '' ? {} : (JSON.parse(text) as Json));
const operationsOf = (request: ScimRequest) => (parsed(request.body)['Operations'] as Operation[] | undefined) ?? [];
const withOperations = (request: ScimRequest, operations: Operation[]): ScimRequest => ({ ...request, body: JSON.stringify({ ...parsed(request.body), Operations: operations }) });
const scimError = (status: number, scimType: string, detail: string): ScimResponse => ({
  status,
  headers: { 'content-type': 'application/scim+json' },
  body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), scimType, detail }),
});
const isNoTargetProbe = (operation: Operation) => String(operation['path']).includes('scimc-none');

/** Drops the operations `drop` selects from every PATCH (answering as if they were applied). */
const ignoring =
  (drop: (operation: Operation) => boolean): Breakage =>
  (request, service) => {
    if (!is(request, 'PATCH', USER)) return service.handle(request);
    const kept = operationsOf(request).filter((operation) => !drop(operation));
    return kept.length === 0
      ? service.handle(withOperations(request, [{ op: 'add', path: 'title', value: RFC_WRITE_VALUES.title }]))
      : service.handle(withOperations(request, kept));
  };

/** Rewrites the JSON body of the answers to `method` on `pattern` (POST /Users unless told). */
const rewritingAnswers =
  (rewrite: (body: Json, request: Json) => void, method = 'POST', pattern = USERS): Breakage =>
  (request, service) => {
    const response = service.handle(request);
    if (!is(request, method, pattern) || response.body === undefined) return response;
    const body = parsed(response.body);
    rewrite(body, parsed(request.body));
    return { ...response, body: JSON.stringify(body) };
  };
const rewritingCreates = (rewrite: (body: Json, request: Json) => void): Breakage => rewritingAnswers(rewrite);
const GROUPS = /\/Groups\/?$/;
const ROOT = /\/scim\/v2\/?$/;
const listOf = (resources: unknown[]): ScimResponse => ({
  status: 200,
  headers: { 'content-type': 'application/scim+json' },
  body: JSON.stringify({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  }),
});

/** Takes the user out of every group, as a server that honours a client's groups would. */
function leaveGroups(service: ScimService, userId: string, request: ScimRequest): void {
  const groups = service.store.snapshot().groups as Json[];
  for (const group of groups.filter((each) => JSON.stringify(each['members'] ?? []).includes(userId))) {
    const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'remove', path: `members[value eq "${userId}"]` }] });
    service.handle({ ...request, method: 'PATCH', path: request.path.replace(/\/Users\/[^/]+$/, `/Groups/${String(group['id'])}`), body, query: new URLSearchParams() });
  }
}

/** Remembers deleted users: `after` answers with them. */
function rememberingDeletions(after: (request: ScimRequest, service: ScimService, deleted: Json[]) => ScimResponse | undefined): Breakage {
  const deleted: Json[] = [];
  return (request, service) => {
    if (is(request, 'DELETE', USER)) {
      const current = service.handle({ ...request, method: 'GET', body: '' });
      if (current.status === 200) deleted.push(parsed(current.body));
    }
    return after(request, service, deleted) ?? service.handle(request);
  };
}

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const onExtension = (operation: Operation) => String(operation['path']).toLowerCase().startsWith(ENTERPRISE_URN.toLowerCase());
/** A create whose "schemas" does not start with the core User schema (the RFC flow's user: [enterprise, core]). */
const coreNotFirst = (request: ScimRequest) => {
  const schemas = parsed(request.body)['schemas'];
  return is(request, 'POST', USERS) && Array.isArray(schemas) && schemas[0] !== CORE_USER;
};
/** Creates the user without its enterprise extension when `drop` says so. */
const droppingExtension =
  (drop: (request: ScimRequest) => boolean): Breakage =>
  (request, service) => {
    if (!drop(request)) return service.handle(request);
    const { [ENTERPRISE_URN]: _dropped, ...rest } = parsed(request.body);
    return service.handle({ ...request, body: JSON.stringify(rest) });
  };
/** Refuses a PATCH operation on the extension while the user's stored "schemas" lacks it: each operation judged by the state before the PATCH. */
const schemasAsStored: Breakage = (request, service) => {
  if (!is(request, 'PATCH', USER) || !operationsOf(request).some(onExtension)) return service.handle(request);
  const current = parsed(service.handle({ ...request, method: 'GET', body: '', query: new URLSearchParams() }).body);
  const listed = JSON.stringify(current['schemas'] ?? []).includes(ENTERPRISE_URN);
  return listed ? service.handle(request) : scimError(400, 'invalidPath', `${ENTERPRISE_URN} is not among the user's schemas.`);
};

const brokenServers: Array<{ name: string; expected: string; breakage: Breakage }> = [
  {
    name: 'lower-cases externalId',
    expected: 'RESOURCE_CASE_EXACT_PRESERVED',
    breakage: rewritingCreates((body) => {
      if (typeof body['externalId'] === 'string') body['externalId'] = body['externalId'].toLowerCase();
    }),
  },
  {
    name: 'keeps the meta a create sends',
    expected: 'RESOURCE_READONLY_IGNORED_ON_CREATE',
    breakage: rewritingCreates((body, sent) => {
      if (sent['meta'] !== undefined) body['meta'] = { ...(body['meta'] as Json), ...(sent['meta'] as Json) };
    }),
  },
  {
    name: 'refuses a create that carries an id',
    expected: 'RESOURCE_READONLY_IGNORED_ON_CREATE',
    breakage: (request, service) => (is(request, 'POST', USERS) && 'id' in parsed(request.body) ? scimError(400, 'invalidValue', '"id" is readOnly.') : service.handle(request)),
  },
  {
    name: 'answers a PATCH with ?attributes= with 204',
    expected: 'PATCH_ATTRIBUTES_ANSWERS_200',
    breakage: (request, service) => {
      const response = service.handle(request);
      return is(request, 'PATCH', USER) && request.query.has('attributes') && response.status === 200 ? { status: 204, headers: {} } : response;
    },
  },
  {
    name: 'ignores a replace of nickName',
    expected: 'PATCH_REPLACE_ABSENT_ADDS',
    breakage: ignoring((o) => o['op'] === 'replace' && o['path'] === 'nickName' && o['value'] !== null),
  },
  {
    name: 'refuses a second primary email',
    expected: 'PATCH_PRIMARY_EXCLUSIVE',
    breakage: (request, service) =>
      is(request, 'PATCH', USER) && operationsOf(request).some((o) => o['path'] === 'emails' && JSON.stringify(o['value'] ?? null).includes('"primary":true'))
        ? scimError(400, 'invalidValue', '"emails" has more than one primary value.')
        : service.handle(request),
  },
  {
    name: 'touches lastModified on a PATCH that changes nothing',
    expected: 'PATCH_ADD_EXISTING_KEEPS_MODIFIED',
    breakage: (request, service) => {
      const response = service.handle(request);
      if (!is(request, 'PATCH', USER) || response.status !== 200 || request.query.has('attributes') || response.body === undefined) return response;
      const body = parsed(response.body);
      return { ...response, body: JSON.stringify({ ...body, meta: { ...(body['meta'] as Json), lastModified: '2099-01-01T00:00:00.000Z' } }) };
    },
  },
  {
    name: 'refuses an add of a value already there',
    expected: 'PATCH_ADD_EXISTING_ACCEPTED',
    breakage: (request, service) => {
      if (!is(request, 'PATCH', USER)) return service.handle(request);
      const [only, ...more] = operationsOf(request);
      const current = parsed(service.handle({ ...request, method: 'GET', body: '', query: new URLSearchParams() }).body);
      const repeats = more.length === 0 && only?.['op'] === 'add' && only['path'] === 'title' && current['title'] === only['value'];
      return repeats ? scimError(409, 'uniqueness', 'title already has that value.') : service.handle(request);
    },
  },
  {
    name: 'refuses a replace of an attribute the user lacks, but takes its add',
    expected: 'PATCH_REPLACE_ABSENT_ADDS',
    breakage: (request, service) => {
      if (!is(request, 'PATCH', USER)) return service.handle(request);
      const current = parsed(service.handle({ ...request, method: 'GET', body: '', query: new URLSearchParams() }).body);
      const absent = operationsOf(request).some((o) => o['op'] === 'replace' && typeof o['path'] === 'string' && !o['path'].includes('[') && !(o['path'] in current));
      return absent ? scimError(400, 'noTarget', 'Nothing to replace.') : service.handle(request);
    },
  },
  { name: 'ignores a replace whose filter matches nothing', expected: 'PATCH_REPLACE_NO_TARGET', breakage: ignoring(isNoTargetProbe) },
  {
    name: 'refuses a replace whose filter matches nothing with invalidValue, not noTarget',
    expected: 'PATCH_REPLACE_NO_TARGET',
    breakage: (request, service) =>
      is(request, 'PATCH', USER) && operationsOf(request).some(isNoTargetProbe) ? scimError(400, 'invalidValue', 'No email matches.') : service.handle(request),
  },
  {
    name: 'keeps the operations before the one that fails',
    expected: 'PATCH_ATOMIC',
    breakage: (request, service) => {
      const operations = operationsOf(request);
      const failing = operations.findIndex(isNoTargetProbe);
      if (!is(request, 'PATCH', USER) || failing < 1) return service.handle(request);
      service.handle(withOperations(request, operations.slice(0, failing)));
      return scimError(400, 'noTarget', 'No email matches the filter.');
    },
  },
  {
    name: 'refuses the remove of userName as invalidValue',
    expected: 'PATCH_REMOVE_REQUIRED_REFUSED',
    breakage: (request, service) =>
      is(request, 'PATCH', USER) && operationsOf(request).some((o) => o['op'] === 'remove' && o['path'] === 'userName')
        ? scimError(400, 'invalidValue', '"userName" is required.')
        : service.handle(request),
  },
  { name: 'ignores a remove of emails', expected: 'PATCH_REMOVE_UNASSIGNS', breakage: ignoring((o) => o['op'] === 'remove' && o['path'] === 'emails') },
  { name: 'ignores a replace with null', expected: 'PATCH_NULL_UNASSIGNS', breakage: ignoring((o) => o['op'] === 'replace' && o['value'] === null) },
  {
    name: 'gives a group created without externalId one of its own',
    expected: 'RESOURCE_EXTERNAL_ID_NOT_INVENTED',
    breakage: rewritingAnswers((body) => (body['externalId'] = body['id']), 'POST', GROUPS),
  },
  {
    name: "names a user's groups by displayName, not id",
    expected: 'USER_GROUPS_ARE_GROUP_IDS',
    breakage: rewritingAnswers(
      (body) => {
        if (Array.isArray(body['groups'])) body['groups'] = (body['groups'] as Json[]).map((group) => ({ ...group, value: group['display'] }));
      },
      'GET',
      USER,
    ),
  },
  {
    name: 'gives a member a $ref under /Groups, where the user is not',
    expected: 'RESOURCE_REFERENCE_RESOLVES',
    breakage: rewritingAnswers(
      (body) => {
        for (const member of (body['members'] as Json[] | undefined) ?? []) member['$ref'] = String(member['$ref']).replace('/Users/', '/Groups/');
      },
      'POST',
      GROUPS,
    ),
  },
  {
    name: 'keeps the meta a PUT sends',
    expected: 'PUT_META_IGNORED',
    breakage: rewritingAnswers(
      (body, sent) => {
        if (sent['meta'] !== undefined) body['meta'] = { ...(body['meta'] as Json), ...(sent['meta'] as Json) };
      },
      'PUT',
      USER,
    ),
  },
  {
    name: 'refuses a PUT that carries meta',
    expected: 'PUT_META_IGNORED',
    breakage: (request, service) => (is(request, 'PUT', USER) && 'meta' in parsed(request.body) ? scimError(400, 'mutability', '"meta" is readOnly.') : service.handle(request)),
  },
  {
    name: 'takes the user out of its groups on a PUT with "groups": []',
    expected: 'PUT_GROUPS_IGNORED',
    breakage: (request, service) => {
      const groups = parsed(request.body)['groups'];
      if (is(request, 'PUT', USER) && Array.isArray(groups) && groups.length === 0) leaveGroups(service, request.path.split('/').pop() ?? '', request);
      return service.handle(request);
    },
  },
  {
    name: 'refuses a PUT that carries groups',
    expected: 'PUT_GROUPS_IGNORED',
    breakage: (request, service) =>
      is(request, 'PUT', USER) && 'groups' in parsed(request.body) ? scimError(400, 'mutability', '"groups" is readOnly.') : service.handle(request),
  },
  { name: 'ignores a PATCH remove of groups', expected: 'PATCH_READONLY_REFUSED', breakage: ignoring((o) => o['op'] === 'remove' && o['path'] === 'groups') },
  {
    name: 'refuses a PATCH remove of groups as invalidPath',
    expected: 'PATCH_READONLY_REFUSED',
    breakage: (request, service) =>
      is(request, 'PATCH', USER) && operationsOf(request).some((o) => o['path'] === 'groups') ? scimError(400, 'invalidPath', 'No such path.') : service.handle(request),
  },
  {
    name: 'answers a root query with its groups only',
    expected: 'ROOT_QUERY_INCLUDES',
    breakage: (request, service) => (is(request, 'GET', ROOT) ? service.handle({ ...request, path: `${request.path.replace(/\/$/, '')}/Groups` }) : service.handle(request)),
  },
  {
    name: 'ignores the filter of a root query',
    expected: 'ROOT_QUERY_FILTERED',
    breakage: (request, service) => (is(request, 'GET', ROOT) ? service.handle({ ...request, query: new URLSearchParams() }) : service.handle(request)),
  },
  {
    name: 'ignores a replace of emails[type eq "work"].value',
    expected: 'PATCH_REPLACE_FILTERED_VALUE',
    breakage: ignoring((o) => String(o['path']).startsWith('emails[type eq')),
  },
  {
    name: 'replaces the value of every email for emails[type eq "work"].value',
    expected: 'PATCH_REPLACE_FILTERED_VALUE',
    breakage: (request, service) => {
      const operations = operationsOf(request).map((o) => (String(o['path']).startsWith('emails[type eq') ? { ...o, path: 'emails[type pr].value' } : o));
      return is(request, 'PATCH', USER) ? service.handle(withOperations(request, operations)) : service.handle(request);
    },
  },
  {
    name: 'compares userNames without PRECIS width mapping',
    expected: 'USER_NAME_PRECIS_UNIQUE',
    // Stored as sent, the full-width twin only clashes after width mapping; a suffix keeps it apart here.
    breakage: (request, service) => {
      const body = parsed(request.body);
      const userName = String(body['userName']);
      const twin = is(request, 'POST', USERS) && userName !== userName.normalize('NFKC');
      return service.handle(twin ? { ...request, body: JSON.stringify({ ...body, userName: `${userName}-width` }) } : request);
    },
  },
  {
    name: 'still lists a deleted user',
    expected: 'USER_DELETED_NOT_LISTED',
    breakage: rememberingDeletions((request, _service, deleted) => {
      const filter = request.query.get('filter') ?? '';
      const listed = deleted.filter((user) => filter.includes(String(user['userName'])));
      if (!is(request, 'GET', USERS) || listed.length === 0) return undefined;
      const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: listed.length, startIndex: 1, itemsPerPage: listed.length, Resources: listed };
      return { status: 200, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify(body) };
    }),
  },
  {
    name: 'keeps the userName of a deleted user taken',
    expected: 'USER_DELETED_NAME_REUSABLE',
    breakage: rememberingDeletions((request, _service, deleted) => {
      const userName = parsed(request.body)['userName'];
      const taken = is(request, 'POST', USERS) && deleted.some((user) => user['userName'] === userName);
      return taken ? scimError(409, 'uniqueness', `userName ${String(userName)} is taken.`) : undefined;
    }),
  },
];

brokenServers.push(
  {
    name: 'drops the extension of a create whose "schemas" does not start with the core schema',
    expected: 'RESOURCE_SCHEMAS_ORDER_IGNORED',
    breakage: droppingExtension(coreNotFirst),
  },
  {
    name: 'refuses a create whose "schemas" does not start with the core schema',
    expected: 'RESOURCE_SCHEMAS_ORDER_IGNORED',
    breakage: (request, service) => (coreNotFirst(request) ? scimError(400, 'invalidValue', '"schemas" must start with the core schema.') : service.handle(request)),
  },
  { name: 'judges each PATCH operation by the "schemas" the user had before the PATCH', expected: 'PATCH_SCHEMAS_THEN_EXTENSION', breakage: schemasAsStored },
  { name: 'accepts a PATCH but drops its operations on the extension', expected: 'PATCH_SCHEMAS_THEN_EXTENSION', breakage: ignoring(onExtension) },
);

describe.for(brokenServers)('against a server that $name', ({ expected, breakage }) => {
  test(`only ${expected} fails, and everything created is removed`, async () => {
    const { codes, server, before } = await runFlow(breakage);
    expect(codes.length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set([expected]));
    expect(leftovers(server.service)).toEqual([]);
    expect(bystanders(server.service)).toBe(before);
  });
});

describe('controls: a server that breaks something else is not blamed for these rules', () => {
  test('a PATCH answer that leaves out attributes asked for is read again before the replace is judged', async () => {
    const { codes, run } = await runFlow((request, service) => {
      const response = service.handle(request);
      if (!is(request, 'PATCH', USER) || !request.query.has('attributes') || response.body === undefined) return response;
      const { nickName: _dropped, ...rest } = parsed(response.body);
      return { ...response, body: JSON.stringify(rest) };
    });
    expect(codes).toEqual([]);
    expect(run.checked).toContain(rfcWriteRules.PATCH_REPLACE_ABSENT_ADDS.code);
  });

  test('a server that refuses every PATCH fails only the rules of the operations it refused alone, and skips the others with the reason', async () => {
    const { codes, run } = await runFlow((request, service) => (is(request, 'PATCH', USER) ? scimError(400, 'invalidSyntax', 'PATCH is not supported.') : service.handle(request)));
    expect(run.skipped.get(rfcWriteRules.PATCH_ATTRIBUTES_ANSWERS_200.code)).toMatch(/^not judged: the same PATCH without \?attributes= was refused too/);
    expect(run.skipped.get(rfcWriteRules.PATCH_ATOMIC.code)).toMatch(/^not judged: the title/);
    expect(codes).not.toContain(rfcWriteRules.RESOURCE_READONLY_IGNORED_ON_CREATE.code);
    expect(codes).not.toContain(rfcWriteRules.USER_DELETED_NOT_LISTED.code);
  });

  test('a server whose schema has no nickName, refusing its add as well as its replace, is not blamed for PATCH_REPLACE_ABSENT_ADDS', async () => {
    // better-auth 1.7.5: "User PATCH path nickName is not supported" (invalidPath) for every op on it.
    const { codes, run } = await runFlow((request, service) =>
      is(request, 'PATCH', USER) && operationsOf(request).some((o) => o['path'] === 'nickName')
        ? scimError(400, 'invalidPath', 'User PATCH path nickName is not supported')
        : service.handle(request),
    );
    expect(codes).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.PATCH_REPLACE_ABSENT_ADDS.code)).toBe(
      'not judged: the control, the add of the same nickName, was refused too (400, scimType "invalidPath", detail "User PATCH path nickName is not supported"), so the server refuses that change in any form; the variant is not the cause',
    );
    expect(run.checked).toContain(rfcWriteRules.PATCH_PRIMARY_EXCLUSIVE.code);
  });

  test('a server that takes no sw filter in a PATCH path, matching or not, is not blamed for PATCH_REPLACE_NO_TARGET', async () => {
    // better-auth 1.7.5 takes only `type eq` in a PATCH path: "User PATCH path emails[type sw …].value is not supported".
    const { codes, run, server } = await runFlow((request, service) =>
      is(request, 'PATCH', USER) && operationsOf(request).some((o) => String(o['path']).includes(' sw '))
        ? scimError(400, 'invalidPath', 'User PATCH path emails[type sw] is not supported')
        : service.handle(request),
    );
    expect(codes).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.PATCH_REPLACE_NO_TARGET.code)).toMatch(
      /^not judged: the control, the same replace with a filter that matches the work email, was refused too \(400, scimType "invalidPath"/,
    );
    expect(run.checked).toContain(rfcWriteRules.PATCH_ATOMIC.code);
    const controls = server.calls.filter((call) => call.method === 'PATCH' && call.body.includes('type sw \\"work\\"'));
    expect(controls).toHaveLength(1);
  });

  test('on a server that does not advertise PATCH, no PATCH is sent and its rules are skipped with that reason', async () => {
    const { codes, run, server } = await runFlow(undefined, { patchNotOffered: 'not offered: patch.supported is false' });
    expect(server.calls.filter((call) => call.method === 'PATCH')).toEqual([]);
    expect(codes).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.PATCH_ATOMIC.code)).toBe('not offered: patch.supported is false');
    expect(run.checked).toContain(rfcWriteRules.USER_DELETED_NAME_REUSABLE.code);
  });
});

describe('controls: the readOnly and membership rules blame only what they test', () => {
  test('on a server without Groups, no group is created, its rules are skipped with that reason, and meta in a PUT is still judged', async () => {
    const { codes, run, server } = await runFlow(undefined, { groupsNotOffered: 'not offered: the server does not offer Groups' });
    expect(server.calls.filter((call) => call.path.includes('/Groups'))).toEqual([]);
    expect(codes).toEqual([]);
    for (const rule of GROUP_MEMBER_RULES) expect(run.skipped.get(rule.code)).toBe('not offered: the server does not offer Groups');
    expect(run.checked).toContain(rfcWriteRules.PUT_META_IGNORED.code);
    expect(run.checked).toContain(rfcWriteRules.ROOT_QUERY_FILTERED.code);
  });

  test('a server that answers no query on its root is skipped as a rule that does not apply, not failed', async () => {
    const { codes, run } = await runFlow((request, service) => (is(request, 'GET', ROOT) ? scimError(404, 'invalidPath', 'Nothing here.') : service.handle(request)));
    expect(codes).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.ROOT_QUERY_INCLUDES.code)).toMatch(/^does not apply: the server answers no query on its root \(GET .* answered 404/);
    expect(run.skipped.get(rfcWriteRules.ROOT_QUERY_FILTERED.code)).toMatch(/^does not apply: /);
  });

  test('a root query as wrong as the same filter on /Users is not blamed on the root', async () => {
    // The filter itself finds nothing, on /Users as on the root: the root is not the cause.
    const { codes, run, server } = await runFlow((request, service) => {
      const filtered = request.method === 'GET' && (request.query.get('filter') ?? '').startsWith('userName eq') && (ROOT.test(request.path) || USERS.test(request.path));
      return filtered ? listOf([]) : service.handle(request);
    });
    expect(codes.filter((code) => code.startsWith('ROOT_'))).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.ROOT_QUERY_INCLUDES.code)).toMatch(/^not judged: the same filter on \/Users does not list exactly the user either/);
    expect(server.calls.filter((call) => call.method === 'GET' && USERS.test(call.path) && call.query.includes('filter=')).length).toBeGreaterThan(0);
  });

  test("a member's $ref outside the base URL is not sent (the token goes nowhere else), and the user's groups is still judged", async () => {
    const { codes, run, server } = await runFlow(
      rewritingAnswers(
        (body) => {
          for (const member of (body['members'] as Json[] | undefined) ?? []) member['$ref'] = `https://elsewhere.example/scim/v2/Users/${String(member['value'])}`;
        },
        'POST',
        GROUPS,
      ),
    );
    expect(codes).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.RESOURCE_REFERENCE_RESOLVES.code)).toMatch(
      /^not sent: the member's \$ref "https:\/\/elsewhere\.example\/.*" lies outside the SCIM base URL/,
    );
    expect(run.checked).toContain(rfcWriteRules.USER_GROUPS_ARE_GROUP_IDS.code);
    expect(server.calls.filter((call) => call.path.includes('elsewhere'))).toEqual([]);
  });

  test("a server that shows no user's groups skips the rules that need them, and judges the PUT's groups by the group's members", async () => {
    const { codes, run, server } = await runFlow(
      rewritingAnswers(
        (body) => {
          delete body['groups'];
        },
        'GET',
        USER,
      ),
    );
    expect(codes).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.USER_GROUPS_ARE_GROUP_IDS.code)).toMatch(/^does not apply: the member user is shown without groups/);
    expect(run.skipped.get(rfcWriteRules.PATCH_READONLY_REFUSED.code)).toMatch(/^does not apply: the member user is shown without groups/);
    expect(run.checked).toContain(rfcWriteRules.PUT_GROUPS_IGNORED.code);
    expect(server.calls.filter((call) => call.method === 'PATCH' && call.body.includes('"path":"groups"'))).toEqual([]);
  });

  test('a server that refuses a full-width userName outright is not judged on PRECIS, and one that keeps no userName unique is left to USER_DUPLICATE_CONFLICT', async () => {
    const nonAscii = (request: ScimRequest) => is(request, 'POST', USERS) && /[^\x20-\x7e]/.test(String(parsed(request.body)['userName']));
    const refusing = await runFlow((request, service) => (nonAscii(request) ? scimError(400, 'invalidValue', 'userName must be ASCII.') : service.handle(request)));
    expect(refusing.codes).toEqual([]);
    expect(refusing.run.skipped.get(rfcWriteRules.USER_NAME_PRECIS_UNIQUE.code)).toMatch(/^not judged: the server refused the full-width userName itself/);
    const lenient = await runFlow((request, service) => {
      const body = parsed(request.body);
      const taken = is(request, 'POST', USERS) && (service.store.snapshot().users as Json[]).some((user) => user['userName'] === body['userName']);
      // Another userName under the run prefix: the store never holds two equal names, the client sees a create.
      const suffix = nonAscii(request) ? '-twin' : taken ? '-dup' : undefined;
      return service.handle(suffix === undefined ? request : { ...request, body: JSON.stringify({ ...body, userName: `${String(body['userName'])}${suffix}` }) });
    });
    expect(lenient.codes).not.toContain(rfcWriteRules.USER_NAME_PRECIS_UNIQUE.code);
    expect(lenient.run.skipped.get(rfcWriteRules.USER_NAME_PRECIS_UNIQUE.code)).toMatch(/^not judged: the server created an exact duplicate userName too/);
    expect(leftovers(lenient.server.service)).toEqual([]);
  });

  test('a server that refuses value filter paths in a PATCH is not blamed for PATCH_REPLACE_FILTERED_VALUE', async () => {
    const { codes, run } = await runFlow((request, service) =>
      is(request, 'PATCH', USER) && operationsOf(request).some((o) => String(o['path']).startsWith('emails[type eq'))
        ? scimError(400, 'invalidPath', 'Value filters are not supported in PATCH paths.')
        : service.handle(request),
    );
    expect(codes).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.PATCH_REPLACE_FILTERED_VALUE.code)).toBe('not judged: the replace of emails[type eq "work"].value was refused when sent alone');
    expect(run.checked).toContain(rfcWriteRules.PATCH_PRIMARY_EXCLUSIVE.code);
  });
});

describe('controls: the enterprise extension rules blame only what they test', () => {
  test('a server that lets no PATCH change "schemas" is not judged on what follows such a change', async () => {
    const { codes, run } = await runFlow((request, service) =>
      is(request, 'PATCH', USER) && operationsOf(request).some((o) => o['path'] === 'schemas')
        ? scimError(400, 'mutability', '"schemas" cannot be changed.')
        : service.handle(request),
    );
    expect(codes).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.PATCH_SCHEMAS_THEN_EXTENSION.code)).toBe(
      'not judged: the control, the add to "schemas" sent alone, was refused too (400, scimType "mutability", detail "\\"schemas\\" cannot be changed."), so the server refuses that change in any form; the variant is not the cause',
    );
    expect(run.checked).toContain(rfcWriteRules.RESOURCE_SCHEMAS_ORDER_IGNORED.code);
  });

  test('a server that keeps no enterprise attribute in any create or PATCH is blamed for neither the order nor the "schemas" PATCH', async () => {
    const { codes, run, server, before } = await runFlow((request, service) =>
      is(request, 'POST', USERS) ? droppingExtension(() => true)(request, service) : ignoring(onExtension)(request, service),
    );
    expect(codes).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.RESOURCE_SCHEMAS_ORDER_IGNORED.code)).toMatch(
      /^not judged: the same create with "schemas" in the usual order \[core, enterprise\] was created showing "schemas" \["urn:ietf:params:scim:schemas:core:2\.0:User"\] and employeeNumber absent, so the server does not keep/,
    );
    expect(run.skipped.get(rfcWriteRules.PATCH_SCHEMAS_THEN_EXTENSION.code)).toMatch(/^not judged: the control, a create carrying the extension, was created showing/);
    expect(leftovers(server.service)).toEqual([]);
    expect(bystanders(server.service)).toBe(before);
  });

  test('on a server that does not declare the extension, no request carries it and its rules are skipped with that reason', async () => {
    const reason = enterpriseAbsence(exchangeOf({ body: { schemas: [], Resources: [{ name: 'User', endpoint: '/Users', schema: CORE_USER }] } }));
    expect(reason).toBe(`not offered: GET /ResourceTypes declares no enterprise extension (${ENTERPRISE_URN}) on the User resource type`);
    const { codes, run, server } = await runFlow(undefined, { extensionNotOffered: reason });
    expect(codes).toEqual([]);
    expect(server.calls.filter((call) => call.body.includes('enterprise'))).toEqual([]);
    for (const rule of EXTENSION_RULES) expect(run.skipped.get(rule.code)).toBe(reason);
    const declared = { name: 'User', endpoint: '/Users', schema: CORE_USER, schemaExtensions: [{ schema: ENTERPRISE_URN, required: false }] };
    expect(enterpriseAbsence(exchangeOf({ body: { schemas: [], Resources: [declared] } }))).toBeUndefined();
  });
});

describe('the checks on recorded exchanges', () => {
  test('a $ref resolves against the base URL as RFC 7643 §2.3.7 says, and one outside it is not followed', () => {
    const base = 'https://scim.example.com/scim/v2';
    expect(referenceUrl(base, 'Users/abc')).toBe('https://scim.example.com/scim/v2/Users/abc');
    expect(referenceUrl(base, '/scim/v2/Users/abc#x')).toBe('https://scim.example.com/scim/v2/Users/abc');
    expect(referenceUrl(`${base}/`, 'https://scim.example.com/scim/v2/Users/abc')).toBe('https://scim.example.com/scim/v2/Users/abc');
    expect(referenceUrl(base, 'https://other.example.com/scim/v2/Users/abc')).toBeUndefined();
    expect(referenceUrl(base, 'https://user:pw@scim.example.com/scim/v2/Users/abc')).toBeUndefined();
    expect(referenceUrl(base, '/v2/Users/abc')).toBeUndefined();
    expect(referenceUrl(base, 'http://scim.example.com/scim/v2/Users/abc')).toBeUndefined();
  });

  test('a $ref that fails while the user cannot be read by id either leaves RESOURCE_REFERENCE_RESOLVES unjudged', () => {
    const run = new CheckRun();
    checkReferenceResolves(run, exchangeOf({ status: 404, body: {} }), 'u1', exchangeOf({ status: 500, body: {} }));
    expect(run.findings).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.RESOURCE_REFERENCE_RESOLVES.code)).toMatch(/^not judged: the user could not be read by its id either/);
  });

  test('a create answered with the id the client chose fails RESOURCE_READONLY_IGNORED_ON_CREATE', () => {
    const run = new CheckRun();
    checkReadOnlyIgnored(run, exchangeOf({ status: 201, body: { id: 'client-guid', meta: { created: '2026-01-01T00:00:00Z' } } }), 'client-guid');
    expect(run.findings.map((f) => f.code)).toEqual([rfcWriteRules.RESOURCE_READONLY_IGNORED_ON_CREATE.code]);
    expect(run.findings[0]?.got).toContain('id "client-guid"');
  });

  test('a filter query that is not a ListResponse leaves USER_DELETED_NOT_LISTED unjudged, not failed', () => {
    const run = new CheckRun();
    checkDeletedNotListed(run, exchangeOf({ status: 400, body: { detail: 'filter not supported' } }), 'gone');
    expect(run.findings).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.USER_DELETED_NOT_LISTED.code)).toMatch(/^not judged: the filter query was not answered with a ListResponse/);
  });
});
