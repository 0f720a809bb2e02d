/**
 * Each lifecycle against the reference server (every rule checked, none failed) and against a
 * server that breaks exactly one step (the rule of that step fails with its code). The flows run
 * in process against a loopback server, the way the suites run them; what they create is always
 * removed again, also when checks failed.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { badInputRules } from '../../src/checks/bad-input.js';
import { etagRules } from '../../src/checks/etag.js';
import { checkGroupDeleted, groupRules } from '../../src/checks/group-lifecycle.js';
import type { Rule } from '../../src/checks/rule.js';
import { CheckRun } from '../../src/checks/run.js';
import { entraUserRules, userLifecycleRules } from '../../src/checks/user-lifecycle.js';
import { ScimClient } from '../../src/http/client.js';
import type { ScimRequest } from '../../src/reference-server/types.js';
import { newRunPrefix, TestData } from '../../src/suite/test-data.js';
import { badInputFlow, entraUserFlow, etagFlow, etagPrecondition, groupFlow, oktaUserFlow, otherCase, type FlowContext } from '../../src/flows/write-flows.js';
import { bystanders, leftovers, RECORDING_TOKEN, startRecordingServer, storeText, type Breakage, type RecordingServer } from '../servers/recording.js';
import { writeGallery, type FlowName } from '../servers/write-gallery.js';
import { levelFor } from '../../src/checks/rule.js';
import { exchangeOf } from '../support/exchange.js';

const flows: Record<FlowName, (context: FlowContext) => Promise<CheckRun>> = {
  okta: oktaUserFlow,
  entra: entraUserFlow,
  group: groupFlow,
  bad: badInputFlow,
  etag: etagFlow,
};

const { USER_ACTIVE_BOOLEAN, USER_DEACTIVATED_READABLE, USER_DEACTIVATED_FINDABLE } = userLifecycleRules;
/** The rules each spec file registers for its flow: all of them must be judged on a good server. */
const registered: Record<FlowName, Rule[]> = {
  okta: Object.values(userLifecycleRules),
  entra: [...Object.values(entraUserRules), USER_ACTIVE_BOOLEAN, USER_DEACTIVATED_READABLE, USER_DEACTIVATED_FINDABLE],
  group: Object.values(groupRules),
  bad: [...Object.values(badInputRules), USER_ACTIVE_BOOLEAN],
  etag: Object.values(etagRules),
};

const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function runFlow(flow: FlowName, breakage?: Breakage) {
  const server = await startRecordingServer(breakage === undefined ? {} : { breakage });
  servers.push(server);
  const before = bystanders(server.service);
  const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4 });
  const data = new TestData(client, newRunPrefix(), flow);
  try {
    const run = await flows[flow]({ client, data });
    const report = await data.cleanup();
    return { run, report, server, before, codes: run.findings.map((f) => f.code) };
  } finally {
    await client.close();
  }
}

describe.for(Object.keys(flows) as FlowName[])('the %s lifecycle against the reference server', (flow) => {
  test('judges every rule its spec registers, and fails none', async () => {
    const { run, codes } = await runFlow(flow);
    expect(codes).toEqual([]);
    expect(registered[flow].map((rule) => rule.code).filter((code) => !run.checked.has(code))).toEqual([]);
  });

  test('leaves the store exactly as it found it', async () => {
    const server = await startRecordingServer();
    servers.push(server);
    const before = storeText(server.service);
    const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4 });
    const data = new TestData(client, newRunPrefix(), flow);
    await flows[flow]({ client, data });
    await data.cleanup();
    await client.close();
    expect(storeText(server.service)).toBe(before);
  });
});

describe.for(writeGallery)('a server where $name', (broken) => {
  test(`fails ${broken.expected} in the ${broken.flow} lifecycle`, async () => {
    const { codes } = await runFlow(broken.flow, broken.breakage);
    expect(codes).toContain(broken.expected);
  });

  test("still ends with none of the run's resources left and bystanders untouched", async () => {
    const { server, before, report } = await runFlow(broken.flow, broken.breakage);
    if (broken.keepsDeleted === true) expect(report.failed).toEqual([]);
    else expect(leftovers(server.service)).toEqual([]);
    expect(bystanders(server.service)).toBe(before);
  });
});

test('every lifecycle rule has a broken server that fails it', () => {
  const all = [...Object.values(userLifecycleRules), ...Object.values(entraUserRules), ...Object.values(groupRules), ...Object.values(badInputRules), ...Object.values(etagRules)];
  const covered = new Set(writeGallery.map((broken) => broken.expected));
  expect(all.map((rule) => rule.code).filter((code) => !covered.has(code))).toEqual([]);
});

describe('the ETag precondition', () => {
  test('gives no reason to skip when etag.supported is advertised', async () => {
    const server = await startRecordingServer();
    servers.push(server);
    const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4 });
    expect(etagPrecondition(await client.send({ path: '/ServiceProviderConfig' }))).toBeUndefined();
    await client.close();
  });

  test('names the reason when /ServiceProviderConfig does not advertise it', async () => {
    const server = await startRecordingServer({
      breakage: (request, service) => {
        const response = service.handle(request);
        if (!/ServiceProviderConfig/i.test(request.path) || response.body === undefined) return response;
        return { ...response, body: JSON.stringify({ ...(JSON.parse(response.body) as object), etag: { supported: false } }) };
      },
    });
    servers.push(server);
    const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4 });
    expect(etagPrecondition(await client.send({ path: '/ServiceProviderConfig' }))).toMatch(/^not advertised: \/ServiceProviderConfig does not say "etag": \{"supported": true\}/);
    await client.close();
  });
});

test('the other-case name keeps the run prefix as it is, so a stray duplicate is still swept', () => {
  const prefix = newRunPrefix();
  expect(otherCase(`${prefix}okta-1@example.com`, prefix)).toBe(`${prefix}OKTA-1@EXAMPLE.COM`);
});

/** Helpers for the breakages below: the reference server, with one step of it changed. */
const GROUP_PATH = /\/Groups\/[^/]+$/;
const USER_PATH = /\/Users\/[^/]+$/;
const JSON_ANSWER = { 'content-type': 'application/scim+json; charset=utf-8' };
const bodyOf = (request: ScimRequest): Record<string, unknown> => JSON.parse(request.body === '' ? '{}' : request.body) as Record<string, unknown>;
const opsOf = (request: ScimRequest) => (bodyOf(request)['Operations'] ?? []) as Array<Record<string, unknown>>;
const asGet = (request: ScimRequest): ScimRequest => ({ ...request, method: 'GET', body: '', query: new URLSearchParams() });
const withOps = (request: ScimRequest, Operations: unknown[]): ScimRequest => ({ ...request, body: JSON.stringify({ ...bodyOf(request), Operations }) });

/** Answers a PATCH of `path` with 200 and the resource as it was before the change, having applied it. */
const staleAnswer =
  (path: RegExp): Breakage =>
  async (request, service) => {
    if (request.method !== 'PATCH' || !path.test(request.path)) return service.handle(request);
    const before = await service.handle(asGet(request));
    const applied = await service.handle(request);
    return applied.status < 300 ? { status: 200, headers: JSON_ANSWER, ...(before.body === undefined ? {} : { body: before.body }) } : applied;
  };

/** Answers every successful PATCH of `path` with 204 and no body. */
const noContent =
  (path: RegExp): Breakage =>
  async (request, service) => {
    const answer = await service.handle(request);
    return request.method === 'PATCH' && path.test(request.path) && answer.status < 300 ? { status: 204, headers: {} } : answer;
  };

describe('membership is tested with two members', () => {
  test('a server whose remove by filter removes every member fails GROUP_REMOVE_MEMBER_BY_FILTER, and nothing else', async () => {
    const removesAll: Breakage = (request, service) =>
      request.method === 'PATCH' && GROUP_PATH.test(request.path)
        ? service.handle(
            withOps(
              request,
              opsOf(request).map((op) => (String(op['path']).startsWith('members[') ? { op: 'remove', path: 'members' } : op)),
            ),
          )
        : service.handle(request);
    const { codes } = await runFlow('group', removesAll);
    expect(codes).toEqual(['GROUP_REMOVE_MEMBER_BY_FILTER']);
  });

  test('a server whose add replaces the members fails GROUP_ADD_MEMBER, and nothing else', async () => {
    const addReplaces: Breakage = (request, service) =>
      request.method === 'PATCH' && GROUP_PATH.test(request.path)
        ? service.handle(
            withOps(
              request,
              opsOf(request).map((op) => (op['op'] === 'add' && op['path'] === 'members' ? { ...op, op: 'replace' } : op)),
            ),
          )
        : service.handle(request);
    const { codes } = await runFlow('group', addReplaces);
    expect(codes).toEqual(['GROUP_ADD_MEMBER']);
  });
});

describe('a PATCH answer shows the change', () => {
  test('a user PATCH answered 200 with the user as it was fails each PATCH rule, though the change was made', async () => {
    const okta = await runFlow('okta', staleAnswer(USER_PATH));
    expect(okta.codes).toEqual(['USER_DEACTIVATE_PATCH', 'USER_REACTIVATE_PATCH']);
    expect(okta.run.findings[0]?.got).toMatch(/^The PATCH answered 200 with the user, but the answer does not show the change: active is true \(expected false\)\.$/);
    const entra = await runFlow('entra', staleAnswer(USER_PATH));
    expect(entra.codes).toEqual(expect.arrayContaining(['PATCH_OP_CAPITALISED', 'PATCH_SEVERAL_OPERATIONS', 'PATCH_NO_PATH_DOTTED_KEYS', 'PATCH_ACTIVE_STRING']));
  });

  test('a group PATCH answered 200 with the members as they were fails GROUP_PATCH_ANSWER', async () => {
    const { codes, run } = await runFlow('group', staleAnswer(GROUP_PATH));
    // And Entra's preference for a 204 warns, as for any 200.
    expect([...new Set(codes)].sort()).toEqual(['GROUP_PATCH_ANSWER', 'GROUP_PATCH_NO_CONTENT']);
    expect(run.findings.find((f) => f.code === 'GROUP_PATCH_ANSWER')?.got).toMatch(
      /^The PATCH answered 200 with the group, but its members are \[\], while the GET right after it shows \["[^"]+"\]: the answer shows the group as it was\.$/,
    );
  });

  test.for(['okta', 'entra', 'group'] as const)('control: the %s lifecycle against PATCHes answered 204 with no body fails nothing', async (flow) => {
    const { codes } = await runFlow(flow, noContent(flow === 'group' ? GROUP_PATH : USER_PATH));
    expect(codes).toEqual([]);
  });
});

describe('excludedAttributes=members', () => {
  /** Answers each GET with excludedAttributes=members as the reference server does, then adds `members` back with `value`. */
  const membersSentAs =
    (value: unknown): Breakage =>
    async (request, service) => {
      const answer = await service.handle(request);
      if (request.method !== 'GET' || request.query.get('excludedAttributes') !== 'members' || answer.body === undefined) return answer;
      const body = JSON.parse(answer.body) as Record<string, unknown>;
      const withMembers = (group: unknown) => ({ ...(group as object), members: value });
      const changed = Array.isArray(body['Resources']) ? { ...body, Resources: body['Resources'].map(withMembers) } : withMembers(body);
      return { ...answer, body: JSON.stringify(changed) };
    };

  test('control: a server that answers "members": [] or null passes GROUP_EXCLUDED_MEMBERS (RFC 7643 §2.5: unassigned)', async () => {
    for (const value of [[], null]) {
      const { codes, run } = await runFlow('group', membersSentAs(value));
      expect(codes).toEqual([]);
      expect(run.checked.has('GROUP_EXCLUDED_MEMBERS')).toBe(true);
    }
  });

  test('a server that still sends a member fails GROUP_EXCLUDED_MEMBERS', async () => {
    const { codes, run } = await runFlow('group', membersSentAs([{ value: 'someone' }]));
    expect(codes).toEqual(['GROUP_EXCLUDED_MEMBERS']);
    expect(run.findings[0]?.got).toMatch(/returned members \[\{"value":"someone"\}\]/);
  });
});

describe('a PUT keeps everything Okta sends', () => {
  test('a server that keeps only userName and name from a PUT fails USER_PUT_REPLACES, naming what it dropped', async () => {
    const keepsNames: Breakage = (request, service) => {
      if (request.method !== 'PUT' || !USER_PATH.test(request.path)) return service.handle(request);
      const { schemas, id, userName, name } = bodyOf(request);
      return service.handle({ ...request, body: JSON.stringify({ schemas, id, userName, name }) });
    };
    const { codes, run } = await runFlow('okta', keepsNames);
    expect(codes).toEqual(['USER_PUT_REPLACES']);
    expect(run.findings[0]?.got).toMatch(
      /^The PUT answered 200, but not with what was sent: .*emails\.0\.value is absent \(sent "scimc-.*displayName is absent \(sent "Test scimc-.*locale is absent \(sent "en-US"\)/,
    );
  });

  test('control: a server that refuses only the password push is not blamed for the PUT', async () => {
    const refusesPassword: Breakage = (request, service) =>
      request.method === 'PATCH' && opsOf(request).some((op) => typeof op['value'] === 'object' && op['value'] !== null && 'password' in op['value'])
        ? {
            status: 400,
            headers: JSON_ANSWER,
            body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidPath', detail: 'password is not supported' }),
          }
        : service.handle(request);
    const { codes } = await runFlow('okta', refusesPassword);
    expect(codes).toEqual(['USER_PASSWORD_PUSH']);
  });
});

/** A gallery server by name. */
const galleryBreakage = (name: string): Breakage => {
  const broken = writeGallery.find((server) => server.name === name);
  if (broken === undefined) throw new Error(`no gallery server ${name}`);
  return broken.breakage;
};
const MEMBERSHIP = ['GROUP_ADD_MEMBER', 'GROUP_REMOVE_MEMBER_BY_FILTER', 'GROUP_REPLACE_MEMBERS', 'GROUP_REMOVE_MEMBER_BY_VALUE'];

describe('a server that never returns members (as Jackson does)', () => {
  test('fails GROUP_MEMBERS_RETURNED alone: the membership rules are skipped with that reason, the PATCH answers match the GET after them', async () => {
    const { codes, run } = await runFlow('group', galleryBreakage('members-never-returned'));
    expect(codes).toEqual(['GROUP_MEMBERS_RETURNED']);
    for (const code of MEMBERSHIP) expect(run.skipped.get(code)).toBe('not judged: the server never returns members (GROUP_MEMBERS_RETURNED)');
    // Judged, and passed: the answer shows what the GET right after it shows.
    expect(run.checked.has('GROUP_PATCH_ANSWER')).toBe(true);
    // The PUT is judged on its rename alone.
    expect(run.checked.has('GROUP_RENAME_PUT')).toBe(true);
  });

  test('control: a server that returns members but ignores a PATCH add still fails GROUP_ADD_MEMBER, and GROUP_MEMBERS_RETURNED passes', async () => {
    const { codes, run } = await runFlow('group', galleryBreakage('member-add-ignored'));
    expect(codes).toContain('GROUP_ADD_MEMBER');
    expect(codes).not.toContain('GROUP_MEMBERS_RETURNED');
    expect(run.checked.has('GROUP_MEMBERS_RETURNED')).toBe(true);
  });

  test('control: a server that ignores every membership PATCH, but returns a group created with members, is judged on membership', async () => {
    const ignoresMembershipPatches: Breakage = (request, service) =>
      request.method === 'PATCH' && GROUP_PATH.test(request.path) && opsOf(request).some((op) => String(op['path']).startsWith('members'))
        ? { status: 204, headers: {} }
        : service.handle(request);
    const { codes } = await runFlow('group', ignoresMembershipPatches);
    expect([...new Set(codes)].sort()).toEqual(['GROUP_ADD_MEMBER', 'GROUP_REMOVE_MEMBER_BY_FILTER', 'GROUP_REMOVE_MEMBER_BY_VALUE', 'GROUP_REPLACE_MEMBERS']);
  });
});

describe("Entra's soft delete: each consequence after its control", () => {
  test('a server whose externalId filter never finds the user fails USER_MATCH_EXTERNAL_ID, and USER_DEACTIVATED_FINDABLE is not judged', async () => {
    const findsNothing: Breakage = async (request, service) => {
      const answer = await service.handle(request);
      if (request.method !== 'GET' || !/^externalId/i.test(request.query.get('filter') ?? '')) return answer;
      return {
        status: 200,
        headers: JSON_ANSWER,
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] }),
      };
    };
    const { codes, run } = await runFlow('entra', findsNothing);
    expect(codes).toEqual(['USER_MATCH_EXTERNAL_ID']);
    expect(run.skipped.get('USER_DEACTIVATED_FINDABLE')).toBe('not judged: the externalId filter did not list the user before the soft delete either (USER_MATCH_EXTERNAL_ID)');
  });

  test("control: a server that hides inactive users from filters still fails USER_DEACTIVATED_FINDABLE in Entra's flow", async () => {
    const { codes } = await runFlow('entra', galleryBreakage('inactive-users-unlisted'));
    expect(codes).toContain('USER_DEACTIVATED_FINDABLE');
  });

  test('a server that stores "False" as sent fails PATCH_ACTIVE_STRING; the deactivated-user rules are its consequence, not judged, and nothing found counts for Okta', async () => {
    // The PATCH answered, and the user then read, with "active": "False", as sent (as Jackson does).
    const stringy = new Set<string>();
    const storesString: Breakage = async (request, service) => {
      const id = request.path.split('/').pop() ?? '';
      if (request.method === 'PATCH' && USER_PATH.test(request.path) && opsOf(request).some((op) => op['value'] === 'False')) stringy.add(id);
      else if (request.method !== 'GET' || !stringy.has(id)) return service.handle(request);
      const answer = await service.handle(asGet(request));
      return answer.status === 200 ? { ...answer, body: JSON.stringify({ ...(JSON.parse(answer.body ?? '{}') as object), active: 'False' }) } : answer;
    };
    const { codes, run } = await runFlow('entra', storesString);
    expect([...new Set(codes)].sort()).toEqual(['PATCH_ACTIVE_STRING', 'USER_ACTIVE_BOOLEAN']);
    for (const code of ['USER_DEACTIVATED_READABLE', 'USER_DEACTIVATED_FINDABLE'])
      expect(run.skipped.get(code)).toMatch(/^not judged: the soft delete did not make the user inactive \(it reads "active": "False"\), which is PATCH_ACTIVE_STRING$/);
    for (const finding of run.findings) expect(finding.requiredBy.okta).toBeUndefined();
    // The answer shows what the GET right after it shows: the stored string is blamed, not the answer.
    expect(run.findings.filter((f) => f.code === 'PATCH_ACTIVE_STRING').map((f) => f.got)).toEqual([
      'After {"op":"Replace","path":"active","value":"False"}, active is "False" (expected false).',
    ]);
    expect(run.findings.find((f) => f.code === 'USER_ACTIVE_BOOLEAN')?.level).toBe(levelFor({ requiredBy: { entra: 'MUST', rfc: 'MUST' } }, ['okta', 'entra', 'rfc']));
  });

  test('control: a server that deletes the user on the soft delete still fails USER_DEACTIVATED_READABLE, as an Entra finding', async () => {
    const { codes, run } = await runFlow('entra', galleryBreakage('inactive-users-404'));
    expect(codes).toContain('USER_DEACTIVATED_READABLE');
    expect(run.findings.find((f) => f.code === 'USER_DEACTIVATED_READABLE')?.requiredBy).toEqual({ entra: 'MUST' });
  });

  test("control: the same server fails USER_DEACTIVATED_READABLE in Okta's own flow, at Okta's level", async () => {
    const { run } = await runFlow('okta', galleryBreakage('inactive-users-404'));
    expect(run.findings.find((f) => f.code === 'USER_DEACTIVATED_READABLE')?.requiredBy).toEqual({ okta: 'MUST', entra: 'MUST' });
  });
});

test("bad input Okta never sends: its findings are not Okta's", async () => {
  const { codes, run } = await runFlow('bad', galleryBreakage('junk-body-500'));
  expect(codes).toContain('INPUT_UNPARSEABLE_BODY');
  for (const finding of run.findings) expect(finding.requiredBy.okta).toBeUndefined();
});

describe('a group DELETE answered 200 instead of 204', () => {
  const deletion = (status: number) => ({ ...exchangeOf({ status, body: {} }), request: { method: 'DELETE', url: 'https://scim.example.test/scim/v2/Groups/g1', headers: {} } });
  const judged = (status: number, after: number) => {
    const run = new CheckRun();
    checkGroupDeleted(run, deletion(status), exchangeOf({ status: after, body: {} }), undefined);
    return run.findings.find((found) => found.code === groupRules.GROUP_DELETE.code);
  };

  test("with the group gone, is the RFC's and Microsoft's collection's finding, not Okta's: Okta's unlink has what it needs", () => {
    expect(judged(200, 404)?.requiredBy).toEqual({ entra: 'MUST', rfc: 'MUST' });
  });

  test('control: a group still there after the DELETE is every client’s finding', () => {
    expect(judged(204, 200)?.requiredBy).toEqual({ okta: 'MUST', entra: 'MUST', rfc: 'MUST' });
  });
});
