// The bin's two deadlines after an interrupt, from the environment: a module of its own, so that
// the defaults are tested directly (test/e2e/bin.test.ts) rather than by waiting for them.

/**
 * Docker and most CI runners kill a container 10 s after their SIGTERM: by default the run's
 * cleanup stops at 7 s, saying what it leaves, and the bin kills what still runs a second later.
 */
const DEFAULT_GRACE_MS = 7_000;
const KILL_AFTER_GRACE_MS = 1_000;

/**
 * `graceMs`: the run's cleanup stops this long after an interrupt, saying what it leaves
 * (src/suite/interrupt.ts); SCIMC_INTERRUPT_GRACE_MS sets a longer one (Kubernetes gives 30 s).
 * `killAfterMs`: the bin kills the run's whole process group this long after the interrupt, a second
 * after the grace unless SCIMC_INTERRUPT_KILL_MS says otherwise (our tests: a kill before the run
 * can stop).
 *
 * @param {Record<string, string | undefined>} env
 * @returns {{ graceMs: number, killAfterMs: number }}
 */
export function interruptDeadlines(env) {
  const graceMs = positiveMs(env.SCIMC_INTERRUPT_GRACE_MS) ?? DEFAULT_GRACE_MS;
  return { graceMs, killAfterMs: positiveMs(env.SCIMC_INTERRUPT_KILL_MS) ?? graceMs + KILL_AFTER_GRACE_MS };
}

/**
 * A positive number of milliseconds, or undefined.
 *
 * @param {string | undefined} value
 */
export function positiveMs(value) {
  const ms = Number(value);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
