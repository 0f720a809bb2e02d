/**
 * How many worker threads run the spec files. Against a far server each file mostly waits for its
 * chain of dependent requests, so several files run at once, each in a thread. Near the server
 * (the bundled one, a local one, one in the same network) the requests cost less than the threads:
 * each thread loads the whole suite, and on a small machine they compete for its CPUs.
 */
import { availableParallelism } from 'node:os';
import type { TestProject } from 'vitest/node';

/** Enough threads for the other spec files to end within the longest chain (docs/bench.md). */
export const MAX_WORKERS = 5;

/** A server whose first answer took no longer than this is near: see workersNear. */
export const NEAR_MS = 25;

/** The threads a run starts with: no more than the requests it may have in flight. */
export function workersFor(maxInFlight: number): number {
  return Math.max(1, Math.min(MAX_WORKERS, maxInFlight));
}

/** Near the server the run is bound by the CPU: no more threads than the machine has CPUs. */
export function workersNear(workers: number, cpus: number): number {
  return Math.max(1, Math.min(workers, cpus));
}

/**
 * Runs in the global setup, before Vitest starts the threads (it reads the project's maxWorkers
 * when it schedules the spec files, after the setup): once the server's first answer is in, a near
 * server gets fewer threads. The setup waits for that answer no longer than NEAR_MS, so a far
 * server's run starts its threads at most that much later. A --maxWorkers the user gave (other than
 * the one the config chose) is kept.
 */
export async function fewerWorkersWhenNear(project: TestProject, firstAnswerMs: Promise<number>, configured: number, cpus = availableParallelism()): Promise<void> {
  if (project.config.maxWorkers !== configured) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<number>((resolve) => {
    timer = setTimeout(() => resolve(Number.POSITIVE_INFINITY), NEAR_MS);
  });
  const answeredMs = await Promise.race([firstAnswerMs, late]);
  clearTimeout(timer);
  if (answeredMs <= NEAR_MS) project.config.maxWorkers = workersNear(configured, cpus);
}
