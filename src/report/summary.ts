import type { Leftovers } from './leftovers.js';
import type { LoggedExchange } from './exchange-log.js';
import type { Outcome, Verdict } from './verdict.js';

/** Everything a report renders, gathered once at the end of a run. */
export interface RunSummary {
  /** What was tested: the Base URL, and whether it was the bundled server. */
  target: string;
  startedAt: string;
  verdict: Verdict;
  outcomes: Outcome[];
  exchanges: LoggedExchange[];
  /** What the run's cleanup could not remove, by spec file: named in every report, with the command. */
  leftovers?: readonly Leftovers[];
}

export function failedOutcomes(summary: RunSummary): Outcome[] {
  return summary.outcomes.filter((o) => o.state === 'failed' && o.findings.length > 0);
}

export function warnedOutcomes(summary: RunSummary): Outcome[] {
  return summary.outcomes.filter((o) => o.state === 'passed' && o.findings.length > 0 && o.accepted === undefined);
}
