/**
 * TestData.createWith: a lookup of what was just created goes beside its read-back, and goes
 * again after it when the read-back had to wait for the resource to appear (an eventually
 * consistent store), so that the lookup a check judges does not come too early.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { listedResources } from '../../src/checks/answers.js';
import { ScimClient } from '../../src/http/client.js';
import { newRunPrefix, TestData } from '../../src/suite/test-data.js';
import { RECORDING_TOKEN, startRecordingServer, type Breakage, type RecordingServer } from '../servers/recording.js';

const servers: RecordingServer[] = [];
const clients: ScimClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A store where a new user is not yet seen, by id or by a filter, for the first `hidden` reads. */
function lagging(hidden: number): Breakage {
  let created: string | undefined;
  let reads = 0;
  return async (request, service) => {
    const response = await service.handle(request);
    if (request.method === 'POST') {
      created = String((JSON.parse(response.body ?? '{}') as Record<string, unknown>)['id']);
      return response;
    }
    if (request.method !== 'GET' || created === undefined || reads >= hidden) return response;
    reads += 1;
    if (request.path.endsWith(created)) return { status: 404, headers: { 'content-type': 'application/scim+json' }, body: '{"status":"404"}' };
    const body = JSON.parse(response.body ?? '{}') as Record<string, unknown>;
    const listed = Array.isArray(body['Resources']) ? (body['Resources'] as Array<Record<string, unknown>>) : [];
    const others = listed.filter((resource) => resource['id'] !== created);
    return { ...response, body: JSON.stringify({ ...body, totalResults: others.length, Resources: others }) };
  };
}

async function createFound(breakage?: Breakage) {
  const server = await startRecordingServer(breakage === undefined ? {} : { breakage });
  servers.push(server);
  const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4, readBackSleep: () => Promise.resolve() });
  clients.push(client);
  const data = new TestData(client, newRunPrefix(), 'c');
  const userName = data.name('Users');
  const lookup = () => client.send({ path: '/Users', query: { filter: `userName eq "${userName}"` } });
  const { creation, found } = await data.createWith('Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName }, lookup);
  const lookups = server.calls.filter((call) => call.query.includes('filter=')).length;
  await data.cleanup();
  return { id: creation.created?.id, listed: (found === undefined ? [] : (listedResources(found) ?? [])).map((r) => r['id']), lookups };
}

describe('a lookup beside the read-back', () => {
  test('is sent once, beside it, on a store that shows the resource at once', async () => {
    const { id, listed, lookups } = await createFound();
    expect(listed).toEqual([id]);
    expect(lookups).toBe(1);
  });

  test('is sent again once the read-back had to wait: what it finds is the store after the wait', async () => {
    const { id, listed, lookups } = await createFound(lagging(2));
    expect(id).toBeDefined();
    expect(listed).toEqual([id]);
    expect(lookups).toBe(2);
  });
});
