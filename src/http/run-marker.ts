/**
 * The marker every resource a run creates carries in its userName or displayName:
 * `scimc-<time in base36>-<random>-`. The client's write guard and the sweeps read it; nothing
 * without it is ever written to.
 */
export const TEST_PREFIX = 'scimc-';

const RUN_PREFIX = /^scimc-([0-9a-z]{8})-[0-9a-f]{6}-/;
/** Run times before this are not ours: the suite did not exist. It keeps look-alike names out. */
const EARLIEST_RUN = Date.UTC(2024, 0, 1);
/** A day of clock skew between machines is tolerated; later than that is not a run's time. */
const MAX_SKEW_MS = 24 * 60 * 60 * 1000;

/** When the run that used this name started, or undefined for a name that is not ours. */
export function runStartOf(name: string): number | undefined {
  const match = RUN_PREFIX.exec(name);
  if (match?.[1] === undefined) return undefined;
  const started = parseInt(match[1], 36);
  return started >= EARLIEST_RUN && started <= Date.now() + MAX_SKEW_MS ? started : undefined;
}

/** True for a name a run of this suite made: the whole `scimc-<time>-<random>-` shape, not just `scimc-`. */
export function isRunName(name: unknown): name is string {
  return typeof name === 'string' && runStartOf(name) !== undefined;
}
