import type { TestProject } from 'vitest/node';
import { afterEach, expect, test, vi } from 'vitest';
import globalSetup from '../../src/suite/global-setup.js';
import { Limiter } from '../../src/http/limiter.js';
import type { Target } from '../../src/suite/target.js';
import { RECORDING_TOKEN, startRecordingServer } from '../servers/recording.js';
import { PROJECT_ROOT } from '../support/run-suite.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

/** Runs the global setup file as Vitest would, for a project at `root`, against a recording server. */
async function setUpWithout(root: string) {
  const server = await startRecordingServer();
  vi.stubEnv('SCIM_BASE_URL', server.baseUrl);
  vi.stubEnv('SCIM_TOKEN', RECORDING_TOKEN);
  vi.stubEnv('SCIM_WRITE', 'false');
  vi.stubEnv('SCIM_MAX_IN_FLIGHT', '3');
  const provided = new Map<string, unknown>();
  const project = {
    config: { root, pool: 'threads' },
    vitest: { config: { reporters: [] } },
    onTestsRerun: () => undefined,
    provide: (key: string, value: unknown) => provided.set(key, value),
  } as unknown as TestProject;
  const teardown = await globalSetup(project);
  return { server, provided, teardown };
}

test("the global setup prepares the run, and gives the workers the run's one limiter in memory they share", async () => {
  const { server, provided, teardown } = await setUpWithout(PROJECT_ROOT);
  try {
    expect((provided.get('target') as Target).baseUrl).toBe(server.baseUrl);
    expect(provided.get('runService')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const memory = provided.get('limitsMemory');
    expect(memory).toBeInstanceOf(SharedArrayBuffer);
    // Made with the run's limits: a worker's limiter on it starts at SCIM_MAX_IN_FLIGHT.
    expect(new Limiter(memory as SharedArrayBuffer).bound).toBe(3);
  } finally {
    await teardown();
    await server.close();
  }
  // The preflight went out: the server saw the suite's requests.
  expect(server.calls.length).toBeGreaterThan(0);
});
