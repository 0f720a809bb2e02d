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
import { groupsAbsence, groupsWithheld } from '../../src/suite/capabilities.js';
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
