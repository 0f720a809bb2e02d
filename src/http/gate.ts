import type { ToolErrorCode } from '../checks/tool-errors.js';
import type { SilenceState } from './silence.js';

/** What an answer tells the politeness limits of the server's load. */
export interface Answer {
  /** Undefined when there was no answer (the silence watch judges those). */
  status: number | undefined;
  latencyMs: number;
}

/**
 * What every request waits on before it is sent: the politeness limits (src/http/limiter.ts). A
 * test may put a gate of its own in their place.
 */
export interface Gate extends SilenceState {
  /** Runs `task` when a request may start: a free place under the bound, and a start the rate allows. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Waits for the next start the rate allows (a retry of a request that already holds its place). */
  slot(): Promise<void>;
  /** Nobody starts a request before `until` (the server said Retry-After). */
  pause(until: number): void;
  /** Each answer, as it comes: the bound adapts to what it says of the server's load. */
  note(answer: Answer): void;
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
