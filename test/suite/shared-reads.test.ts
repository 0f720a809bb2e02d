/**
 * The pages of GET /Users are read beside the sweep of earlier runs' leftovers, and read again
 * after it only when it changed the store: the pages judged are the store as the run finds it.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { ScimClient } from '../../src/http/client.js';
import { readShared } from '../../src/suite/shared-reads.js';
import { sweepAtStart } from '../../src/suite/sweep.js';
import { newRunPrefix, TestData } from '../../src/suite/test-data.js';
import { RECORDING_TOKEN, startRecordingServer, type RecordingServer } from '../servers/recording.js';

const HOUR = 60 * 60 * 1000;
const servers: RecordingServer[] = [];
const clients: ScimClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A store with the recording server's users and one user an interrupted run left three hours ago. */
async function storeWithLeftover() {
  const server = await startRecordingServer();
  servers.push(server);
  const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4, write: true });
  clients.push(client);
  const leftover = await new TestData(client, newRunPrefix(Date.now() - 3 * HOUR), 'x').createUser();
  const preflight = await client.send({ path: '/Users', query: { startIndex: 1, count: 2 } });
  server.calls.splice(0);
  const firstPages = () => server.calls.filter((call) => call.method === 'GET' && call.path.endsWith('/Users') && call.query.includes('startIndex=1&count=100'));
  return { client, preflight, leftoverId: leftover.created?.id ?? '', firstPages };
}

describe('the pages and the sweep', () => {
  test('a sweep that deleted a leftover has the pages read again: the leftover is on none of them', async () => {
    const { client, preflight, leftoverId, firstPages } = await storeWithLeftover();
    // The sweep's deletion lands after the first page was answered: that page shows the leftover.
    const firstAnswered = async () => {
      while (!firstPages().some((call) => call.status !== undefined)) await new Promise((resolve) => setImmediate(resolve));
    };
    const swept = firstAnswered()
      .then(() => sweepAtStart(client, { write: true }))
      .then((report) => (report?.deleted.length ?? 0) > 0);
    const shared = await readShared(client, preflight, swept, true);
    expect(await swept).toBe(true);
    expect(shared.paging.flatMap((page) => page.ids ?? [])).not.toContain(leftoverId);
    expect(firstPages().length).toBeGreaterThan(1);
  });

  test('control: a sweep that changed nothing leaves the pages read once, beside it', async () => {
    const { client, preflight, leftoverId, firstPages } = await storeWithLeftover();
    const shared = await readShared(client, preflight, Promise.resolve(false), true);
    expect(shared.paging[0]?.ids).toContain(leftoverId);
    expect(firstPages()).toHaveLength(1);
  });
});
