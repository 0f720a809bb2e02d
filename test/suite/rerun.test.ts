/**
 * Watch mode: after the server is fixed and the checks rerun (a saved file, or `a`), the run reads
 * the server again instead of serving the first run's preflight and shared reads.
 */
import type { TestProject } from 'vitest/node';
import { afterEach, expect, test, vi } from 'vitest';
import { setUpRun } from '../../src/suite/run-setup.js';
import { fetchPrepared } from '../../src/suite/run-service.js';
import type { Target } from '../../src/suite/target.js';
import { RECORDING_TOKEN, startRecordingServer } from '../servers/recording.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

test('a watch-mode rerun sends the preflight again and serves what it finds now, under the same run prefix', async () => {
  let refusing = true;
  const server = await startRecordingServer({
    breakage: (request, service) => (refusing ? { status: 401, headers: { 'content-type': 'text/plain' }, body: 'no' } : service.handle(request)),
  });
  vi.stubEnv('SCIM_BASE_URL', server.baseUrl);
  vi.stubEnv('SCIM_TOKEN', RECORDING_TOKEN);
  vi.stubEnv('SCIM_WRITE', 'false');
  // The banner is not under test here.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const provided = new Map<string, unknown>();
  const reruns: Array<(specifications: readonly { moduleId: string }[]) => Promise<void> | void> = [];
  const project = {
    config: { pool: 'forks' },
    vitest: { config: { reporters: [] }, state: { getPaths: () => [] } },
    onTestsRerun: (rerun: (typeof reruns)[number]) => reruns.push(rerun),
    provide: (key: string, value: unknown) => provided.set(key, value),
  } as unknown as TestProject;
  const teardown = await setUpRun(project);
  try {
    const runService = provided.get('runService') as string;
    const first = await fetchPrepared(runService);
    expect(first.preflight.status).toBe('unauthorized');
    const firstPrefix = (provided.get('target') as Target).runPrefix;

    refusing = false;
    // Control: without a rerun, the run keeps what it prepared.
    expect((await fetchPrepared(runService)).preflight.status).toBe('unauthorized');
    const callsBefore = server.calls.length;

    expect(reruns).toHaveLength(1);
    for (const rerun of reruns) await rerun([{ moduleId: '/project/suites/errors.spec.ts' }]);
    const second = await fetchPrepared(runService);
    expect(second.preflight.status).toBe('ok');
    expect(second.preflight.shared).toBeDefined();
    expect(server.calls.length).toBeGreaterThan(callsBefore);
    // An interrupt removes this run's test data by its prefix: every rerun's too.
    expect(second.target.runPrefix).toBe(firstPrefix);
  } finally {
    await teardown();
    await server.close();
  }
});
