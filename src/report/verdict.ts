import { DOES_NOT_APPLY } from '../checks/run.js';
import type { Client } from '../config.js';
import type { Finding, Level } from '../checks/rule.js';
import type { Acceptance } from '../accept.js';
import { allRules, knownCodes, TOOL_ERRORS, type ToolErrorCode } from '../checks/catalog.js';
import { renderFinding } from '../diagnose/render.js';
import { foldBlockers, group, rootCauses, type VerdictLine } from './causes.js';
import { flowState, flowSummary, judgeFlows, type FlowVerdict } from './flow-verdict.js';

export type { VerdictLine } from './causes.js';
export type { FlowVerdict } from './flow-verdict.js';

/**
 * Why a check was skipped, as the flows need it: the run was read-only, the server does not offer
 * the feature, an earlier finding or the preflight came first, Vitest left it out (-t, a file
 * filter), or another stated reason (too little data, an opt-in check).
 */
export type SkipKind = 'read-only' | 'not-offered' | 'not-applicable' | 'earlier' | 'not-selected' | 'other';

/** Words with which the checks themselves say a feature is absent (they record text, not a kind). */
const NOT_OFFERED = /\bdoes not (advertise|offer|support)\b|\bdeclines\b|\bnot offered\b/;

/** The kind of a skip whose test did not record one: from the reason our own suites give. */
export function skipKindOf(reason: string | undefined): SkipKind {
  if (reason === undefined) return 'not-selected';
  if (/^not (checked|run): /.test(reason)) return 'earlier';
  if (reason.includes('SCIM_WRITE=true')) return 'read-only';
  if (reason.startsWith(DOES_NOT_APPLY)) return 'not-applicable';
  return NOT_OFFERED.test(reason) ? 'not-offered' : 'other';
}

/** One test's outcome as the reports need it, independent of Vitest's types. */
export interface Outcome {
  name: string;
  code: string | undefined;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  /** Failed, warned or accepted findings. */
  findings: Finding[];
  accepted: string | undefined;
  skipReason: string | undefined;
  /** For a skipped check: what kind of reason it was skipped for. */
  skipKind?: SkipKind | undefined;
  /** A check that failed on an error of its own, not on a finding: the error's first line. */
  error?: string | undefined;
  /** …and which of our errors it was (src/checks/tool-errors.ts). */
  errorCode?: ToolErrorCode | undefined;
}

/**
 * A check, a spec file or the run itself that stopped on an error rather than a finding (a fault
 * of ours, a check that timed out, an answer nobody foresaw): nothing is known of what it covers.
 */
export interface Unfinished {
  /** The check (its code), the spec file, or "the run". */
  where: string;
  error: string;
  /** Which of our errors it was: a fault of ours, or the run being stopped (src/checks/tool-errors.ts). */
  code?: ToolErrorCode | undefined;
  /** The profiles the check belongs to; a spec file or the run may cover any of them. */
  profiles: readonly Client[] | 'all';
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
  /** Each flow the client runs (for the RFC: each area), as this run saw it. */
  flows: FlowVerdict[];
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

/** The level at which a profile needs a check: its rule's, or MUST for the preflight and an unknown code. */
function levelsOfChecks(): (code: string | undefined, profile: Client) => Level | undefined {
  const rules = new Map(allRules().map((rule) => [rule.code, rule]));
  return (code, profile) => {
    const rule = code === undefined ? undefined : rules.get(code);
    return rule === undefined ? 'MUST' : rule.requiredBy[profile];
  };
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
    return [{ where: o.code ?? o.name, error: o.error, code: o.errorCode, profiles: profilesOf(o.code) }];
  });
  return [...checks, ...outside];
}

function profileVerdict(
  profile: Client,
  outcomes: readonly Outcome[],
  strict: boolean,
  facts: { unfinished: readonly Unfinished[]; stoppedEarly: boolean; profilesOf: ReturnType<typeof profilesOfCheck>; levelOf: ReturnType<typeof levelsOfChecks> },
): ProfileVerdict {
  const blocks = (f: Finding) => f.requiredBy[profile] === 'MUST' || (strict && f.requiredBy[profile] === 'SHOULD');
  const warns = (f: Finding) => !strict && f.requiredBy[profile] === 'SHOULD';
  const live = outcomes.filter((o) => o.accepted === undefined).flatMap((o) => o.findings);
  const blockers = group(live.filter(blocks));
  const stopped = facts.unfinished.filter((u) => concerns(u.profiles, profile)).length;
  const required = (code: string | undefined) => concerns(facts.profilesOf(code), profile);
  const judged = outcomes.filter((o) => (o.state === 'passed' || o.state === 'failed') && required(o.code)).length;
  const canBlock = (code: string | undefined) => {
    const level = facts.levelOf(code, profile);
    return level === 'MUST' || (strict && level === 'SHOULD');
  };
  const flows = judgeFlows({ outcomes, profile, blocks, warns, required, canBlock, causes: rootCauses(blockers) });
  return { profile, blockers, warnings: group(live.filter(warns)), unfinished: stopped, judged, stoppedEarly: facts.stoppedEarly, flows };
}

function acceptancesOf(outcomes: readonly Outcome[], acceptances: readonly Acceptance[], known: ReadonlySet<string>): Pick<Verdict, 'accepted' | 'stale'> {
  const accepted = acceptances.map((a) => ({ ...a, count: outcomes.filter((o) => o.accepted !== undefined && o.code === a.code).length })).filter((a) => a.count > 0);
  const stale = acceptances.flatMap((a) => {
    if (accepted.some((x) => x.code === a.code)) return [];
    if (!known.has(a.code)) return [{ ...a, why: 'no check has this code' }];
    // Only a check that ran and passed shows the deviation is gone; one that was skipped shows nothing.
    if (outcomes.some((o) => o.code === a.code && o.state === 'passed')) return [{ ...a, why: 'the check now passes' }];
    return [];
  });
  return { accepted, stale };
}

function skipReasonsOf(skipped: readonly Outcome[]): Verdict['skipReasons'] {
  const reasons = new Map<string, number>();
  for (const o of skipped) {
    // "not checked: X came first" names a different X each time; one line says it for all.
    // Our checks always say why they skip; a skip without a reason is Vitest leaving a check out.
    const reason = o.skipReason?.startsWith('not checked: ') ? 'not checked: an earlier finding came first' : (o.skipReason ?? 'not selected in this run (-t or a file filter)');
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  return [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
}

export function computeVerdict(
  outcomes: readonly Outcome[],
  profiles: readonly Client[],
  strict: boolean,
  acceptances: readonly Acceptance[],
  { outside = [], stoppedEarly = false, known = knownCodes() }: RunFacts = {},
): Verdict {
  const profilesOf = profilesOfCheck();
  const unfinished = unfinishedOf(outcomes, outside, profilesOf);
  const verdicts = profiles.map((profile) => profileVerdict(profile, outcomes, strict, { unfinished, stoppedEarly, profilesOf, levelOf: levelsOfChecks() }));
  const skipped = outcomes.filter((o) => o.state === 'skipped');
  return { profiles: verdicts, ...acceptancesOf(outcomes, acceptances, known), unfinished, stoppedEarly, skipped: skipped.length, skipReasons: skipReasonsOf(skipped) };
}

/** Abbreviations whose full stop ends no sentence: "e.g. a realm" goes on. */
const ABBREVIATION_BEFORE = /\b(?:e\.g|i\.e|etc|vs|cf|incl|approx|resp)$/i;
/** A full stop, ! or ? that ends a sentence: the text ends, or a new sentence starts after a space. */
const SENTENCE_END = /[.!?](?=\s*$|\s+["'(`]?[A-Z0-9])/g;

/**
 * The first sentence of a fix, whole, for a one-line summary: never cut inside it (a fix cut at
 * "e.g." or at a length reads as another instruction).
 */
export function shortFix(fix: string): string {
  for (const end of fix.matchAll(SENTENCE_END)) {
    if (!ABBREVIATION_BEFORE.test(fix.slice(0, end.index))) return fix.slice(0, end.index + 1);
  }
  return fix;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

export type ProfileStatus = 'ready' | 'partial' | 'blocked' | 'unknown';

/**
 * Ready only when every flow works; partial when none breaks but some were not tested or are not
 * offered; blocked; or not known: a profile with unfinished checks, none that ran, or a run cut
 * short is never called ready.
 */
export function status(verdict: ProfileVerdict): ProfileStatus {
  if (verdict.blockers.length > 0) return 'blocked';
  if (verdict.unfinished > 0 || verdict.judged === 0 || verdict.stoppedEarly) return 'unknown';
  return verdict.flows.every((flow) => flow.state === 'works') ? 'ready' : 'partial';
}

/** "1 blocker, 3 findings that follow from it": the consequences of a root cause are not blockers of their own. */
function blockerCount(verdict: ProfileVerdict): string | undefined {
  if (verdict.blockers.length === 0) return undefined;
  const { causes, following } = foldBlockers(verdict.blockers);
  const counted = plural(causes.length, 'blocker');
  return following.length === 0 ? counted : `${counted}, ${plural(following.length, 'finding')} that follow${following.length === 1 ? 's' : ''} from it`;
}

export function headline(verdict: ProfileVerdict): string {
  const name = PROFILE_NAMES[verdict.profile];
  const parts: string[] = [];
  const blockers = blockerCount(verdict);
  if (blockers !== undefined) parts.push(blockers);
  if (verdict.warnings.length > 0) parts.push(plural(verdict.warnings.length, 'warning'));
  if (verdict.unfinished > 0) parts.push(`${verdict.unfinished} stopped on an error`);
  if (verdict.judged === 0) parts.push('no check of it ran');
  else if (verdict.stoppedEarly) parts.push('the run stopped early');
  const state = status(verdict);
  const extra = parts.length > 0 ? ` (${parts.join(', ')})` : '';
  if (state === 'ready') return `${name}: ready${extra}`;
  if (state === 'partial') return `${name}: ${flowSummary(verdict.flows)}${extra}`;
  if (state === 'unknown') return `${name}: not known (${parts.join(', ')})`;
  return `${name}: ${parts.join(', ')}`;
}

const MAX_UNFINISHED = 6;
export const UNFINISHED_HINT =
  'What stops on an error says nothing of the server: it is a fault in scim-conformance, or an answer it did not foresee. ' +
  'Please report it, with the HAR (SCIM_REPORTS=har) if you can share it.';

export const HALTED_HINT = 'The run was stopped before these ended (interrupted, or the server went silent): what they cover is not known.';

/** The request to report a fault, unless all that stopped was stopped by the run's halt (RUN_HALTED), which is no fault. */
export function unfinishedHint(unfinished: readonly Unfinished[]): string {
  return unfinished.some((u) => u.code === undefined || TOOL_ERRORS[u.code].cause === 'fault') ? UNFINISHED_HINT : HALTED_HINT;
}

/** What stopped on an error, one line per place and error. */
export function unfinishedLines(unfinished: readonly Unfinished[]): string[] {
  const counts = new Map<string, number>();
  for (const u of unfinished) {
    const key = `${u.where}: ${u.error}${u.code === undefined ? '' : ` [${u.code}]`}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const lines = [...counts].map(([text, count]) => (count > 1 ? `${text} (×${count})` : text));
  const shown = lines.slice(0, MAX_UNFINISHED);
  if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more (run with --reporter=verbose to see each)`);
  return shown;
}

function line(mark: string, entry: VerdictLine): string {
  const times = entry.count > 1 ? ` (×${entry.count})` : '';
  return `    ${mark} ${entry.code}${times}: ${shortFix(entry.finding.fix)}`;
}

/** Root causes in full; when there is one, what follows from it is named in one line, not forty. */
function blockerLines(blockers: readonly VerdictLine[]): string[] {
  const { causes, following } = foldBlockers(blockers);
  const lines = causes.map((b) => line('✗', b));
  if (following.length > 0) lines.push(`    … and ${following.length} more that follow from it: ${following.map((b) => b.code).join(', ')}`);
  return lines;
}

/** In the order the flows are listed: what works, what breaks, what is not known, not tested, not offered. */
export const FLOW_MARKS: Record<FlowVerdict['state'], string> = { works: '✓', breaks: '✗', 'not known': '?', 'not tested': '–', 'not offered': '○' };

/** A flow's state with the short fix of its cause, for the reports. */
export function flowLine(flow: FlowVerdict): string {
  return flow.state === 'breaks' && flow.cause !== undefined ? `${flowState(flow)}: ${shortFix(flow.cause.finding.fix)}` : flowState(flow);
}

/** Flows that share a state share a line: "✓ Test Connector Configuration, import users: works". */
function flowLines(profile: ProfileVerdict): string[] {
  const byState = new Map<string, FlowVerdict[]>();
  const order = Object.keys(FLOW_MARKS);
  const flows = [...profile.flows].sort((a, b) => order.indexOf(a.state) - order.indexOf(b.state));
  // The cause's fix is on its ✗ line just above: the flows name it by its code.
  for (const flow of flows) byState.set(flowState(flow), [...(byState.get(flowState(flow)) ?? []), flow]);
  const heading = profile.profile === 'rfc' ? 'areas' : 'flows';
  return [`    ${heading}:`, ...[...byState].map(([state, flows]) => `      ${FLOW_MARKS[flows[0]?.state ?? 'not known']} ${flows.map((f) => f.name).join(', ')}: ${state}`)];
}

function profileLines(profile: ProfileVerdict): string[] {
  return [`  ${headline(profile)}`, ...blockerLines(profile.blockers), ...profile.warnings.map((warning) => line('!', warning)), ...flowLines(profile)];
}

const MAX_SKIP_REASONS = 6;

function skipLines(verdict: Verdict): string[] {
  if (verdict.skipped === 0) return [];
  const lines = [`  ${verdict.skipped} check${verdict.skipped === 1 ? '' : 's'} skipped:`];
  const shown = verdict.skipReasons.slice(0, MAX_SKIP_REASONS);
  const width = String(shown[0]?.count ?? 0).length;
  for (const { reason, count } of shown) lines.push(`    ${String(count).padStart(width)} ${reason}`);
  const rest = verdict.skipReasons.length - shown.length;
  if (rest > 0) lines.push(`    … and ${rest} more reasons (run with --reporter=verbose to see each check's)`);
  return lines;
}

function unfinishedSection(verdict: Verdict): string[] {
  if (verdict.unfinished.length === 0) return [];
  return ['  stopped on an error, not on a finding:', ...unfinishedLines(verdict.unfinished).map((text) => `    ? ${text}`), `    ${unfinishedHint(verdict.unfinished)}`];
}

/**
 * Each warning once, whichever clients it concerns, with the four parts a failure shows: what came
 * back, what is required and by whom, the cause and fix, and the curl that reproduces it. A warning
 * passes its check, so Vitest prints none of it: this is where it is seen.
 */
export function warningLines(verdict: Verdict): string[] {
  const warnings = new Map<string, VerdictLine>();
  for (const warning of verdict.profiles.flatMap((profile) => profile.warnings)) if (!warnings.has(warning.code)) warnings.set(warning.code, warning);
  if (warnings.size === 0) return [];
  const block = ({ finding, count }: VerdictLine) =>
    renderFinding(finding)
      .split('\n')
      .map((text, index) => (index === 0 ? `    ! ${text}${count > 1 ? ` (×${count})` : ''}` : `    ${text}`));
  return [`  warnings (${warnings.size}), in full:`, ...[...warnings.values()].flatMap(block)];
}

/** The text printed at the end of every run: each client, its blockers, then its flows. */
export function renderVerdict(verdict: Verdict): string {
  return [
    'Verdict',
    ...verdict.profiles.flatMap(profileLines),
    ...warningLines(verdict),
    ...(verdict.stoppedEarly ? ['  the run stopped early (--bail, or cancelled): checks that did not run are not in this verdict'] : []),
    ...unfinishedSection(verdict),
    ...verdict.accepted.map((a) => `  accepted: ${a.code}${a.count > 1 ? ` (×${a.count})` : ''}: ${a.reason}`),
    ...verdict.stale.map((s) => `  stale acceptance: ${s.code} (${s.why}): remove it from the accept file`),
    ...skipLines(verdict),
  ].join('\n');
}
