/**
 * SCIM_MAX_IN_FLIGHT and SCIM_MAX_RPS are limits of the whole run, kept for every worker thread in
 * the memory they share. Measured at the server, during `npx vitest run` as a user runs it.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { sleep } from '../../src/http/limiter.js';
import { RECORDING_TOKEN, startRecordingServer, type RecordingServer } from '../servers/recording.js';
import { runSuites } from '../support/run-suite.js';

const servers: RecordingServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/**
 * A server that takes 20 ms per request and measures how many it holds at once, and when each
 * came; `specPeak` counts from the first request only a spec file sends (a POST, or the filters'
 * lookup of a "scimc-nobody-" user), when the global setup (preflight, sweep, shared reads) is over.
 */
async function measuredServer() {
  const seen = { active: 0, peak: 0, specPeak: 0, specsStarted: false, starts: [] as number[] };
  const server = await startRecordingServer({
    breakage: async (request, service) => {
      seen.starts.push(Date.now());
      seen.specsStarted ||= request.method === 'POST' || (request.query.get('filter') ?? '').includes('scimc-nobody-');
      seen.peak = Math.max(seen.peak, ++seen.active);
      if (seen.specsStarted) seen.specPeak = Math.max(seen.specPeak, seen.active);
      await sleep(20);
      seen.active--;
      return service.handle(request);
    },
  });
  servers.push(server);
  return { server, seen };
}

/** The most request starts in any one second. */
function busiestSecond(starts: readonly number[]): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= 1_000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe('the politeness limits', () => {
  test('hold for the whole write-enabled run, across all its workers', async () => {
    const { server, seen } = await measuredServer();
    const run = await runSuites({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: RECORDING_TOKEN, SCIM_WRITE: 'true', SCIM_MAX_IN_FLIGHT: '3', SCIM_MAX_RPS: '40' });
    expect(run.exitCode).toBe(0);
    expect(seen.starts.length).toBeGreaterThan(100);
    expect(seen.peak).toBeLessThanOrEqual(3);
    // Starts are granted 25 ms apart; measured at the server, delivery jitter may bring one or two
    // closer. Three workers each allowed 40 a second would reach well over 100.
    const sorted = [...seen.starts].sort((a, b) => a - b);
    const seconds = ((sorted.at(-1) ?? 0) - (sorted[0] ?? 0)) / 1000;
    expect((seen.starts.length - 1) / seconds).toBeLessThanOrEqual(40);
    expect(busiestSecond(seen.starts)).toBeLessThanOrEqual(44);
  });

  test('cannot be shared by worker processes: --pool forks stops the run with one sentence', async () => {
    const run = await runSuites({ SCIM_BASE_URL: 'http://127.0.0.1:9/scim/v2', SCIM_TOKEN: RECORDING_TOKEN }, ['--pool', 'forks']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe('scim-conformance: the spec files run in worker threads, which share the politeness limits: leave out --pool forks.');
  });

  test('are shared, not split: one busy spec file may use every place the run allows', async () => {
    const { server, seen } = await measuredServer();
    const run = await runSuites({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: RECORDING_TOKEN, SCIM_WRITE: 'true', SCIM_MAX_IN_FLIGHT: '3' }, ['suites/filters.spec.ts']);
    expect(run.exitCode).toBe(0);
    // Split evenly between the 3 workers, this one file would have had one place.
    expect(seen.specPeak).toBe(3);
  });

  test('a Retry-After during the run is waited out, and the verdict says how often and how long', async () => {
    let throttled = false;
    const server = await startRecordingServer({
      breakage: (request, service) => {
        if (throttled || !request.path.endsWith('/Groups')) return service.handle(request);
        throttled = true;
        return { status: 429, headers: { 'retry-after': '1', 'content-type': 'text/plain' }, body: 'slow down' };
      },
    });
    servers.push(server);
    const run = await runSuites({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: RECORDING_TOKEN }, ['suites/connection.spec.ts']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('note: The server asked the suite to slow down 1 time (429 ×1, with Retry-After); the suite waited 1.0 s in all, as asked.');
  });
});
