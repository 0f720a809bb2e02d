/**
 * TestData and the sweep: what the suite creates is registered at once and removed in reverse
 * order; a server that cannot delete gets its users deactivated; the sweep removes only names of
 * the run shape, older than the grace period, even when the server ignores the filter.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { ScimClient } from '../../src/http/client.js';
import { absentLines, describeSweep, sweepAtStart, sweepLeftovers } from '../../src/suite/sweep.js';
import { describeCleanup, isRunName, newRunPrefix, runStartOf, TestData } from '../../src/suite/test-data.js';
import { bystanders, leftovers, RECORDING_TOKEN, startRecordingServer, type RecordingServer, type RecordingOptions } from '../servers/recording.js';

const servers: RecordingServer[] = [];
const clients: ScimClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function setUp(options: RecordingOptions = {}) {
  const server = await startRecordingServer(options);
  servers.push(server);
  const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4 });
  clients.push(client);
  return { server, client };
}

const HOUR = 60 * 60 * 1000;
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

describe('run names', () => {
  test('a fresh run prefix is recognised with the time it started', () => {
    const now = Date.now();
    expect(runStartOf(`${newRunPrefix(now)}okta-1@example.com`)).toBe(now);
  });

  test.for([
    'scimc-handmade@example.com',
    'scimc-handmade-abcdef-1@example.com',
    'alice@example.com',
    'SCIMC-mx2pze1e-abcdef-1',
    `scimc-${(Date.now() + 7 * 24 * HOUR).toString(36)}-abcdef-1`,
  ])('%s is not a run name', (name) => {
    expect(isRunName(name)).toBe(false);
  });

  test('a scope keeps the names of two spec files of one run apart', async () => {
    const { client } = await setUp();
    const prefix = newRunPrefix();
    expect(new TestData(client, prefix, 'okta').name('Users')).not.toBe(new TestData(client, prefix, 'entra').name('Users'));
  });

  test('a resource named without the run prefix is refused before anything is sent', async () => {
    const { client, server } = await setUp();
    const data = new TestData(client, newRunPrefix(), 'x');
    await expect(data.create('Users', { userName: 'alice@example.com' })).rejects.toThrow(/run prefix/);
    expect(server.writes()).toEqual([]);
  });
});

describe('TestData', () => {
  test('registers a resource as soon as it is created and removes everything in reverse order', async () => {
    const { client, server } = await setUp();
    const data = new TestData(client, newRunPrefix(), 'x');
    const user = await data.createUser();
    const group = await data.createGroup({ members: [{ value: user.created?.id }] });
    expect(data.resources.map((r) => r.kind)).toEqual(['Users', 'Groups']);
    const report = await data.cleanup();
    expect(report.deleted.map((r) => r.id)).toEqual([group.created?.id, user.created?.id]);
    expect(
      server
        .writes()
        .filter((call) => call.method === 'DELETE')
        .map((call) => call.path.split('/')[3]),
    ).toEqual(['Groups', 'Users']);
    expect(leftovers(server.service)).toEqual([]);
  });

  test('a 201 without a body is still registered, by its Location header', async () => {
    const { client, server } = await setUp({
      breakage: (request, service) => {
        const response = service.handle(request);
        return request.method === 'POST' ? { status: 201, headers: { location: response.headers['location'] ?? '' } } : response;
      },
    });
    const data = new TestData(client, newRunPrefix(), 'x');
    expect((await data.createUser()).created).toBeDefined();
    await data.cleanup();
    expect(leftovers(server.service)).toEqual([]);
  });

  test('a 201 that names nothing is found by its name and registered', async () => {
    const { client, server } = await setUp({
      breakage: (request, service) => {
        const response = service.handle(request);
        return request.method === 'POST' ? { status: 201, headers: {} } : response;
      },
    });
    const data = new TestData(client, newRunPrefix(), 'x');
    expect((await data.createUser()).created).toBeDefined();
    await data.cleanup();
    expect(leftovers(server.service)).toEqual([]);
  });

  test('remove() deletes one resource now, and the cleanup has nothing left of it to do', async () => {
    const { client, server } = await setUp();
    const data = new TestData(client, newRunPrefix(), 'x');
    const { created } = await data.createUser();
    if (created === undefined) throw new Error('the recording server did not create the user');
    await data.remove(created);
    expect(leftovers(server.service)).toEqual([]);
    server.calls.splice(0);
    expect((await data.cleanup()).deleted).toEqual([]);
    expect(server.calls).toEqual([]);
  });

  test('control: a resource remove() could not delete stays for the cleanup, which reports it', async () => {
    const { client } = await setUp({
      breakage: (request, service) => (request.method === 'DELETE' ? { status: 500, headers: {}, body: 'boom' } : service.handle(request)),
    });
    const data = new TestData(client, newRunPrefix(), 'x');
    const { created } = await data.createGroup();
    if (created === undefined) throw new Error('the recording server did not create the group');
    await data.remove(created);
    expect((await data.cleanup()).failed.map((r) => r.id)).toEqual([created.id]);
  });

  test('a server without DELETE gets the user deactivated, and the report says so', async () => {
    const { client, server } = await setUp({
      breakage: (request, service) =>
        request.method === 'DELETE' && request.path.includes('/Users/')
          ? { status: 405, headers: { 'content-type': 'application/scim+json' }, body: '{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"405"}' }
          : service.handle(request),
    });
    const data = new TestData(client, newRunPrefix(), 'x');
    const { created } = await data.createUser();
    const report = await data.cleanup();
    expect(report.deactivated.map((r) => r.id)).toEqual([created?.id]);
    expect(describeCleanup(report)).toEqual([
      expect.stringMatching(/^left deactivated: user scimc-.*: DELETE answered 405; it remains with active=false; `npx scim-conformance cleanup` .* tries again$/),
    ]);
    const stored = (server.service.store.snapshot().users as Array<Record<string, unknown>>).find((u) => u['id'] === created?.id);
    expect(stored?.['active']).toBe(false);
  });

  test('cleanup never throws, and reports what it could not remove', async () => {
    const { client } = await setUp({
      breakage: (request, service) => (request.method === 'DELETE' ? { status: 500, headers: {}, body: 'boom' } : service.handle(request)),
    });
    const data = new TestData(client, newRunPrefix(), 'x');
    await data.createGroup();
    const report = await data.cleanup();
    expect(report.failed).toEqual([expect.objectContaining({ kind: 'Groups', reason: 'DELETE answered 500' })]);
  });

  test.for([
    { answer: 'a 204', response: { status: 204, headers: {} }, reason: /^DELETE answered 204, but GET then answered 200: it is still there$/ },
    {
      answer: 'a 404 HTML page',
      response: { status: 404, headers: { 'content-type': 'text/html' }, body: '<pre>Cannot DELETE</pre>' },
      reason: /^DELETE answered 404, but GET then answered 200: it is still there$/,
    },
  ])('a DELETE answered with $answer after which the user is still there is not removed: it is deactivated and named', async ({ response, reason }) => {
    const { client, server } = await setUp({ breakage: (request, service) => (request.method === 'DELETE' ? response : service.handle(request)) });
    const data = new TestData(client, newRunPrefix(), 'x');
    const { created } = await data.createUser();
    const report = await data.cleanup();
    expect(report.deleted).toEqual([]);
    expect(report.deactivated).toEqual([expect.objectContaining({ id: created?.id, reason: expect.stringMatching(reason) })]);
    expect(describeCleanup(report)).toEqual([expect.stringContaining(`(id ${created?.id ?? ''})`)]);
    const stored = (server.service.store.snapshot().users as Array<Record<string, unknown>>).find((u) => u['id'] === created?.id);
    expect(stored?.['active']).toBe(false);
  });

  test('a resource counts as removed once a GET after its DELETE answers 404', async () => {
    const { client, server } = await setUp();
    const data = new TestData(client, newRunPrefix(), 'x');
    const { created } = await data.createUser();
    const report = await data.cleanup();
    expect(report.deleted.map((r) => r.id)).toEqual([created?.id]);
    expect(server.calls.slice(-2).map((call) => `${call.method} ${call.status ?? ''}`)).toEqual(['DELETE 204', 'GET 404']);
  });
});

describe('the sweep', () => {
  async function leaveBehind(client: ScimClient, startedAgo: number) {
    const data = new TestData(client, newRunPrefix(Date.now() - startedAgo), 'x');
    const user = await data.createUser();
    await data.createGroup({ members: [{ value: user.created?.id }] });
    return data.prefix;
  }

  test('removes what runs older than the grace period left, and leaves younger runs alone', async () => {
    const { client, server } = await setUp();
    const before = bystanders(server.service);
    const old = await leaveBehind(client, 3 * HOUR);
    const young = await leaveBehind(client, 60 * 1000);
    const report = await sweepLeftovers(client, { olderThanMs: HOUR });
    expect(report.deleted.map((r) => r.kind)).toEqual(['Groups', 'Users']);
    expect(report.deleted.every((r) => r.name.startsWith(old))).toBe(true);
    expect(report.spared.every((r) => r.name.startsWith(young))).toBe(true);
    expect(leftovers(server.service).every((name) => name.startsWith(young))).toBe(true);
    expect(bystanders(server.service)).toBe(before);
  });

  test("never deletes a user that is not a run's, even when the server ignores the filter", async () => {
    const { client, server } = await setUp({
      breakage: (request, service) => {
        request.query.delete('filter');
        return service.handle(request);
      },
    });
    const before = bystanders(server.service);
    await leaveBehind(client, 3 * HOUR);
    const report = await sweepLeftovers(client, { olderThanMs: 0 });
    expect(report.deleted).toHaveLength(2);
    expect(leftovers(server.service)).toEqual([]);
    expect(bystanders(server.service)).toBe(before);
    expect(server.writes().filter((call) => call.method === 'DELETE')).toHaveLength(2);
  });

  test('reads everything and picks its own when the server refuses "sw"', async () => {
    const { client, server } = await setUp({
      breakage: (request, service) =>
        (request.query.get('filter') ?? '').includes(' sw ')
          ? {
              status: 400,
              headers: { 'content-type': 'application/scim+json' },
              body: '{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidFilter"}',
            }
          : service.handle(request),
    });
    await leaveBehind(client, 3 * HOUR);
    await sweepLeftovers(client, { olderThanMs: 0 });
    expect(leftovers(server.service)).toEqual([]);
  });

  test('the cleanup command also finds a user a broken server created without a userName, by its externalId, and no one else', async () => {
    const runName = `${newRunPrefix(Date.now() - 3 * HOUR)}bad-1@example.com`;
    // What a server that took the bad-input check's user without a userName lists, and someone
    // else's user whose externalId happens to look like ours (it has a userName of its own).
    const strays = [
      { schemas: [USER_SCHEMA], id: 'no-user-name', externalId: runName, displayName: runName },
      { schemas: [USER_SCHEMA], id: 'named-user', userName: 'someone@example.com', externalId: runName },
    ];
    const deleted = new Set<string>();
    const { client, server } = await setUp({
      breakage: (request, service) => {
        if (request.method === 'GET' && (request.query.get('filter') ?? '').startsWith('externalId sw ')) {
          return {
            status: 200,
            headers: { 'content-type': 'application/scim+json' },
            body: JSON.stringify({ schemas: [LIST_SCHEMA], totalResults: 2, startIndex: 1, itemsPerPage: 2, Resources: strays }),
          };
        }
        const stray = strays.find((user) => request.path.endsWith(`/Users/${user.id}`));
        if (stray !== undefined && request.method === 'DELETE') {
          deleted.add(stray.id);
          return { status: 204, headers: {}, body: '' };
        }
        // The sweep reads each candidate back before and after its DELETE.
        if (stray !== undefined && request.method === 'GET' && !deleted.has(stray.id)) {
          return { status: 200, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify(stray) };
        }
        return service.handle(request);
      },
    });
    expect((await sweepLeftovers(client, { olderThanMs: 0 })).deleted).toEqual([]);
    const report = await sweepLeftovers(client, { olderThanMs: 0, byExternalId: true });
    expect(report.deleted.map((r) => r.id)).toEqual(['no-user-name']);
    expect(server.writes().map((call) => `${call.method} ${call.path}`)).toEqual([expect.stringMatching(/^DELETE .*\/Users\/no-user-name$/)]);
  });

  test('says which resource types it could not list', async () => {
    const { client } = await setUp({ breakage: () => ({ status: 503, headers: {}, body: '' }) });
    const report = await sweepLeftovers(client, { olderThanMs: 0 });
    expect(describeSweep(report)).toEqual([
      expect.stringMatching(/^could not list Groups to look for leftovers: GET .* answered 503$/),
      expect.stringMatching(/^could not list Users to look for leftovers: GET .* answered 503$/),
    ]);
  });

  /** /Groups as a server without Groups answers it: no route (404), or not implemented (501); or broken (500). */
  const groupsAnswering = (status: number): RecordingOptions => ({
    breakage: (request, service) =>
      /\/Groups(\/|$)/.test(request.path) ? { status, headers: { 'content-type': 'text/plain' }, body: `Cannot ${request.method} ${request.path}` } : service.handle(request),
  });

  test.for([404, 501])('on a server without Groups (/Groups answers %i), says nothing alarming and still sweeps the users', async (status) => {
    const { client, server } = await setUp(groupsAnswering(status));
    const data = new TestData(client, newRunPrefix(Date.now() - 3 * HOUR), 'x');
    await data.createUser();
    const report = await sweepLeftovers(client, { olderThanMs: HOUR });
    expect(report.unlisted).toEqual([]);
    expect(report.deleted.map((r) => r.kind)).toEqual(['Users']);
    expect(describeSweep(report)).toEqual([expect.stringMatching(/^deleted user scimc-/)]);
    expect(absentLines(report)).toEqual([expect.stringMatching(new RegExp(`^no Groups to sweep: the server does not offer them \\(GET .*/Groups\\?.* answered ${status}\\)$`))]);
    expect(leftovers(server.service)).toEqual([]);
  });

  test('control: a /Groups that answers 500 is still reported as not listed', async () => {
    const { client } = await setUp(groupsAnswering(500));
    const report = await sweepLeftovers(client, { olderThanMs: HOUR });
    expect(describeSweep(report)).toEqual([expect.stringMatching(/^could not list Groups to look for leftovers: GET .* answered 500$/)]);
    expect(absentLines(report)).toEqual([]);
  });

  test('control: a /Groups 404 while /Users does not list either says nothing of Groups, and is reported as not listed', async () => {
    const { client } = await setUp({ breakage: () => ({ status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' }) });
    const report = await sweepLeftovers(client, { olderThanMs: HOUR });
    expect(report.unlisted.map((u) => u.kind)).toEqual(['Groups', 'Users']);
    expect(absentLines(report)).toEqual([]);
  });

  test('at the start of a read-only run sends nothing at all', async () => {
    const { client, server } = await setUp();
    expect(await sweepAtStart(client, { write: false })).toBeUndefined();
    expect(server.calls).toEqual([]);
  });

  test('at the start of a write run spares a run that is still going', async () => {
    const { client, server } = await setUp();
    const current = await leaveBehind(client, 5 * 60 * 1000);
    const report = await sweepAtStart(client, { write: true });
    expect(report?.deleted).toEqual([]);
    expect(leftovers(server.service).every((name) => name.startsWith(current))).toBe(true);
    expect(leftovers(server.service)).toHaveLength(2);
  });
});
