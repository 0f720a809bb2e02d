/**
 * A server without Groups is judged by what Okta and Entra then do: they push no group to it, so
 * its group flows are "not offered", and nothing of them is a blocker. Told apart from a server
 * whose Groups are there but broken, which is still blamed.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ScimRequest, ScimResponse } from '../../src/reference-server/types.js';
import { judgeFlow, type FlowContext } from '../../src/report/flow-verdict.js';
import type { Flow } from '../../src/report/flows.js';
import type { Outcome } from '../../src/report/verdict.js';
import { readFeatures } from '../../src/checks/discovery.js';
import { CheckRun } from '../../src/checks/run.js';
import { userLifecycleRules } from '../../src/checks/user-lifecycle.js';
import { checkPatchImplemented, groupsAbsence, groupsWithheld, withPatchNotOffered } from '../../src/suite/capabilities.js';
import { RECORDING_TOKEN, startRecordingServer, type RecordingServer } from '../servers/recording.js';
import { exchangeOf } from '../support/exchange.js';
import { runSuites, type SuiteRun } from '../support/run-suite.js';

const USER_TYPE = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:User',
};
const GROUP_TYPE = { ...USER_TYPE, id: 'Group', name: 'Group', endpoint: '/Groups', schema: 'urn:ietf:params:scim:schemas:core:2.0:Group' };
const listOf = (...types: object[]) => exchangeOf({ body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: types.length, Resources: types } });
const groupsAnswer = (status: number, body?: unknown) => exchangeOf({ status, ...(body === undefined ? { raw: 'Cannot GET /scim/v2/Groups' } : { body }) });
const EMPTY_LIST = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] };
/** Okta's connection probe answered with a ListResponse: /Users works. */
const users = exchangeOf({ body: EMPTY_LIST });

describe('groupsAbsence', () => {
  test('/Groups answering 404 while /Users works says the server does not offer Groups', () => {
    expect(groupsAbsence({ users, resourceTypes: listOf(USER_TYPE, GROUP_TYPE), groups: groupsAnswer(404) })).toBe(
      'the server does not offer Groups: GET /Groups answered 404 while GET /Users works',
    );
  });

  test('/ResourceTypes listing no Group, with /Groups refused, says so and names what it lists', () => {
    expect(groupsAbsence({ users, resourceTypes: listOf(USER_TYPE), groups: groupsAnswer(400, { detail: 'unknown resource' }) })).toBe(
      'the server does not offer Groups: GET /ResourceTypes lists no Group resource type (only User), and GET /Groups answered 400',
    );
  });

  test('a bare array of resource types is read too', () => {
    expect(groupsAbsence({ users, resourceTypes: exchangeOf({ body: [USER_TYPE] }), groups: groupsAnswer(403, {}) })).toMatch(/lists no Group resource type \(only User\)/);
  });

  test.for([
    ['Groups listed and answering', listOf(USER_TYPE, GROUP_TYPE), groupsAnswer(200, EMPTY_LIST)],
    ['Groups listed but /Groups broken (a finding, not an absence)', listOf(USER_TYPE, GROUP_TYPE), groupsAnswer(500, {})],
    ['no Group in /ResourceTypes, yet /Groups answers (a client would use it)', listOf(USER_TYPE), groupsAnswer(200, EMPTY_LIST)],
    ['/ResourceTypes unreadable and /Groups broken', groupsAnswer(500, {}), groupsAnswer(500, {})],
  ] as const)('%s: Groups are offered', ([, resourceTypes, groups]) => {
    expect(groupsAbsence({ users, resourceTypes, groups })).toBeUndefined();
  });

  // A wrong Base URL: /Groups is missing for the same reason /Users is, which says nothing of Groups.
  test.for([
    ['a web page (200 text/html)', exchangeOf({ headers: { 'content-type': 'text/html' }, raw: '<!DOCTYPE html><title>Welcome</title>' })],
    ['…/scim/v2/Users, so that the probe is /Users/Users (404)', exchangeOf({ status: 404, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' } })],
    ['a path that 404s everywhere', groupsAnswer(404)],
    ['a 200 JSON body that is no ListResponse', exchangeOf({ body: { ok: true } })],
  ] as const)('with /Users not answering a ListResponse (%s), Groups are not judged absent, and the group checks wait for the connection checks', ([, notListed]) => {
    const evidence = { users: notListed, resourceTypes: groupsAnswer(404), groups: groupsAnswer(404) };
    expect(groupsAbsence(evidence)).toBeUndefined();
    expect(groupsWithheld(evidence)).toMatch(
      /^not checked: whether the server offers Groups cannot be told while GET \/Users does not answer a ListResponse \(GET \S+ answered \d+.*\); the connection checks name the cause$/,
    );
  });

  test('with /Users working, the group checks are withheld only as "not offered"', () => {
    expect(groupsWithheld({ users, resourceTypes: listOf(USER_TYPE, GROUP_TYPE), groups: groupsAnswer(404) })).toMatch(/^the server does not offer Groups: /);
    expect(groupsWithheld({ users, resourceTypes: listOf(USER_TYPE, GROUP_TYPE), groups: groupsAnswer(200, EMPTY_LIST) })).toBeUndefined();
  });
});

/** The reference server with no Groups: /Groups is an unknown route (a plain 404, as express answers), and /ResourceTypes lists User alone. */
async function withoutGroups(request: ScimRequest, handle: (r: ScimRequest) => ScimResponse | Promise<ScimResponse>): Promise<ScimResponse> {
  if (/\/(Groups|ResourceTypes\/Group)(\/|$)/i.test(request.path))
    return { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `Cannot ${request.method} ${request.path}` };
  const response = await handle(request);
  if (!/\/ResourceTypes$/.test(request.path) || response.status !== 200 || response.body === undefined) return response;
  const list = JSON.parse(response.body) as { Resources: Array<{ name: string }> };
  const Resources = list.Resources.filter((type) => type.name !== 'Group');
  return { ...response, body: JSON.stringify({ ...list, totalResults: Resources.length, itemsPerPage: Resources.length, Resources }) };
}

/** The verdict's lines for one client, from its headline to the next client's. */
function verdictOf(run: SuiteRun, client: 'Okta' | 'Entra ID' | 'RFC 7643/7644'): string[] {
  const output = `${run.stdout}\n${run.stderr}`;
  const lines = output.slice(output.lastIndexOf('\nVerdict\n')).split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  ${client}:`));
  const end = lines.findIndex((line, index) => index > start && /^ {2}\S/.test(line));
  return lines.slice(start, end < 0 ? undefined : end);
}

const flowLine = (lines: readonly string[], flow: string) => lines.find((line) => /^ {6}\S /.test(line) && line.includes(flow)) ?? `no line names ${flow}`;

describe('a write run against a server without Groups', () => {
  let server: RecordingServer;
  let run: SuiteRun;
  beforeAll(async () => {
    server = await startRecordingServer({ breakage: (request, service) => withoutGroups(request, (r) => service.handle(r)) });
    run = await runSuites({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: RECORDING_TOKEN, SCIM_WRITE: 'true' });
  }, 180_000);
  afterAll(async () => server.close());

  test('raises no finding at all: the reference server is right in everything else', () => {
    expect(run.tests.length).toBeGreaterThan(100);
    expect(run.findings.map((finding) => finding.code)).toEqual([]);
    expect(run.exitCode).toBe(0);
  });

  test.for(['import groups', 'group push: create', 'group push: rename', 'group push: membership', 'group push: delete'])(
    'Okta\'s "%s" is not offered, with the reason',
    (flow) => {
      expect(flowLine(verdictOf(run, 'Okta'), flow)).toMatch(/^ {6}○ .*: not offered: the server does not offer Groups: GET \/Groups answered 404 while GET \/Users works$/);
    },
  );

  test("Entra's group provisioning is not offered, and neither client has a blocker", () => {
    expect(flowLine(verdictOf(run, 'Entra ID'), 'group provisioning')).toMatch(/○ .*group provisioning.*: not offered: the server does not offer Groups/);
    for (const client of ['Okta', 'Entra ID'] as const) expect(verdictOf(run, client).filter((line) => line.includes('✗'))).toEqual([]);
  });

  test('sends no write to /Groups: nothing is pushed to a server that has none', () => {
    expect(server.calls.filter((call) => /\/Groups(\/|$)/.test(call.path) && call.method !== 'GET')).toEqual([]);
  });
});

describe('a check a flow judged in one block and that another block skipped as not offered', () => {
  const flow: Flow = { name: 'users', stage: 'core protocol', basis: 'RFC 7644 §3.3', checks: [{ codes: ['WRITE_CREATED_NOT_OURS', 'USER_CREATE_STATUS'] }] };
  const outcome = (name: string, code: string, state: Outcome['state'], skip?: string): Outcome => ({
    name,
    code,
    state,
    findings: [],
    accepted: undefined,
    skipReason: skip,
    ...(skip === undefined ? {} : { skipKind: 'not-offered' as const }),
  });
  const context = (outcomes: Outcome[]): FlowContext => ({
    outcomes,
    profile: 'rfc',
    blocks: () => true,
    warns: () => false,
    required: () => true,
    canBlock: () => true,
    causes: [],
  });
  const etagSkip = outcome('ETag and If-Match, when advertised > WRITE_CREATED_NOT_OURS', 'WRITE_CREATED_NOT_OURS', 'skipped', 'the ServiceProviderConfig does not advertise etag');

  test('leaves the flow working: its checks were judged (better-auth, whose users area was "not offered")', () => {
    const outcomes = [
      outcome('Okta provisions a user > WRITE_CREATED_NOT_OURS', 'WRITE_CREATED_NOT_OURS', 'passed'),
      outcome('Okta provisions a user > USER_CREATE_STATUS', 'USER_CREATE_STATUS', 'passed'),
      etagSkip,
    ];
    expect(judgeFlow(flow, context(outcomes)).state).toBe('works');
  });

  test('control: a check skipped as not offered everywhere still makes the flow not offered', () => {
    const outcomes = [etagSkip, outcome('ETag > USER_CREATE_STATUS', 'USER_CREATE_STATUS', 'skipped', 'the ServiceProviderConfig does not advertise etag')];
    expect(judgeFlow(flow, context(outcomes))).toMatchObject({ state: 'not offered', why: 'the ServiceProviderConfig does not advertise etag' });
  });
});

/**
 * A wrong Base URL: /Groups is missing there for the same reason /Users is. The group checks wait
 * for the connection checks' cause, and nothing of them says the server "does not offer Groups".
 */
describe('read-only runs behind a wrong Base URL', () => {
  const HTML = '<!DOCTYPE html><html><head><title>Acme</title></head><body><h1>Welcome to Acme</h1></body></html>';
  const wrong = [
    { name: 'a web page', path: '', breakage: () => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: HTML }) },
    { name: 'the Users endpoint (…/scim/v2/Users)', path: '/Users' },
    { name: 'a path that 404s everywhere', path: '/nothing-here' },
  ];
  const runs = new Map<string, SuiteRun>();
  const servers: RecordingServer[] = [];
  beforeAll(async () => {
    for (const { name, path, breakage } of wrong) {
      const server = await startRecordingServer(breakage === undefined ? {} : { breakage });
      servers.push(server);
      runs.set(name, await runSuites({ SCIM_BASE_URL: `${server.baseUrl}${path}`, SCIM_TOKEN: RECORDING_TOKEN }));
    }
  }, 300_000);
  afterAll(async () => Promise.all(servers.map((server) => server.close())));
  const runOf = (name: string) => runs.get(name) ?? expect.unreachable(`no run for ${name}`);

  test.for(wrong.map((w) => w.name))('behind %s, no check is skipped as "does not offer Groups"', (name) => {
    const run = runOf(name);
    expect(run.exitCode).not.toBe(0);
    expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/does not offer Groups/);
  });

  test.for(wrong.map((w) => w.name))('behind %s, Okta\'s group import is not "not offered": it breaks on, or waits for, the connection\'s cause', (name) => {
    expect(flowLine(verdictOf(runOf(name), 'Okta'), 'import groups')).toMatch(/^ {6}[✗–] .*import groups.*: (breaks: [A-Z_]+|not tested: .+)$/);
  });
});

/**
 * A server without PATCH: its ServiceProviderConfig says patch.supported false (unless `claims`),
 * and every PATCH is answered `status` with a SCIM Error, as a server that has no PATCH handler does.
 */
function withoutPatch(status: number, claims = false) {
  return async (request: ScimRequest, handle: (r: ScimRequest) => ScimResponse | Promise<ScimResponse>): Promise<ScimResponse> => {
    if (request.method === 'PATCH') {
      const error = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail: 'PATCH is not implemented' };
      return { status, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify(error) };
    }
    const response = await handle(request);
    if (claims || !/\/ServiceProviderConfig$/.test(request.path) || response.body === undefined) return response;
    return { ...response, body: JSON.stringify({ ...(JSON.parse(response.body) as object), patch: { supported: false } }) };
  };
}

describe('PATCH_IMPLEMENTED and the RFC view of a server without PATCH', () => {
  const patchAnswered = (status: number) => ({ ...exchangeOf({ status, body: {} }), request: { method: 'PATCH', url: 'https://scim.example.test/scim/v2/Users/1', headers: {} } });
  const spc = (supported: boolean) => readFeatures(exchangeOf({ body: { patch: { supported } } }));
  const probe = (status: number) => ({ patch: patchAnswered(status), read: exchangeOf({ body: {} }), displayName: 'x' });

  test.for([405, 501])('a plain PATCH answered %i fails PATCH_IMPLEMENTED, saying what the ServiceProviderConfig says', (status) => {
    const run = checkPatchImplemented(spc(false), probe(status));
    expect(run.findings.map((f) => [f.code, f.got])).toEqual([
      ['PATCH_IMPLEMENTED', expect.stringMatching(new RegExp(`answered ${status}.*; as the ServiceProviderConfig says: the ServiceProviderConfig does not advertise patch`))],
    ]);
  });

  test.for([200, 204, 400, 500])('control: a plain PATCH answered %i is a PATCH that is there (what else it breaks is for other checks)', (status) => {
    expect(checkPatchImplemented(spc(true), probe(status)).checked).toEqual(new Set(['PATCH_IMPLEMENTED']));
    expect(checkPatchImplemented(spc(true), probe(status)).findings).toEqual([]);
  });

  const deactivation = () => {
    const run = new CheckRun();
    run.pass(userLifecycleRules.USER_CREATE_STATUS);
    run.fail(userLifecycleRules.USER_DEACTIVATE_PATCH, { got: 'refused', exchange: patchAnswered(501) });
    return run;
  };
  const rules = [userLifecycleRules.USER_CREATE_STATUS, userLifecycleRules.USER_DEACTIVATE_PATCH, userLifecycleRules.USER_DEACTIVATED_READABLE];

  test('without PATCH offered, a finding of a PATCH answered 501 is kept for Okta without the RFC, and what it left unjudged is not offered', () => {
    const run = withPatchNotOffered(deactivation(), rules, spc(false), ['okta', 'entra', 'rfc']);
    expect(run.findings.map((f) => [f.code, f.requiredBy])).toEqual([['USER_DEACTIVATE_PATCH', { okta: 'MUST' }]]);
    expect([...run.skipped]).toEqual([['USER_DEACTIVATED_READABLE', expect.stringMatching(/^the server does not offer PATCH, which this check sends: .*answered 501/)]]);
  });

  test('for the RFC alone, it is no finding: the check is skipped as not offered', () => {
    const run = withPatchNotOffered(deactivation(), rules, spc(false), ['rfc']);
    expect(run.findings).toEqual([]);
    expect(run.checked).toEqual(new Set(['USER_CREATE_STATUS']));
    expect(run.skipped.get('USER_DEACTIVATE_PATCH')).toMatch(/does not offer PATCH/);
  });

  test('control: a server that advertises PATCH is blamed for refusing it, at the RFC level too', () => {
    const run = withPatchNotOffered(deactivation(), rules, spc(true), ['rfc']);
    expect(run.findings.map((f) => [f.code, f.requiredBy['rfc']])).toEqual([['USER_DEACTIVATE_PATCH', 'MUST']]);
  });
});

describe('write runs against a server without PATCH', () => {
  let servers: RecordingServer[] = [];
  const runs = new Map<string, SuiteRun>();
  const started = async (name: string, breakage: ReturnType<typeof withoutPatch>, env: Record<string, string> = {}) => {
    const server = await startRecordingServer({ breakage: (request, service) => breakage(request, (r) => service.handle(r)) });
    servers.push(server);
    runs.set(name, await runSuites({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: RECORDING_TOKEN, SCIM_WRITE: 'true', ...env }));
  };
  beforeAll(async () => {
    await started('no PATCH', withoutPatch(501));
    await started('no PATCH, RFC alone', withoutPatch(405), { SCIM_PROFILE: 'rfc' });
    await started('PATCH claimed, answered 501', withoutPatch(501, true));
  }, 300_000);
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    servers = [];
  });
  const runOf = (name: string) => runs.get(name) ?? expect.unreachable(`no run for ${name}`);
  const blockerLines = (lines: readonly string[]) => lines.filter((line) => /^ {4}✗ /.test(line));

  test('Okta: one blocker, PATCH_IMPLEMENTED, under which the PATCH refusals fold; deactivate and group push break on it', () => {
    const okta = verdictOf(runOf('no PATCH'), 'Okta');
    expect(okta[0]).toMatch(/^ {2}Okta: 1 blocker, 3 findings that follow from it/);
    expect(blockerLines(okta)).toEqual([expect.stringMatching(/^ {4}✗ PATCH_IMPLEMENTED: Implement PATCH as RFC 7644 §3\.5\.2 defines it/)]);
    expect(okta).toContainEqual(expect.stringMatching(/… and 3 more that follow from it: .*USER_DEACTIVATE_PATCH/));
    for (const flow of ['deactivate and reactivate', 'group push: rename', 'group push: membership']) expect(flowLine(okta, flow)).toMatch(/✗ .*: breaks: PATCH_IMPLEMENTED$/);
    expect(flowLine(okta, 'create user')).toMatch(/✓ .*: works$/);
  });

  test('the blocker cites the client behaviour it rests on', () => {
    const found = runOf('no PATCH').findings.find((f) => f.code === 'PATCH_IMPLEMENTED');
    expect(found?.source).toMatch(/SCIM-CLIENTS\.md, Okta: OIN apps use PATCH for activate, deactivate and password/);
    expect(found?.source).toMatch(/Entra: every update and the soft delete are a PATCH/);
    expect(found?.got).toMatch(/PATCH \S+\/Users\/\S+ answered 501.*as the ServiceProviderConfig says/);
  });

  test('Entra: one blocker, PATCH_IMPLEMENTED; update, soft delete and group provisioning break on it', () => {
    const entra = verdictOf(runOf('no PATCH'), 'Entra ID');
    expect(entra[0]).toMatch(/^ {2}Entra ID: 1 blocker, 4 findings that follow from it/);
    expect(blockerLines(entra)).toEqual([expect.stringMatching(/^ {4}✗ PATCH_IMPLEMENTED: /)]);
    for (const flow of ['update (PATCH)', 'soft delete', 'group provisioning']) expect(flowLine(entra, flow)).toMatch(/✗ .*: breaks: PATCH_IMPLEMENTED$/);
  });

  test('RFC: no blocker; the PATCH area is not offered, with the reason', () => {
    const rfc = verdictOf(runOf('no PATCH'), 'RFC 7643/7644');
    expect(blockerLines(rfc)).toEqual([]);
    expect(flowLine(rfc, 'PATCH')).toMatch(/^ {6}○ PATCH.*: not offered: .*does not advertise patch \(patch\.supported is false\)/);
  });

  test('judged for the RFC alone, a server without PATCH passes: its PATCH checks are skipped as not offered, none fails', () => {
    const run = runOf('no PATCH, RFC alone');
    expect(run.tests.filter((t) => t.status === 'failed').map((t) => t.name)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const skipped = run.tests.filter((t) => t.status === 'skipped' && ['USER_DEACTIVATE_PATCH', 'PATCH_SEVERAL_OPERATIONS', 'GROUP_PATCH_ANSWER'].includes(t.code ?? ''));
    expect(skipped.map((t) => t.code).sort()).toEqual(['GROUP_PATCH_ANSWER', 'PATCH_SEVERAL_OPERATIONS', 'USER_DEACTIVATE_PATCH']);
    expect(flowLine(verdictOf(run, 'RFC 7643/7644'), 'PATCH')).toMatch(/○ PATCH.*: not offered: /);
  });

  test('control: a server that advertises PATCH and answers it 501 is blamed at the RFC level too', () => {
    const run = runOf('PATCH claimed, answered 501');
    const rfc = verdictOf(run, 'RFC 7643/7644');
    expect(blockerLines(rfc)).toEqual(expect.arrayContaining([expect.stringMatching(/✗ DISCOVERY_PATCH_WORKS: /), expect.stringMatching(/✗ USER_DEACTIVATE_PATCH: /)]));
    expect(flowLine(rfc, 'PATCH')).toMatch(/✗ PATCH.*: breaks: DISCOVERY_PATCH_WORKS$/);
    expect(blockerLines(verdictOf(run, 'Okta'))).toEqual([expect.stringMatching(/^ {4}✗ PATCH_IMPLEMENTED: /)]);
    expect(run.findings.find((f) => f.code === 'PATCH_IMPLEMENTED')?.got).toMatch(/yet the ServiceProviderConfig advertises patch\.supported true/);
  });
});
