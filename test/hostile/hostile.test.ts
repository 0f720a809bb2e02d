/**
 * `npx vitest run` against each hostile server: every run ends by its timeouts with one clear
 * diagnosis at the top, exits non-zero, prints no stack trace and never the token, and leaves no
 * connection open. (A server that refuses the connection or answers 401 to everything is in the
 * failure-table gallery: test/servers/gallery.ts, "down" and "rejects-token".)
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ONE_WORKER, SuiteSession, twoAtATime, verdictBlockers, type SuiteRun } from '../support/run-suite.js';
import { hostile, HOSTILE_TOKEN, type HostileServer } from './servers.js';

/** Short, so that a server that never answers ends the run soon; the diagnosis names this timeout. */
const TIMEOUT_MS = 1_500;

interface Outcome {
  run: SuiteRun;
  leftOpen: number;
}

const outcomes = new Map<string, Outcome>();
// One Vitest instance for every server's run: the config and transforms are made once.
const session = new SuiteSession(ONE_WORKER);
const servers: HostileServer[] = [];

async function settled(server: HostileServer): Promise<number> {
  // The run has ended and its workers with it; their sockets' close events may arrive a moment
  // later, on a busy machine many moments: wait for them (up to 10 s), rather than for a fixed time.
  for (let i = 0; i < 200 && server.openConnections() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return server.openConnections();
}

beforeAll(async () => {
  await twoAtATime(hostile, async (next) => {
    const server = await next.start();
    servers.push(server);
    const run = await session.run({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: HOSTILE_TOKEN, SCIM_TIMEOUT_MS: String(TIMEOUT_MS) });
    outcomes.set(next.name, { run, leftOpen: await settled(server) });
    await server.close();
  });
}, 300_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await session.close();
});

function outcome(name: string): Outcome {
  const found = outcomes.get(name);
  if (found === undefined) throw new Error(`no run recorded for ${name}`);
  return found;
}

describe.each(hostile)('a server where $cause', (server) => {
  // A run that did not end (a request without a timeout) would hold the beforeAll until its hook
  // timeout; how long a run takes on a busy machine is not under test.
  test('the run ends, with a verdict, and exits non-zero', () => {
    const { run } = outcome(server.name);
    expect(run.exitCode).not.toBe(0);
    expect(run.exitCode).not.toBeNull();
    expect(run.stdout).toContain('\nVerdict\n');
    expect(run.tests.filter((t) => t.status === 'pending')).toEqual([]);
  });

  test('one clear diagnosis comes first', () => {
    const { run } = outcome(server.name);
    const failed = run.tests.filter((t) => t.status === 'failed');
    if ('summary' in server.expect) {
      // The banner's first ✗ line, printed before any test output, is the diagnosis.
      const top = run.stdout.split('\n').find((line) => line.startsWith('✗ '));
      expect(top).toMatch(server.expect.summary);
      expect(run.stdout.indexOf('✗ ')).toBeLessThan(run.stdout.indexOf('[PREFLIGHT]'));
      expect(failed.map((t) => t.name)).toEqual([expect.stringContaining('[PREFLIGHT]')]);
    } else {
      expect(verdictBlockers(run)[0]).toMatch(server.expect.firstCode);
      expect(run.stdout + run.stderr).toContain('Fix:');
    }
  });

  test('prints no stack trace and never the token', () => {
    const { run } = outcome(server.name);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(run.stdout + run.stderr).not.toContain(HOSTILE_TOKEN);
  });

  test('leaves no connection open', () => {
    expect(outcome(server.name).leftOpen).toBe(0);
  });
});
