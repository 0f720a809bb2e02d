import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const warmed: string[] = [];
  const project = {
    config: { root, pool: 'threads' },
    provide: (key: string, value: unknown) => provided.set(key, value),
    vite: { environments: { ssr: { warmupRequest: async (url: string) => void warmed.push(url) } } },
  } as unknown as TestProject;
  const teardown = await globalSetup(project);
  return { server, provided, warmed, teardown };
}

test('without the config\'s hand-over, the global setup loads the run\'s setup itself and prepares the run', async () => {
  expect(handedOverSetup()).toBeUndefined();
  const { server, provided, warmed, teardown } = await setUpWithout(PROJECT_ROOT);
  try {
    expect((provided.get('target') as Target).baseUrl).toBe(server.baseUrl);
    expect(provided.get('runService')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(provided.get('limitsMemory')).toBeInstanceOf(SharedArrayBuffer);
    expect(warmed).toContain('/suites/groups.spec.ts');
  } finally {
    await teardown();
    await server.close();
  }
  // The preflight went out: the server saw the suite's requests.
  expect(server.calls.length).toBeGreaterThan(0);
});

test('a project without our suites/ folder sets up all the same: the warm-up is only a speed-up', async () => {
  const { server, provided, warmed, teardown } = await setUpWithout(mkdtempSync(join(tmpdir(), 'scimc-root-')));
  try {
    expect(provided.get('runService')).toBeDefined();
    expect(warmed).toEqual([]);
  } finally {
    await teardown();
    await server.close();
  }
});
