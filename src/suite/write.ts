import { afterAll, beforeEach, describe } from 'vitest';
import type { Rule } from '../checks/rule.js';
import { escapeControl } from '../diagnose/escape.js';
import { skipWith } from '../report/skip-note.js';
import type { CheckRun } from '../checks/run.js';
import type { ScimClient } from '../http/client.js';
import { once, ruleTests, suiteTarget } from './spec.js';
import type { Target } from './target.js';
import { saveLeftovers } from '../report/leftovers.js';
import { CLEANUP_COMMAND, describeCleanup, TestData, WRITE_SKIP_REASON } from './test-data.js';

export interface WriteTestOptions {
  /**
   * Asked once, before the first check runs (never in a read-only run): why the server does not
   * offer what the block tests, e.g. "the server does not advertise ETag support", or undefined to
   * run them. The verdict marks the block's flows "not offered", not "not tested".
   */
  precondition?: () => Promise<string | undefined>;
  /**
   * The precondition sends nothing (it reads what the global setup read for the run), so it is
   * asked in a read-only run too: a feature the server does not offer is "not offered" there, not
   * "set SCIM_WRITE=true", which would test nothing more.
   */
  askedReadOnly?: boolean;
}

/**
 * `ruleTests` for checks that write: a describe block whose tests skip with WRITE_SKIP_REASON
 * unless SCIM_WRITE=true (so nothing is sent, not even the block's first request), then with the
 * precondition's reason (asked first when it sends nothing: `askedReadOnly`), and otherwise judge
 * each rule exactly as `ruleTests` does.
 */
export function writeRuleTests(title: string, rules: readonly Rule[], evaluate: () => Promise<CheckRun>, options: WriteTestOptions = {}): void {
  const { target, preflight } = suiteTarget();
  const precondition = options.precondition === undefined ? undefined : once(options.precondition);
  describe(title, () => {
    beforeEach(async (context) => {
      const readOnly = !target.write;
      if (readOnly && options.askedReadOnly !== true) return skipWith(context, WRITE_SKIP_REASON, 'read-only');
      // A failed preflight is ruleTests' to report; asking the precondition would only add noise.
      const reason = precondition === undefined || preflight.status !== 'ok' ? undefined : await precondition();
      // The reason may quote the server: skipWith escapes it for every output.
      if (reason !== undefined) return skipWith(context, reason, 'not-offered');
      if (readOnly) return skipWith(context, WRITE_SKIP_REASON, 'read-only');
    });
    ruleTests(rules, evaluate);
  });
}

/**
 * The test data of one spec file: named `<prefix><scope>-<n>` (the prefix is the run's, or one
 * under it), removed after the file's checks (also when they failed, and before the client
 * closes), without ever throwing over a real failure. What could not be removed, or was not ours to
 * touch, is said on stderr and reaches the verdict.
 */
export function useTestData(client: ScimClient, target: Target, scope: string, prefix = target.runPrefix): TestData {
  if (!prefix.startsWith(target.runPrefix)) throw new Error(`test data of this run is named under ${target.runPrefix}, not ${prefix}`);
  const data = new TestData(client, prefix, scope, { emailDomain: target.emailDomain, userTemplate: target.userTemplate });
  const label = `${prefix.slice(target.runPrefix.length)}${scope}`;
  afterAll(async () => {
    let lines: string[];
    try {
      lines = describeCleanup(await data.cleanup());
    } catch (error) {
      lines = [escapeControl(`cleanup failed: ${(error as Error).message}; ${CLEANUP_COMMAND} removes what is left`)];
    }
    if (lines.length > 0) console.warn(`scim-conformance test data (${label}):\n${lines.map((line) => `  ${line}`).join('\n')}`);
    saveLeftovers({ scope: label, lines });
  });
  return data;
}
