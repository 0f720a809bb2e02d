/**
 * The hostile write gallery: every write flow, run in process against each server of
 * test/hostile/write-servers.ts, leaves the bystanders byte for byte as they were, never sends a
 * PUT, PATCH or DELETE to their ids (the server's own log says so), names every resource it could
 * not remove, and reports a create answered with a resource that is not the one created as the
 * blocker WRITE_CREATED_NOT_OURS. A reference server run is the control: no blocker, nothing left.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { CheckRun } from '../../src/checks/run.js';
import { WRITE_SPEC_PATHS } from '../../src/checks/spec-files.js';
import { ScimClient, WriteGuardRefusal } from '../../src/http/client.js';
import { READ_BACK_DELAYS_MS } from '../../src/http/write-guard.js';
import { cleanupSweepOptions, describeSweep, sweepLeftovers } from '../../src/suite/sweep.js';
import { describeCleanup, newRunPrefix, TestData, type CleanupReport } from '../../src/suite/test-data.js';
import { badInputFlow, entraUserFlow, etagFlow, groupFlow, oktaUserFlow, type FlowContext } from '../../src/flows/write-flows.js';
import { bystanders, leftovers, RECORDING_TOKEN, startRecordingServer, type Breakage, type RecordingServer } from '../servers/recording.js';
import { runSuites, verdictBlockers, type SuiteRun } from '../support/run-suite.js';
import { BYSTANDER_IDS, BYSTANDER_USER_ID, FLOW_NAMES, hostileWriteServers, lagging, type FlowName } from './write-servers.js';

const BLOCKER = 'WRITE_CREATED_NOT_OURS';
const flows: Record<FlowName, (context: FlowContext) => Promise<CheckRun>> = {
  okta: oktaUserFlow,
  entra: entraUserFlow,
  group: groupFlow,
  bad: badInputFlow,
  etag: etagFlow,
};

const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface FlowOutcome {
  run: CheckRun;
  report: CleanupReport;
  lines: string[];
  server: RecordingServer;
  before: string;
  sleeps: number[];
}

async function runFlow(flow: FlowName, breakage?: Breakage): Promise<FlowOutcome> {
  const server = await startRecordingServer(breakage === undefined ? {} : { breakage });
  servers.push(server);
  const before = bystanders(server.service);
  const sleeps: number[] = [];
  // The read-back's waits are recorded, not slept: the test needs no clock.
  const readBackSleep = (ms: number) => {
    sleeps.push(ms);
    return Promise.resolve();
  };
  const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4, readBackSleep });
  const data = new TestData(client, newRunPrefix(), flow);
  try {
    const run = await flows[flow]({ client, data });
    const report = await data.cleanup();
    return { run, report, lines: describeCleanup(report), server, before, sleeps };
  } finally {
    await client.close();
  }
}

/** Every PUT, PATCH or DELETE the server received for a bystander's id. */
function writesToBystanders(server: RecordingServer): string[] {
  return server
    .writes()
    .filter((call) => call.method !== 'POST' && BYSTANDER_IDS.has(decodeURIComponent(call.path.split('/').pop() ?? '')))
    .map((call) => `${call.method} ${call.path}`);
}

/** The run's resources still on the server (by id, as a rename keeps it) that no line of the cleanup report names. */
function unnamedLeftovers(outcome: FlowOutcome): string[] {
  const { users, groups } = outcome.server.service.store.snapshot() as Record<'users' | 'groups', Array<Record<string, unknown>>>;
  const ids = [...users, ...groups].map((resource) => String(resource['id'])).filter((id) => !BYSTANDER_IDS.has(id));
  return ids.filter((id) => !outcome.lines.some((line) => line.includes(`(id ${id})`)));
}

const codes = (run: CheckRun) => run.findings.map((finding) => finding.code);

describe.for(hostileWriteServers)('a server where $cause', (hostile) => {
  test.for(FLOW_NAMES)('the %s flow leaves bystanders untouched and names what it leaves', async (flow) => {
    const outcome = await runFlow(flow, hostile.breakage);
    expect(bystanders(outcome.server.service)).toBe(outcome.before);
    expect(writesToBystanders(outcome.server)).toEqual([]);
    expect(unnamedLeftovers(outcome)).toEqual([]);
    if (hostile.blocks.includes(flow)) {
      expect(codes(outcome.run)).toContain(BLOCKER);
      expect(outcome.lines.some((line) => line.startsWith('not ours: '))).toBe(true);
    } else {
      expect(codes(outcome.run)).not.toContain(BLOCKER);
    }
    if (hostile.keepsResources) expect(leftovers(outcome.server.service).length).toBeGreaterThan(0);
    else expect(leftovers(outcome.server.service)).toEqual([]);
  });
});

describe('the write guard stops a flow at a create that is not ours', () => {
  const stealing = hostileWriteServers.find((server) => server.name === 'steals-user-id');
  if (stealing === undefined) throw new Error('the gallery lost steals-user-id');

  test('the Okta flow sends no PUT or PATCH at all, and skips its rules with the blocker as the reason', async () => {
    const outcome = await runFlow('okta', stealing.breakage);
    const finding = outcome.run.findings.find((f) => f.code === BLOCKER);
    expect(finding?.got).toMatch(new RegExp(`was answered with id ${BYSTANDER_USER_ID}, and GET /Users/${BYSTANDER_USER_ID} answers "[^"]+", which is not this run's`));
    expect(outcome.server.writes().filter((call) => call.method === 'PUT' || call.method === 'PATCH')).toEqual([]);
    expect(outcome.run.skipped.get('USER_PUT_REPLACES')).toMatch(/^not sent: the server answered a create with a resource that is not the one created \(WRITE_CREATED_NOT_OURS\)$/);
  });

  test('the user the server really created is found by its name and removed', async () => {
    const outcome = await runFlow('etag', stealing.breakage);
    expect(outcome.report.deleted.map((r) => r.kind)).toEqual(['Users']);
    expect(leftovers(outcome.server.service)).toEqual([]);
  });

  test('a client refuses a write to a bystander before anything is sent, whatever asks for it', async () => {
    const server = await startRecordingServer();
    servers.push(server);
    const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4 });
    try {
      const path = `/Users/${BYSTANDER_USER_ID}`;
      for (const method of ['PUT', 'PATCH', 'DELETE']) {
        await expect(client.send({ method, path, json: {} })).rejects.toMatchObject({ name: 'WriteGuardRefusal', code: 'WRITE_GUARD_REFUSED', reason: 'not-created' });
      }
      await expect(client.send({ method: 'POST', path: '/Bulk', json: {} })).rejects.toBeInstanceOf(WriteGuardRefusal);
      await expect(client.send({ method: 'PUT', path: '/ServiceProviderConfig', json: {} })).rejects.toBeInstanceOf(WriteGuardRefusal);
      expect(server.calls).toEqual([]);
    } finally {
      await client.close();
    }
  });

  test('a group of ours gets no member that is not a user of this run', async () => {
    const server = await startRecordingServer();
    servers.push(server);
    const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4 });
    const data = new TestData(client, newRunPrefix(), 'm');
    try {
      await expect(data.createGroup({ members: [{ value: BYSTANDER_USER_ID }] })).rejects.toMatchObject({ reason: 'members' });
      const group = await data.createGroup();
      const id = group.created?.id ?? '';
      const add = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Add', path: 'members', value: [{ value: BYSTANDER_USER_ID }] }] };
      await expect(client.send({ method: 'PATCH', path: `/Groups/${id}`, json: add })).rejects.toMatchObject({ reason: 'members' });
      const own = await data.createUser();
      const ok = await client.send({ method: 'PATCH', path: `/Groups/${id}`, json: { ...add, Operations: [{ op: 'add', path: 'members', value: [{ value: own.created?.id }] }] } });
      expect(ok.response?.status).toBeLessThan(300);
      expect(writesToBystanders(server)).toEqual([]);
      await data.cleanup();
      expect(leftovers(server.service)).toEqual([]);
    } finally {
      await client.close();
    }
  });
});

describe("a group's DELETE is judged on the group as it is now", () => {
  const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

  async function withGroup(breakage?: Breakage) {
    const server = await startRecordingServer(breakage === undefined ? {} : { breakage });
    servers.push(server);
    // The cleanup reads back the group these tests deleted themselves: its retries are not slept.
    const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4, readBackSleep: () => Promise.resolve() });
    const data = new TestData(client, newRunPrefix(), 'd');
    const member = await data.createUser();
    const group = await data.createGroup();
    const path = `/Groups/${group.created?.id ?? ''}`;
    const addMember = () =>
      client.send({ method: 'PATCH', path, json: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: member.created?.id }] }] } });
    const callsTo = () => server.calls.filter((call) => call.path.endsWith(path)).map((call) => `${call.method}${call.query === '' ? '' : `?${call.query}`}`);
    return { server, client, data, path, addMember, callsTo };
  }

  test('a plain GET of it sent after the last write of the run stands for the read before the DELETE', async () => {
    const { client, data, path, addMember, callsTo } = await withGroup();
    try {
      await addMember();
      await client.send({ path });
      await client.send({ method: 'DELETE', path });
      expect(callsTo()).toEqual(['GET', 'PATCH', 'GET', 'DELETE']);
    } finally {
      await data.cleanup();
      await client.close();
    }
  });

  test.for([
    [
      'a write after that GET',
      async (t: Awaited<ReturnType<typeof withGroup>>) => (await t.client.send({ path: t.path }), await t.addMember()),
      ['GET', 'GET', 'PATCH', 'GET', 'DELETE'],
    ],
    [
      'a GET that may leave members out (excludedAttributes)',
      async (t: Awaited<ReturnType<typeof withGroup>>) => (await t.addMember(), await t.client.send({ path: t.path, query: { excludedAttributes: 'members' } })),
      ['GET', 'PATCH', 'GET?excludedAttributes=members', 'GET', 'DELETE'],
    ],
  ] as const)('control: after %s, the group is read again before its DELETE', async ([, steps, expected]) => {
    const group = await withGroup();
    try {
      await steps(group);
      await group.client.send({ method: 'DELETE', path: group.path });
      expect(group.callsTo()).toEqual(expected);
    } finally {
      await group.data.cleanup();
      await group.client.close();
    }
  });

  test("a group read with a member that is not the run's is read again, and not deleted", async () => {
    let stranger = false;
    const { client, data, path, callsTo } = await withGroup((request, service) => {
      const answer = service.handle(request);
      if (!stranger || request.method !== 'GET' || !request.path.endsWith(path)) return answer;
      return Promise.resolve(answer).then((a) => ({ ...a, body: JSON.stringify({ ...JSON.parse(a.body ?? '{}'), members: [{ value: BYSTANDER_USER_ID }] }) }));
    });
    try {
      stranger = true;
      await client.send({ path });
      await expect(client.send({ method: 'DELETE', path })).rejects.toMatchObject({ reason: 'members' });
      expect(callsTo()).toEqual(['GET', 'GET', 'GET']);
    } finally {
      stranger = false;
      await data.cleanup();
      await client.close();
    }
  });
});

describe('a resource not yet readable right after its create', () => {
  test('is read again a few times with a short backoff, and the lag is reported', async () => {
    const outcome = await runFlow('etag', lagging(2));
    expect(codes(outcome.run)).toEqual([]);
    expect(outcome.sleeps).toEqual(READ_BACK_DELAYS_MS.slice(0, 2));
    expect(outcome.report.lagged).toEqual([expect.objectContaining({ kind: 'Users', tries: 3, waitedMs: (READ_BACK_DELAYS_MS[0] ?? 0) + (READ_BACK_DELAYS_MS[1] ?? 0) })]);
    expect(outcome.lines).toEqual([expect.stringMatching(/^note: user scimc-.* was readable only after 3 tries \(\d+ ms\): the server's store is eventually consistent$/)]);
    expect(leftovers(outcome.server.service)).toEqual([]);
  });

  test('is concluded missing only after the bounded tries, as a create answered with an id that does not exist', async () => {
    const outcome = await runFlow('etag', lagging(Number.POSITIVE_INFINITY));
    expect(outcome.sleeps).toEqual([...READ_BACK_DELAYS_MS]);
    expect(codes(outcome.run)).toEqual([BLOCKER]);
    expect(outcome.run.findings[0]?.got).toMatch(/answered 404 \(5 tries over \d+ ms\): no such resource/);
    expect(writesToBystanders(outcome.server)).toEqual([]);
  });
});

describe('the control: the reference server', () => {
  test.for(FLOW_NAMES)('the %s flow reports no blocker and leaves nothing', async (flow) => {
    const outcome = await runFlow(flow);
    expect(codes(outcome.run)).toEqual([]);
    expect(outcome.run.checked.has(BLOCKER)).toBe(true);
    expect(outcome.lines).toEqual([]);
    expect(outcome.sleeps).toEqual([]);
    expect(leftovers(outcome.server.service)).toEqual([]);
  });
});

describe('a sweep facing look-alikes', () => {
  const HOUR = 60 * 60 * 1000;

  /** Puts a resource straight into the server's store, as someone else would have. */
  function plant(server: RecordingServer, kind: 'Users' | 'Groups', body: Record<string, unknown>): string {
    const schema = kind === 'Users' ? 'urn:ietf:params:scim:schemas:core:2.0:User' : 'urn:ietf:params:scim:schemas:core:2.0:Group';
    const response = server.service.handle({
      method: 'POST',
      path: `/scim/v2/${kind}`,
      query: new URLSearchParams(),
      headers: { authorization: `Bearer ${RECORDING_TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [schema], ...body }),
    });
    return String((JSON.parse(response.body ?? '{}') as Record<string, unknown>)['id']);
  }

  const recordOf = (server: RecordingServer, id: string) => {
    const { users, groups } = server.service.store.snapshot() as Record<'users' | 'groups', Array<Record<string, unknown>>>;
    return JSON.stringify([...users, ...groups].find((resource) => resource['id'] === id));
  };

  async function sweepClient(breakage?: Breakage) {
    const server = await startRecordingServer(breakage === undefined ? {} : { breakage });
    servers.push(server);
    return { server, client: new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4, write: true }) };
  }

  test("keeps an old run-named group that holds a bystander, and says so; removes an old run's own group and user", async () => {
    const { server, client } = await sweepClient();
    const lookalike = plant(server, 'Groups', { displayName: `${newRunPrefix(Date.now() - 3 * HOUR)}team`, members: [{ value: BYSTANDER_USER_ID }] });
    const oldRun = newRunPrefix(Date.now() - 2 * HOUR);
    const ownUser = plant(server, 'Users', { userName: `${oldRun}x-1@example.com` });
    plant(server, 'Groups', { displayName: `${oldRun}x-2`, members: [{ value: ownUser }] });
    const before = { lookalike: recordOf(server, lookalike), bystanders: bystanders(server.service) };
    try {
      const report = await sweepLeftovers(client, cleanupSweepOptions(undefined));
      expect(recordOf(server, lookalike)).toBe(before.lookalike);
      expect(bystanders(server.service)).toBe(before.bystanders);
      expect(server.writes().filter((call) => call.path.endsWith(lookalike) || call.path.endsWith(BYSTANDER_USER_ID))).toEqual([]);
      expect(describeSweep(report)).toContainEqual(
        expect.stringMatching(new RegExp(`^left behind: group scimc-.*team \\(id ${lookalike}\\): nothing sent to it: .*holds ${BYSTANDER_USER_ID}, which is not a test resource`)),
      );
      expect(report.deleted.map((r) => r.kind)).toEqual(['Groups', 'Users']);
      expect(leftovers(server.service)).toEqual([expect.stringMatching(/team$/)]);
    } finally {
      await client.close();
    }
  });

  test('leaves a 5-minute-old look-alike alone unless its run is named', async () => {
    const { server, client } = await sweepClient();
    const young = newRunPrefix(Date.now() - 5 * 60 * 1000);
    const user = plant(server, 'Users', { userName: `${young}x-1@example.com` });
    const before = recordOf(server, user);
    try {
      const spared = await sweepLeftovers(client, cleanupSweepOptions(undefined));
      expect(spared.spared.map((r) => r.id)).toEqual([user]);
      expect(recordOf(server, user)).toBe(before);
      expect(server.writes()).toEqual([]);
      expect(describeSweep(spared)).toContainEqual(expect.stringMatching(/^left alone: 1 resource\(s\) of runs younger than the grace period/));
      const named = await sweepLeftovers(client, cleanupSweepOptions(young));
      expect(named.deleted.map((r) => r.id)).toEqual([user]);
    } finally {
      await client.close();
    }
  });

  test('sends nothing to a bystander that a lying listing names with a run name', async () => {
    const runName = `${newRunPrefix(Date.now() - 3 * HOUR)}x-1@example.com`;
    const { server, client } = await sweepClient((request, service) => {
      const response = service.handle(request);
      if (request.method !== 'GET' || !request.path.endsWith('/Users') || response.body === undefined) return response;
      // Every listing shows the bystander under a run name; GET by id shows who it really is.
      const list = JSON.parse(response.body) as Record<string, unknown>;
      return { ...response, body: JSON.stringify({ ...list, totalResults: 1, Resources: [{ id: BYSTANDER_USER_ID, userName: runName }] }) };
    });
    const before = bystanders(server.service);
    try {
      const report = await sweepLeftovers(client, cleanupSweepOptions(undefined));
      expect(server.writes()).toEqual([]);
      expect(bystanders(server.service)).toBe(before);
      expect(report.failed).toEqual([
        expect.objectContaining({ id: BYSTANDER_USER_ID, reason: expect.stringMatching(/^nothing sent to it: write guard: .*which is not this run's/) }),
      ]);
    } finally {
      await client.close();
    }
  });
});

describe("a whole write run against a server that answers creates with a bystander's id and cannot delete groups", () => {
  const WRITE_SPECS = [...WRITE_SPEC_PATHS];
  let server: RecordingServer;
  let before: string;
  let run: SuiteRun;
  beforeAll(async () => {
    const stealing = hostileWriteServers.find((hostile) => hostile.name === 'steals-user-id')?.breakage;
    if (stealing === undefined) throw new Error('the gallery lost steals-user-id');
    server = await startRecordingServer({
      breakage: (request, service) =>
        request.method === 'DELETE' && /\/Groups\/[^/]+$/.test(request.path) ? { status: 500, headers: {}, body: 'boom' } : stealing(request, service),
    });
    before = bystanders(server.service);
    run = await runSuites({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: RECORDING_TOKEN, SCIM_WRITE: 'true' }, WRITE_SPECS);
  }, 120_000);
  afterAll(() => server.close());

  test('the verdict names the blocker', () => {
    expect(run.exitCode).not.toBe(0);
    expect(verdictBlockers(run)).toContain(BLOCKER);
  });

  test('the verdict output names every resource left behind, with the command that removes it', () => {
    const { users, groups } = server.service.store.snapshot() as Record<'users' | 'groups', Array<Record<string, unknown>>>;
    const left = [...users, ...groups].map((resource) => String(resource['id'])).filter((id) => !BYSTANDER_IDS.has(id));
    expect(left.length).toBeGreaterThan(0);
    const section = run.stdout.slice(run.stdout.lastIndexOf('Test data not removed'));
    expect(section).toMatch(/^Test data not removed \(remove it with `npx scim-conformance cleanup`/);
    for (const id of left) expect(section).toContain(`(id ${id})`);
    expect(section).toContain(`not ours: the create of user scimc-`);
  });

  test('the bystanders are byte for byte unchanged, and no write reached their ids', () => {
    expect(bystanders(server.service)).toBe(before);
    expect(writesToBystanders(server)).toEqual([]);
  });
});
