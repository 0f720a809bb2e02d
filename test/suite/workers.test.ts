import { createHook } from 'node:async_hooks';
import { availableParallelism } from 'node:os';
import type { TestProject } from 'vitest/node';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { fewerWorkersWhenNear, NEAR_MS, workersFor, workersNear } from '../../src/suite/workers.js';
import { runSuites } from '../support/run-suite.js';

const projectWith = (maxWorkers: number) => ({ config: { maxWorkers } }) as unknown as TestProject;

describe('the worker threads of a run', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('start as many as requests may be in flight, five at most', () => {
    expect([16, 5, 2, 1].map(workersFor)).toEqual([5, 5, 2, 1]);
  });

  test('near the server, no more than the CPUs', () => {
    expect([workersNear(5, 2), workersNear(5, 8), workersNear(2, 1)]).toEqual([2, 5, 1]);
  });

  test('a server that answered within NEAR_MS gets fewer; one that answered later, or not yet, keeps them all', async () => {
    const near = projectWith(5);
    await fewerWorkersWhenNear(near, Promise.resolve(NEAR_MS - 1), 5, 2);
    const far = projectWith(5);
    await fewerWorkersWhenNear(far, Promise.resolve(NEAR_MS + 1), 5, 2);
    vi.useFakeTimers();
    const silent = projectWith(5);
    const waiting = fewerWorkersWhenNear(silent, new Promise<number>(() => {}), 5, 2);
    await vi.advanceTimersByTimeAsync(NEAR_MS);
    await waiting;
    expect([near, far, silent].map((project) => project.config.maxWorkers)).toEqual([2, 5, 5]);
  });

  test('a --maxWorkers the user gave is kept, near or not', async () => {
    const chosen = projectWith(4);
    await fewerWorkersWhenNear(chosen, Promise.resolve(0), 5, 2);
    expect(chosen.config.maxWorkers).toBe(4);
  });
});

/** The worker threads started in this process while `work` runs: an in-process run's pool. */
async function threadsStartedBy(work: () => Promise<unknown>): Promise<number> {
  let started = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'WORKER') started += 1;
    },
  }).enable();
  try {
    await work();
  } finally {
    hook.disable();
  }
  return started;
}

const FOUR_FILES = ['suites/auth.spec.ts', 'suites/errors.spec.ts', 'suites/connection.spec.ts', 'suites/query-params.spec.ts'];

test("Vitest starts the threads the global setup leaves: against the bundled server no more than the CPUs, and the user's --maxWorkers when given", async () => {
  const env = { SCIM_MAX_IN_FLIGHT: '5' };
  const near = await threadsStartedBy(() => runSuites(env, FOUR_FILES));
  // The control: the same run with four threads asked for starts four, so the count sees them.
  const chosen = await threadsStartedBy(() => runSuites(env, ['--maxWorkers=4', ...FOUR_FILES]));
  expect({ near, chosen }).toEqual({ near: Math.min(4, availableParallelism()), chosen: 4 });
});
