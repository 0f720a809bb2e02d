/**
 * A head start for the spec file that leads the run's order (the longest chain of requests): a
 * run against a far server can end no sooner than that chain, so it should start sending first.
 * The workers load their modules all at once, and on a small machine they share too few CPUs: the
 * leading file then waits for the others. Here the others wait instead, until the leading file
 * has loaded or HEAD_START_MS has passed, whichever comes first. Then the head start is over, for
 * every spec file still to come.
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
  /** One Int32: 1 once the head start is over. */
  memory: SharedArrayBuffer;
}

/**
 * Longer than the leader takes to load on a 2-CPU machine, and well within the slack of the other
 * long chains, which are four requests or more shorter.
 */
export const HEAD_START_MS = 300;
const OVER = 0;

/** Made in the main process, once the run's order is known. */
export function headStartFor(leader: string): HeadStart {
  return { leader, memory: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT) };
}

/** Ends the head start: the leader has loaded, or the others have waited long enough. */
export function endHeadStart(headStart: HeadStart): void {
  const flag = new Int32Array(headStart.memory);
  Atomics.store(flag, OVER, 1);
  Atomics.notify(flag, OVER);
}

/**
 * Resolves once the leader has loaded, or after `timeoutMs`; a leader that never says it has
 * loaded (it failed to import, or a filter left it no test to run) then holds no one else.
 */
export async function waitForLeader(headStart: HeadStart, timeoutMs = HEAD_START_MS): Promise<void> {
  const { value } = Atomics.waitAsync(new Int32Array(headStart.memory), OVER, 0, timeoutMs);
  if ((await value) === 'timed-out') endHeadStart(headStart);
}
