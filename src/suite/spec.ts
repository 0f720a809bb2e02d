import { afterAll, afterEach, expect, inject, test, type TestContext } from 'vitest';
import { loadAcceptances } from '../accept.js';
import type { Client } from '../config.js';
import { responseRules } from '../checks/response.js';
import { finding, levelFor, type Finding, type Level, type Rule } from '../checks/rule.js';
import type { CheckRun } from '../checks/run.js';
import { toolErrorCode } from '../checks/tool-errors.js';
import { renderFindings } from '../diagnose/render.js';
import { ScimClient } from '../http/client.js';
import type { Gate } from '../http/gate.js';
import { Limiter } from '../http/limiter.js';
import { saveExchanges } from '../report/exchange-log.js';
import { skipWith } from '../report/skip-note.js';
import { fetchPrepared } from './run-service.js';
import type { Preflight, Target } from './target.js';

declare module 'vitest' {
  interface TaskMeta {
    /** The findings behind a failed or warned check, for the verdict and the reports. */
    findings?: Finding[];
    code?: string;
    level?: Level;
    /** The reason from the team's accept file, when this check's findings are accepted. */
    accepted?: string;
  }
}

/** A failed MUST: the message is the rendered finding, the stack trace would only be noise. */
export class ConformanceFailure extends Error {
  override name = 'ConformanceFailure';
}

// Every spec file waits here, at import, for the global setup's preflight; its workers start meanwhile.
const prepared = await fetchPrepared(inject('runService'));

export function suiteTarget(): { target: Target; preflight: Preflight } {
  return prepared;
}

/**
 * One client per spec file, closed after it; its exchanges go to the reports. It keeps to the
 * run's shared politeness limits, and stops with the whole run when the server goes silent.
 */
export function useClient(target: Target): ScimClient {
  const client = new ScimClient({ ...target, gate: runGate(), watchSilence: true });
  reportSilenceOnce(client, target);
  afterAll(async () => {
    saveExchanges(client.log, specFileName());
    await client.close();
  });
  return client;
}

/**
 * Once the run stopped sending (the server went silent, src/http/silence.ts), what the silence
 * caused is told once. The client refuses every request the silence took, those it left unanswered
 * as well as those after it (RunHalted), so no check judges a missing answer it stands for: the
 * first check it stopped reports it as its finding, and every other check it stopped is skipped
 * with that one cause. A check that failed on what it got keeps its findings.
 */
function reportSilenceOnce(client: ScimClient, target: Target): void {
  afterEach((context) => {
    const cause = client.haltCause();
    if (cause === undefined || !stoppedByHalt(context)) return;
    if (!client.claimReport()) return skipWith(context, `not run: ${cause}`);
    const rule = responseRules.HTTP_SERVER_WENT_SILENT;
    context.task.meta.code = rule.code;
    context.task.meta.level = levelFor(rule, target.profiles) ?? 'MUST';
    const silence = { ...finding(rule, { got: `${cause}.` }), level: context.task.meta.level };
    context.task.meta.findings = [silence];
    // The refusal's own message says the same as the finding, without the requirement and the fix.
    if (context.task.result !== undefined) context.task.result.errors = [];
    throw new ConformanceFailure(renderFindings([silence]));
  });
}

/** The check failed because a request of its was refused: the run had stopped (RunHalted, src/http/gate.ts). */
function stoppedByHalt(context: TestContext): boolean {
  const result = context.task.result;
  return result?.state === 'fail' && (result.errors ?? []).some((error) => toolErrorCode(error) === 'RUN_HALTED');
}

/** The run's one limiter, on memory the main process made and every worker thread shares. */
function runGate(): Gate {
  const memory = inject('limitsMemory');
  if (memory instanceof SharedArrayBuffer) return new Limiter(memory);
  // Worker processes (--pool forks) get a copy of the memory, not the memory: the run's limits would not hold.
  throw new Error('scim-conformance: the spec files run in worker threads only, which share the politeness limits: leave out --pool (or set it to threads)');
}

/** `suites/filters.spec.ts`: which spec file sent an exchange, for the HAR and the bench. */
function specFileName(): string {
  const path = expect.getState().testPath ?? 'unknown spec file';
  const at = path.lastIndexOf('/suites/');
  return at === -1 ? path : path.slice(at + 1);
}

/** Runs `work` the first time it is asked for, so one exchange serves every check that needs it. */
export function once<T>(work: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= work());
}

function profileNames(profiles: readonly Client[]): string {
  return profiles.join(', ');
}

/**
 * Registers one test per rule. Each test evaluates the (shared) check, then passes, fails with the
 * rendered findings, warns, or skips with the reason: a rule the selected profiles do not need, a
 * preflight that failed, or an earlier finding that kept this rule from being judged.
 */
export function ruleTests(rules: readonly Rule[], evaluate: () => Promise<CheckRun>): void {
  const { target, preflight } = suiteTarget();
  for (const rule of rules) {
    // The code at registration: a check skipped before it runs (read-only, -t) still names its rule.
    test(`${rule.title} [${rule.code}]`, { meta: { code: rule.code } }, async (context) => {
      const level = levelFor(rule, target.profiles);
      if (level === undefined) return context.skip(`not required by the selected profiles (${profileNames(target.profiles)})`);
      if (preflight.status !== 'ok') return skipWith(context, `not run: ${preflight.summary}`);
      // Before evaluating: a check that stops on an error still names its rule in the verdict.
      context.task.meta.code = rule.code;
      context.task.meta.level = level;
      const run = await evaluate();
      await judge(context, rule, level, run, target.strict);
    });
  }
}

const acceptances = loadAcceptances(process.env);

async function judge(context: TestContext, rule: Rule, level: Level, run: CheckRun, strict: boolean): Promise<void> {
  const findings = run.findings.filter((f) => f.code === rule.code).map((f) => ({ ...f, level }));
  if (findings.length === 0) {
    if (!run.checked.has(rule.code)) {
      const reason = run.skipped.get(rule.code);
      if (reason !== undefined) return skipWith(context, reason);
      const first = run.findings[0];
      return context.skip(first === undefined ? 'not applicable to this answer' : `not checked: ${first.code} came first`);
    }
    context.expect(run.checked.has(rule.code)).toBe(true);
    return;
  }
  context.task.meta.findings = findings;
  const message = renderFindings(findings);
  const acceptance = acceptances.find((a) => a.code === rule.code);
  if (acceptance !== undefined) {
    context.task.meta.accepted = acceptance.reason;
    await context.annotate(`accepted deviation (${acceptance.reason}):\n${message}`, 'accepted');
    context.expect(findings.length).toBeGreaterThan(0);
    return;
  }
  if (level === 'MUST' || strict) throw new ConformanceFailure(message);
  await context.annotate(message, level === 'SHOULD' ? 'warning' : 'notice');
  context.expect(findings.length).toBeGreaterThan(0);
}

/**
 * The one test that fails when the server cannot be reached or refuses the credentials; every
 * other test is then skipped with this as its reason.
 */
export function preflightTest(): void {
  const { preflight } = suiteTarget();
  test('the server is reachable and accepts the credentials [PREFLIGHT]', (context) => {
    context.task.meta.code = 'PREFLIGHT';
    if (preflight.status !== 'ok') {
      context.task.meta.findings = preflight.findings;
      // The banner said the summary already: the findings say what came back, what is required and the fix.
      throw new ConformanceFailure(preflight.findings.length > 0 ? renderFindings(preflight.findings) : preflight.summary);
    }
    context.expect(preflight.exchange.response).toBeDefined();
  });
}
