import { escapeControl } from '../diagnose/escape.js';
import { finding, type Finding, type FindingDetails, type Rule } from './rule.js';

/**
 * How a check's skip says its rule does not apply to this server: the rule rests on something the
 * RFC lets a server leave out (a user's groups, a member's $ref, a filter operator it declines with
 * invalidFilter, queries on its root) or on values none of its users has. The rest of the rule's
 * flow can still work; a feature the server lacks as a whole is "not offered" instead.
 */
export const DOES_NOT_APPLY = 'does not apply: ';

/**
 * What a check concluded: the findings, in order of how fundamental they are, and which rules it
 * actually evaluated. A rule that was not evaluated (the body was not JSON, so `Resources` could not
 * be looked at) is neither passed nor failed: the suite reports it as skipped, naming what came first.
 */
export class CheckRun {
  readonly findings: Finding[] = [];
  readonly checked = new Set<string>();
  /** Why a rule was deliberately not judged: a feature not advertised, too little data. */
  readonly skipped = new Map<string, string>();

  pass(rule: Rule): void {
    this.checked.add(rule.code);
  }

  fail(rule: Rule, details: FindingDetails): void {
    this.checked.add(rule.code);
    this.findings.push(finding(rule, details));
  }

  /** Records a pass when `ok`, otherwise a finding built lazily from `details`. */
  expect(rule: Rule, ok: boolean, details: () => FindingDetails): boolean {
    if (ok) this.pass(rule);
    else this.fail(rule, details());
    return ok;
  }

  /** Records why `rule` was not judged; the suite skips its test with this reason. */
  skip(rule: Rule, reason: string): void {
    // A reason may quote the server; it is shown as the skipped test's note, in every report.
    if (!this.checked.has(rule.code)) this.skipped.set(rule.code, escapeControl(reason));
  }

  merge(other: CheckRun): this {
    this.findings.push(...other.findings);
    for (const code of other.checked) this.checked.add(code);
    for (const [code, reason] of other.skipped) this.skipped.set(code, reason);
    for (const code of this.checked) this.skipped.delete(code);
    return this;
  }

  hasFailed(): boolean {
    return this.findings.length > 0;
  }
}
