/**
 * A server that answered and then went silent (hangs, drips its bytes, or throttles forever) would
 * keep a run going for minutes, every request waiting out SCIM_TIMEOUT_MS. The rule: once this
 * many requests in a row, across the whole run (every worker), end without a usable answer, the
 * run stops sending. Any usable answer in between starts the count again. With the default 10 s
 * timeout the run has stopped sending about 10 s after the silence began (the requests in flight
 * all time out together), and what was in flight ends within 10 s more.
 *
 * The requests of the row that stopped the run are refused to their checks as well, like those
 * after it: a check that got one handed over would judge the silence as a missing answer of its
 * own. So an answerless request waits, while others are under way, for the watch to decide.
 */
export const SILENT_REQUESTS_IN_A_ROW = 3;

/** What the silence watch needs of an exchange's outcome. */
export interface Outcome {
  status?: number | undefined;
  /** The answer was 429/503 with a Retry-After, waited out until the request's deadline. */
  throttled: boolean;
}

/**
 * No usable answer: none at all (timed out, cut off, refused), or "come back later" that was still
 * the answer when the request's time was up.
 */
export function isSilent(outcome: Outcome): boolean {
  return outcome.status === undefined || outcome.throttled;
}

/** The one reason every check that did not run gives, naming the last request that was answered. */
export function silenceCause(lastAnswered: string | undefined, timeoutMs: number): string {
  const after = lastAnswered === undefined ? '' : ` after answering ${lastAnswered}`;
  return (
    `the server stopped answering${after}: ${SILENT_REQUESTS_IN_A_ROW} requests in a row got no answer within SCIM_TIMEOUT_MS ` +
    `(${timeoutMs} ms), or only 429/503 after waiting out its Retry-After, so the run stopped sending`
  );
}

/**
 * Where an answerless request stands in the watch: its place in the row of silent requests, and
 * which row (rows are counted by the answers that end them).
 */
export interface SilentMark {
  row: number;
  inARow: number;
}

/**
 * The run-wide state of the watch, kept with the politeness limits (every worker's requests go
 * through them): the row of silent requests, the last request answered, the halt.
 */
export interface SilenceState {
  /** An answer: the row ends (a new one starts), and `request` is the last one answered. */
  answered(request: string): void;
  /** No usable answer: where it stands. The row that reaches SILENT_REQUESTS_IN_A_ROW is the silence, and stays the last. */
  unanswered(): SilentMark;
  lastAnswered(): string | undefined;
  /** Stops the run's requests: every one from now on, and every one waiting, is refused with `cause`. */
  halt(cause: string): void;
  /** Why the server's silence stopped the run's requests; undefined while they go on (or after an interrupt). */
  haltCause(): string | undefined;
  /**
   * Whether an answerless request was part of the silence that stopped the run. Decided by what
   * the run's other requests get, not by a clock: it waits while any request is under way, until
   * an answer ends its row (false) or its row stops the run (true); with nothing under way, false.
   */
  silenced(mark: SilentMark): Promise<boolean>;
  /** True for the first caller only, run-wide: the one check that reports the silence as its finding. */
  claimReport(): boolean;
}
