/**
 * Whose request a finding was made of. A rule's requiredBy says which clients need it; a finding
 * made of a request one of them never sends (Entra's "False" string, Microsoft's junk body, a
 * malformed filter) is not that client's blocker, whatever the rule says elsewhere (issue 13: "a rule
 * that only the RFC states ... inputs the client never sends").
 */
import { CLIENTS, type Client } from '../config.js';
import { levelFor, type Finding } from './rule.js';
import type { CheckRun } from './run.js';

/** The finding as it stands for the clients other than `client`. */
export function withoutClient(finding: Finding, client: Client): Finding {
  const requiredBy = { ...finding.requiredBy };
  delete requiredBy[client];
  return { ...finding, requiredBy, level: levelFor({ requiredBy }, CLIENTS) ?? 'MAY' };
}

/** The run's findings, from index `from` on, were made of requests `client` never sends. */
export function notSentBy<Run extends CheckRun>(run: Run, client: Client, from = 0): Run {
  const mine = run.findings.splice(from).map((finding) => withoutClient(finding, client));
  run.findings.push(...mine);
  return run;
}
