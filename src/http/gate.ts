import type { ToolErrorCode } from '../checks/tool-errors.js';
import type { SilenceState } from './silence.js';

/**
 * What every request waits on before it is sent: the politeness limits. A Limiter keeps them in
 * one thread; a MemoryGate in memory the worker threads share; a SharedGate asks the main process's
 * Limiter (worker processes). Either of the last two makes all workers together keep them.
 */
export interface Gate extends SilenceState {
  /** Runs `task` when a request may start: a free in-flight place, and a start the rate allows. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Waits for the next start the rate allows (a retry of a request that already holds its place). */
  slot(): Promise<void>;
  /** Nobody starts a request before `until` (the server said Retry-After). */
  pause(until: number): void;
}

const INTERRUPTED = 'the run was interrupted: no more requests are sent';

/** Thrown instead of sending a request once the run was interrupted, or the server went silent. */
export class RunHalted extends Error {
  override name = 'RunHalted';
  readonly code: ToolErrorCode = 'RUN_HALTED';
  constructor(cause = INTERRUPTED) {
    super(cause);
  }
}
