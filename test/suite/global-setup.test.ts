import type { TestProject } from 'vitest/node';
import { afterEach, expect, test, vi } from 'vitest';
import globalSetup from '../../src/suite/global-setup.js';
import { handedOverSetup } from '../../src/suite/setup-handover.js';
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

test('without the config\'s hand-over, the global setup loads the run\'s setup itself and prepares the run', async () => {
  expect(handedOverSetup()).toBeUndefined();
  const { server, provided, teardown } = await setUpWithout(PROJECT_ROOT);
  try {
    expect((provided.get('target') as Target).baseUrl).toBe(server.baseUrl);
    expect(provided.get('runService')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(provided.get('limitsMemory')).toBeInstanceOf(SharedArrayBuffer);
  } finally {
    await teardown();
    await server.close();
  }
  // The preflight went out: the server saw the suite's requests.
  expect(server.calls.length).toBeGreaterThan(0);
});
