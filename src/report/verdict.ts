import type { Client } from '../config.js';
import type { Finding } from '../checks/rule.js';
import type { Acceptance } from '../accept.js';
import { allRules, knownCodes } from '../checks/catalog.js';

/** One test's outcome as the reports need it, independent of Vitest's types. */
export interface Outcome {
  name: string;
  code: string | undefined;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  /** Failed, warned or accepted findings. */
  findings: Finding[];
  accepted: string | undefined;
  skipReason: string | undefined;
  /** A check that failed on an error of its own, not on a finding: the error's first line. */
  error?: string | undefined;
}

/**
 * A check, a spec file or the run itself that stopped on an error rather than a finding (a fault
 * of ours, a check that timed out, an answer nobody foresaw): nothing is known of what it covers.
 */
export interface Unfinished {
  /** The check (its code), the spec file, or "the run". */
  where: string;
  error: string;
  /** The profiles the check belongs to; a spec file or the run may cover any of them. */
  profiles: readonly Client[] | 'all';
}

export interface VerdictLine {
  code: string;
  /** How many places (requests, resources) showed it. */
  count: number;
  finding: Finding;
}

export interface ProfileVerdict {
  profile: Client;
  blockers: VerdictLine[];
  warnings: VerdictLine[];
  /** Checks and spec files of this profile that stopped on an error: it cannot be called ready. */
  unfinished: number;
  /** Checks of this profile that ran (passed or failed): with none, it cannot be called ready either. */
  judged: number;
  /** The run stopped early (--bail, or cancelled): what did not run is not known. */
  stoppedEarly: boolean;
}

/** What the verdict needs beyond the checks' outcomes. */
export interface RunFacts {
  /** What stopped on an error outside any check. */
  outside?: readonly Unfinished[];
  stoppedEarly?: boolean;
  /** Every code a check can have (defaults to the catalog's), to tell a stale acceptance from a typo. */
  known?: ReadonlySet<string>;
}

export interface Verdict {
  profiles: ProfileVerdict[];
  accepted: Array<Acceptance & { count: number }>;
  stale: Array<Acceptance & { why: string }>;
  unfinished: Unfinished[];
  stoppedEarly: boolean;
  skipped: number;
  /** Why checks were skipped, most common reason first. */
  skipReasons: Array<{ reason: string; count: number }>;
}

export const PROFILE_NAMES: Record<Client, string> = { okta: 'Okta', entra: 'Entra ID', rfc: 'RFC 7643/7644' };

/**
 * Most fundamental first: a server that cannot be reached, refuses the token or has the wrong Base
 * URL explains everything after it. Codes not named here follow, in the order the suites ran them.
 */
const FUNDAMENTAL = [
  'PREFLIGHT',
  'HTTP_NO_ANSWER',
  'AUTH_TOKEN_ACCEPTED',
  'BASE_URL_ENDS_WITH_RESOURCE',
  'HTTP_REDIRECT',
  'HTTP_HTML_PAGE',
  'HTTP_STATUS',
  'HTTP_BODY_EMPTY',
  'HTTP_BODY_NOT_JSON',
  'CONTENT_TYPE_NOT_JSON',
  'LIST_NOT_AN_OBJECT',
  'LIST_RESOURCES_PRESENT',
  'LIST_SCHEMAS',
  'LIST_TOTAL_RESULTS',
  'LIST_PAGING_NUMBERS',
  'FILTER_UNKNOWN_USER_EMPTY',
];

function rank(code: string): number {
  const index = FUNDAMENTAL.indexOf(code);
  return index === -1 ? FUNDAMENTAL.length : index;
}

function group(findings: Finding[]): VerdictLine[] {
  const lines = new Map<string, VerdictLine>();
  for (const finding of findings) {
    const line = lines.get(finding.code);
    if (line === undefined) lines.set(finding.code, { code: finding.code, count: 1, finding });
    else line.count += 1;
  }
  // A stable sort keeps run order among codes of the same rank.
  return [...lines.values()].sort((a, b) => rank(a.code) - rank(b.code));
}

/** The profiles a check belongs to: its rule's, or all of them for the preflight or an unknown code. */
function profilesOfCheck(): (code: string | undefined) => readonly Client[] | 'all' {
  const rules = new Map(allRules().map((rule) => [rule.code, rule]));
  return (code) => {
    const rule = code === undefined ? undefined : rules.get(code);
    return rule === undefined ? 'all' : (Object.keys(rule.requiredBy) as Client[]);
  };
}

const concerns = (profiles: readonly Client[] | 'all', profile: Client) => profiles === 'all' || profiles.includes(profile);

/** Checks that failed without a finding; `outside` adds what stopped outside any check. */
function unfinishedOf(outcomes: readonly Outcome[], outside: readonly Unfinished[], profilesOf: ReturnType<typeof profilesOfCheck>): Unfinished[] {
  const checks = outcomes.flatMap((o): Unfinished[] => {
    if (o.state !== 'failed' || o.findings.length > 0 || o.error === undefined) return [];
    return [{ where: o.code ?? o.name, error: o.error, profiles: profilesOf(o.code) }];
  });
  return [...checks, ...outside];
}

export function computeVerdict(
  outcomes: readonly Outcome[],
  profiles: readonly Client[],
  strict: boolean,
  acceptances: readonly Acceptance[],
  { outside = [], stoppedEarly = false, known = knownCodes() }: RunFacts = {},
): Verdict {
  const live = outcomes.filter((o) => o.accepted === undefined).flatMap((o) => o.findings);
  const profilesOf = profilesOfCheck();
  const unfinished = unfinishedOf(outcomes, outside, profilesOf);
  const verdicts = profiles.map((profile) => {
    const blocking = live.filter((f) => f.requiredBy[profile] === 'MUST' || (strict && f.requiredBy[profile] === 'SHOULD'));
    const warning = strict ? [] : live.filter((f) => f.requiredBy[profile] === 'SHOULD');
    const stopped = unfinished.filter((u) => concerns(u.profiles, profile)).length;
    const judged = outcomes.filter((o) => (o.state === 'passed' || o.state === 'failed') && concerns(profilesOf(o.code), profile)).length;
    return { profile, blockers: group(blocking), warnings: group(warning), unfinished: stopped, judged, stoppedEarly };
  });

  const accepted = acceptances
    .map((a) => ({ ...a, count: outcomes.filter((o) => o.accepted !== undefined && o.code === a.code).length }))
    .filter((a) => a.count > 0);
  const stale = acceptances.flatMap((a) => {
    if (accepted.some((x) => x.code === a.code)) return [];
    if (!known.has(a.code)) return [{ ...a, why: 'no check has this code' }];
    // Only a check that ran and passed shows the deviation is gone; one that was skipped shows nothing.
    if (outcomes.some((o) => o.code === a.code && o.state === 'passed')) return [{ ...a, why: 'the check now passes' }];
    return [];
  });
  const skippedOutcomes = outcomes.filter((o) => o.state === 'skipped');
  const reasons = new Map<string, number>();
  for (const o of skippedOutcomes) {
    // "not checked: X came first" names a different X each time; one line says it for all.
    // Our checks always say why they skip; a skip without a reason is Vitest leaving a check out.
    const reason = o.skipReason?.startsWith('not checked: ') ? 'not checked: an earlier finding came first' : (o.skipReason ?? 'not selected in this run (-t or a file filter)');
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const skipReasons = [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
  return { profiles: verdicts, accepted, stale, unfinished, stoppedEarly, skipped: skippedOutcomes.length, skipReasons };
}

/** The first sentence of a fix, for a one-line summary. */
export function shortFix(fix: string, length = 160): string {
  const sentence = /^(.+?[.!?])(\s|$)/.exec(fix)?.[1] ?? fix;
  return sentence.length > length ? `${sentence.slice(0, length - 1)}…` : sentence;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Ready, blocked, or not known: a profile with unfinished checks, none that ran, or a run cut short is never called ready. */
export function status(verdict: ProfileVerdict): 'ready' | 'blocked' | 'unknown' {
  if (verdict.blockers.length > 0) return 'blocked';
  return verdict.unfinished > 0 || verdict.judged === 0 || verdict.stoppedEarly ? 'unknown' : 'ready';
}

export function headline(verdict: ProfileVerdict): string {
  const name = PROFILE_NAMES[verdict.profile];
  const parts: string[] = [];
  if (verdict.blockers.length > 0) parts.push(plural(verdict.blockers.length, 'blocker'));
  if (verdict.warnings.length > 0) parts.push(plural(verdict.warnings.length, 'warning'));
  if (verdict.unfinished > 0) parts.push(`${verdict.unfinished} stopped on an error`);
  if (verdict.judged === 0) parts.push('no check of it ran');
  else if (verdict.stoppedEarly) parts.push('the run stopped early');
  const state = status(verdict);
  if (state === 'ready') return `${name}: ready${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
  if (state === 'unknown') return `${name}: not known (${parts.join(', ')})`;
  return `${name}: ${parts.join(', ')}`;
}

const MAX_UNFINISHED = 6;
export const UNFINISHED_HINT =
  'What stops on an error says nothing of the server: it is a fault in scim-conformance, or an answer it did not foresee. ' +
  'Please report it, with the HAR (SCIM_REPORTS=har) if you can share it.';

/** What stopped on an error, one line per place and error. */
export function unfinishedLines(unfinished: readonly Unfinished[]): string[] {
  const counts = new Map<string, number>();
  for (const u of unfinished) {
    const key = `${u.where}: ${u.error}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const lines = [...counts].map(([text, count]) => (count > 1 ? `${text} (×${count})` : text));
  const shown = lines.slice(0, MAX_UNFINISHED);
  if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more (run with --reporter=verbose to see each)`);
  return shown;
}

/** Causes that make most later findings meaningless: fix these first. */
const ROOT_CAUSES = new Set(['PREFLIGHT', 'HTTP_NO_ANSWER', 'AUTH_TOKEN_ACCEPTED', 'BASE_URL_ENDS_WITH_RESOURCE', 'HTTP_REDIRECT', 'HTTP_HTML_PAGE']);

function line(mark: string, entry: VerdictLine): string {
  const times = entry.count > 1 ? ` (×${entry.count})` : '';
  return `    ${mark} ${entry.code}${times}: ${shortFix(entry.finding.fix)}`;
}

/** Root causes in full; when there is one, what follows is named in one line, not forty. */
function blockerLines(blockers: readonly VerdictLine[]): string[] {
  const roots = blockers.filter((b) => ROOT_CAUSES.has(b.code));
  if (roots.length === 0) return blockers.map((b) => line('✗', b));
  const rest = blockers.filter((b) => !ROOT_CAUSES.has(b.code));
  const lines = roots.map((b) => line('✗', b));
  if (rest.length > 0) lines.push(`    … and ${rest.length} more that probably follow from it: ${rest.map((b) => b.code).join(', ')}`);
  return lines;
}

function signature(profile: ProfileVerdict): string {
  return JSON.stringify([profile.blockers.map((b) => [b.code, b.count]), profile.warnings.map((w) => [w.code, w.count]), profile.unfinished]);
}

const MAX_SKIP_REASONS = 6;

/** The text printed at the end of every run. Profiles with the same findings share one entry. */
export function renderVerdict(verdict: Verdict): string {
  const lines = ['Verdict'];
  const groups = new Map<string, ProfileVerdict[]>();
  for (const profile of verdict.profiles) groups.set(signature(profile), [...(groups.get(signature(profile)) ?? []), profile]);
  for (const profiles of groups.values()) {
    const first = profiles[0];
    if (first === undefined) continue;
    for (const profile of profiles) lines.push(`  ${headline(profile)}`);
    lines.push(...blockerLines(first.blockers));
    for (const warning of first.warnings) lines.push(line('!', warning));
  }
  if (verdict.stoppedEarly) lines.push('  the run stopped early (--bail, or cancelled): checks that did not run are not in this verdict');
  if (verdict.unfinished.length > 0) {
    lines.push('  stopped on an error, not on a finding:');
    lines.push(...unfinishedLines(verdict.unfinished).map((text) => `    ? ${text}`));
    lines.push(`    ${UNFINISHED_HINT}`);
  }
  for (const a of verdict.accepted) lines.push(`  accepted: ${a.code}${a.count > 1 ? ` (×${a.count})` : ''}: ${a.reason}`);
  for (const s of verdict.stale) lines.push(`  stale acceptance: ${s.code} (${s.why}): remove it from the accept file`);
  if (verdict.skipped > 0) {
    lines.push(`  ${verdict.skipped} check${verdict.skipped === 1 ? '' : 's'} skipped:`);
    const shown = verdict.skipReasons.slice(0, MAX_SKIP_REASONS);
    const width = String(shown[0]?.count ?? 0).length;
    for (const { reason, count } of shown) lines.push(`    ${String(count).padStart(width)} ${reason}`);
    const rest = verdict.skipReasons.length - shown.length;
    if (rest > 0) lines.push(`    … and ${rest} more reasons (run with --reporter=verbose to see each check's)`);
  }
  return lines.join('\n');
}
