import type { TestProject } from 'vitest/node';
import { afterEach, expect, test, vi } from 'vitest';
import globalSetup from '../../src/suite/global-setup.js';
import { Limiter } from '../../src/http/limiter.js';
import { fetchPrepared } from '../../src/suite/run-service.js';
import type { Target } from '../../src/suite/target.js';
import { RECORDING_TOKEN, startRecordingServer } from '../servers/recording.js';
import { PROJECT_ROOT } from '../support/run-suite.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

/** Runs the global setup file as Vitest would, for a project at `root` running `specFiles`, against a recording server. */
async function setUpWithout(root: string, specFiles: readonly string[] = ['suites/paging.spec.ts', 'suites/filters.spec.ts']) {
  const server = await startRecordingServer();
  vi.stubEnv('SCIM_BASE_URL', server.baseUrl);
  vi.stubEnv('SCIM_TOKEN', RECORDING_TOKEN);
  vi.stubEnv('SCIM_WRITE', 'false');
  vi.stubEnv('SCIM_MAX_IN_FLIGHT', '3');
  const provided = new Map<string, unknown>();
  const project = {
    config: { root, pool: 'threads' },
    vitest: { config: { reporters: [] }, state: { getPaths: () => specFiles.map((file) => `${root}/${file}`) } },
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

test('the global setup walks the pages of GET /Users only when the paging checks are in the run; without them it reads the first page alone', async () => {
  const pagesRead = async (specFiles: readonly string[]) => {
    const { server, provided, teardown } = await setUpWithout(PROJECT_ROOT, specFiles);
    try {
      const { preflight } = await fetchPrepared(provided.get('runService') as string);
      const paging = preflight.status === 'ok' ? (preflight.shared?.paging ?? []) : [];
      const pageRequests = server.calls.filter((call) => call.path.endsWith('/Users') && call.query.includes('startIndex=') && !call.query.includes('filter='));
      return { pages: paging.map((page) => `${page.startIndex},${page.count}`), pageRequests: pageRequests.length };
    } finally {
      await teardown();
      await server.close();
    }
  };
  const withPaging = await pagesRead(['suites/paging.spec.ts', 'suites/filters.spec.ts']);
  const without = await pagesRead(['suites/filters.spec.ts', 'suites/discovery.spec.ts']);
  // Control: with the paging checks, the walk reads pages beyond the first (and the preflight's).
  expect(withPaging.pages[0]).toBe('1,100');
  expect(withPaging.pages.length).toBeGreaterThan(2);
  // Without them, the first page, which the filter and discovery checks read, and nothing more.
  expect(without.pages).toEqual(['1,100']);
  expect(without.pageRequests).toBe(2); // the preflight's startIndex=1&count=2, and that first page
  expect(withPaging.pageRequests).toBeGreaterThan(without.pageRequests);
});
