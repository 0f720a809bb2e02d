/**
 * A head start for the spec file that leads the run's order (the longest chain of requests): a
 * run against a far server can end no sooner than that chain, so it should start sending first.
 * The workers load their modules all at once, and on a small machine they share too few CPUs: the
 * leading file then waits for the others. Here the others wait instead, until the leading file
 * has loaded or HEAD_START_MS has passed, whichever comes first.
 *
 * The sequencer names the leader (src/suite/sequencer.ts); each worker takes its turn in a setup
 * file (src/suite/head-start-setup.ts). Worker threads only: the leader tells the others through
 * memory they share. Worker processes (`--pool forks`) start without a head start.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    headStart?: HeadStart;
  }
}

export interface HeadStart {
  /** The spec file that goes first (its path, as Vitest names it). */
  leader: string;
  /** One Int32: 1 once the leader has loaded. */
  memory: SharedArrayBuffer;
}

/**
 * Longer than the leader takes to load on a 2-CPU machine, and well within the slack of the other
 * long chains, which are four requests or more shorter.
 */
export const HEAD_START_MS = 300;
const LOADED = 0;

/** Made in the main process, once the run's order is known. */
export function headStartFor(leader: string): HeadStart {
  return { leader, memory: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT) };
}

export function leaderLoaded(headStart: HeadStart): void {
  const flag = new Int32Array(headStart.memory);
  Atomics.store(flag, LOADED, 1);
  Atomics.notify(flag, LOADED);
}

/** Resolves once the leader has loaded, or after HEAD_START_MS. */
export async function waitForLeader(headStart: HeadStart, timeoutMs = HEAD_START_MS): Promise<void> {
  await Atomics.waitAsync(new Int32Array(headStart.memory), LOADED, 0, timeoutMs).value;
}
