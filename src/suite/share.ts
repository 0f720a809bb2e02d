import type { Config } from '../config.js';

/**
 * Spec files run in several workers at once, each with its own client. The politeness limits are
 * for the whole run: worker threads keep them in memory they share (src/http/memory-gate.ts);
 * worker processes ask the main process (src/http/shared-limits.ts) and, should it be gone, fall
 * back to an even share, so that together they still never exceed SCIM_MAX_IN_FLIGHT requests in
 * flight or SCIM_MAX_RPS requests a second.
 */
export const WORKERS_ENV = 'SCIMC_WORKERS';
const MAX_WORKERS = 5;
/** Threads start faster than processes: on a small machine the workers' start-up is most of the wait. */
export const SUITE_POOL = 'threads';

/**
 * Whether the workers of a pool can share memory (the politeness limits, the head start): worker
 * threads can; worker processes (`--pool forks`) cannot, and go through the main process instead.
 */
export function workersShareMemory(pool: string): boolean {
  return pool === 'threads';
}

export function suiteWorkers(config: Pick<Config, 'maxInFlight'>): number {
  return Math.max(1, Math.min(MAX_WORKERS, config.maxInFlight));
}

export function workerShare<T extends Pick<Config, 'maxInFlight' | 'maxRps'>>(limits: T, workers: number): T {
  return {
    ...limits,
    maxInFlight: Math.max(1, Math.floor(limits.maxInFlight / workers)),
    maxRps: limits.maxRps / workers,
  };
}

export function workersOf(env: Record<string, string | undefined>): number {
  const workers = Number(env[WORKERS_ENV]);
  return Number.isInteger(workers) && workers > 0 ? workers : 1;
}
