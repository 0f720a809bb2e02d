import type { Client } from '../config.js';
import type { Finding } from '../checks/rule.js';
import { group, type VerdictLine } from './causes.js';
import { FLOWS, inFlow, type Flow, type Stage } from './flows.js';
import type { Outcome, SkipKind } from './verdict.js';

export type FlowState = 'works' | 'breaks' | 'not tested' | 'not offered' | 'not known';

export interface FlowVerdict {
  name: string;
  stage: Stage;
  basis: string;
  state: FlowState;
  /** For "breaks": the first root cause. */
  cause?: VerdictLine;
  /** For "not tested", "not offered" and "not known": why, in a few words. */
  why?: string;
  /** SHOULD findings of the flow's checks that did not block it. */
  warnings: string[];
  /** Checks of the flow that can only warn and were not judged (skipped, or not in the run). */
  unjudged?: string[];
}

export interface FlowContext {
  outcomes: readonly Outcome[];
  profile: Client;
  blocks: (finding: Finding) => boolean;
  warns: (finding: Finding) => boolean;
  /** Whether the profile needs the rule of this code at all (the preflight: every profile). */
  required: (code: string | undefined) => boolean;
  /**
   * Whether a finding of this code would block the profile (a MUST; a SHOULD in strict mode). Only
   * those must have run for the flow to work: one that can only warn, not judged, is named instead.
   */
  canBlock: (code: string | undefined) => boolean;
  /** The profile's root causes: a breaking flow names the first, not its own consequence of it. */
  causes: readonly VerdictLine[];
}

/** The order in which a skip explains a flow: a cause first, a capability absent last. */
const SKIP_ORDER: readonly SkipKind[] = ['earlier', 'read-only', 'other', 'not-selected', 'not-applicable', 'not-offered'];

const kindOf = (o: Outcome): SkipKind => (o.state === 'pending' ? 'not-selected' : (o.skipKind ?? 'not-selected'));

/** A skip's reason in a few words: "set SCIM_WRITE=true", "USER_CREATE_STATUS came first", the check's own. */
function skipWhy(outcome: Outcome): string {
  const reason = outcome.skipReason;
  switch (outcome.skipKind) {
    case 'read-only':
      return 'set SCIM_WRITE=true';
    case 'earlier':
      return (reason ?? 'an earlier finding came first').replace(/^not (checked|run): /, '');
    case 'not-offered':
    case 'not-applicable':
    case 'other':
      return reason ?? 'no reason given';
    default:
      return outcome.state === 'pending' ? 'the run stopped before it' : 'not selected in this run (-t or a file filter)';
  }
}

function skippedState(skipped: readonly Outcome[], causes: readonly VerdictLine[]): Pick<FlowVerdict, 'state' | 'why'> {
  // After a root cause (a refused token, a wrong Base URL), every other reason to skip is moot.
  const root = causes[0];
  if (root !== undefined) return { state: 'not tested', why: `${root.code} came first` };
  const first = [...skipped].sort((a, b) => SKIP_ORDER.indexOf(kindOf(a)) - SKIP_ORDER.indexOf(kindOf(b)))[0];
  if (first === undefined) return { state: 'not tested', why: 'no check of it ran' };
  // A flow is not offered only when every check of it says so; one skipped otherwise is not tested.
  const offered = skipped.some((o) => kindOf(o) !== 'not-offered');
  return { state: offered ? 'not tested' : 'not offered', why: skipWhy(first) };
}

/** The flow's checks (of this profile) that have no test in this run: a -t or a file filter left them out. */
function missingChecks(flow: Flow, context: FlowContext): string[] {
  return flow.checks.flatMap((checks) =>
    checks.codes.filter((code) => context.required(code) && !context.outcomes.some((o) => o.code === code && (checks.within === undefined || o.name.startsWith(checks.within)))),
  );
}

const notRun = (o: Outcome) => o.state === 'skipped' || o.state === 'pending';

export function judgeFlow(flow: Flow, context: FlowContext): FlowVerdict {
  const base = { name: flow.name, stage: flow.stage, basis: flow.basis };
  const mine = context.outcomes.filter((o) => inFlow(flow, o) && context.required(o.code));
  const live = mine.filter((o) => o.accepted === undefined).flatMap((o) => o.findings);
  const warnings = [...new Set(live.filter(context.warns).map((f) => f.code))];
  const blocking = group(live.filter(context.blocks));
  const own = blocking[0];
  if (own !== undefined) return { ...base, state: 'breaks', cause: context.causes[0] ?? own, warnings };
  const crashed = mine.find((o) => o.state === 'failed' && o.findings.length === 0);
  if (crashed !== undefined) return { ...base, state: 'not known', why: `${crashed.code ?? crashed.name} stopped on an error`, warnings };
  const missing = missingChecks(flow, context);
  if (missing.some(context.canBlock)) {
    const why = context.causes[0] === undefined ? 'not all its checks were in this run (-t or a file filter)' : `${context.causes[0].code} came first`;
    return { ...base, state: 'not tested', why, warnings };
  }
  const ran = new Set(mine.filter((o) => !notRun(o)).map((o) => o.code));
  // A flow none of whose checks ran is not tested, even when each of them could only have warned.
  // A check the flow judged in one block (WRITE_CREATED_NOT_OURS on Okta's user) is judged, though another block (ETag's) skipped it.
  // One that does not apply to this server (DOES_NOT_APPLY) leaves the flow to the checks that ran.
  const applies = (o: Outcome) => ran.size === 0 || (context.canBlock(o.code) && kindOf(o) !== 'not-applicable');
  const skipped = mine.filter((o) => notRun(o) && !ran.has(o.code) && applies(o));
  if (skipped.length > 0) return { ...base, ...skippedState(skipped, context.causes), warnings };
  if (ran.size === 0) return { ...base, state: 'not tested', why: 'not all its checks were in this run (-t or a file filter)', warnings };
  const unjudged = [...new Set([...missing, ...mine.filter(notRun).map((o) => o.code ?? o.name)])].filter((code) => !ran.has(code));
  return { ...base, state: 'works', warnings, ...(unjudged.length > 0 ? { unjudged } : {}) };
}

export function judgeFlows(context: FlowContext): FlowVerdict[] {
  return FLOWS[context.profile].map((flow) => judgeFlow(flow, context));
}

/** What a flow's state says in a line: "works", "breaks: CODE", "not tested: set SCIM_WRITE=true". */
export function flowState(flow: FlowVerdict): string {
  if (flow.state === 'works') {
    const notes = [
      ...(flow.warnings.length > 0 ? [`warning: ${flow.warnings.join(', ')}`] : []),
      ...(flow.unjudged === undefined ? [] : [`not judged: ${flow.unjudged.join(', ')}`]),
    ];
    return notes.length > 0 ? `works (${notes.join('; ')})` : 'works';
  }
  if (flow.state === 'breaks') return `breaks: ${flow.cause?.code ?? 'a blocker'}`;
  return `${flow.state}: ${flow.why ?? ''}`;
}

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/** The label a flow shares with others in the overall line: warnings aside, works is "ready". */
function summaryLabel(flow: FlowVerdict): string {
  if (flow.state === 'works') return 'ready';
  if (flow.state === 'breaks') return 'breaks';
  return `${flow.state}: ${flow.why ?? ''}`;
}

/**
 * The overall line of a profile some of whose flows were not tested or are not offered, stage by
 * stage where a whole stage shares one state: "connection and import ready; provisioning not
 * tested: set SCIM_WRITE=true".
 */
export function flowSummary(flows: readonly FlowVerdict[]): string {
  const order: readonly FlowState[] = ['works', 'breaks', 'not known', 'not tested', 'not offered'];
  const sorted = [...flows].sort((a, b) => order.indexOf(a.state) - order.indexOf(b.state));
  const labels = [...new Set(sorted.map(summaryLabel))];
  const stages = [...new Set(flows.map((f) => f.stage))];
  return labels
    .map((label) => {
      const subjects: string[] = [];
      for (const stage of stages) {
        const ofStage = flows.filter((f) => f.stage === stage);
        const labelled = ofStage.filter((f) => summaryLabel(f) === label);
        if (labelled.length === ofStage.length) subjects.push(stage);
        else subjects.push(...labelled.map((f) => f.name));
      }
      return `${joinAnd(subjects)} ${label}`;
    })
    .join('; ');
}
