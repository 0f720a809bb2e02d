/**
 * What the read-path suites share: one test per rule that can also be skipped with a stated reason
 * (a feature the server does not advertise, a check that needs writes, too little data), the
 * ServiceProviderConfig read once per spec file, and the users and groups the checks look at.
 */
import { expect, test, type TestContext } from 'vitest';
import { readFeatures, SkippableRun, type Features } from '../checks/discovery.js';
import { levelFor, type Level, type Rule } from '../checks/rule.js';
import type { CheckRun } from '../checks/run.js';
import { renderFindings } from '../diagnose/render.js';
import type { ScimClient } from '../http/client.js';
import { isObject, jsonBody, type Exchange } from '../http/exchange.js';
import { ConformanceFailure, once, suiteTarget } from './spec.js';

/**
 * Like `ruleTests`, but a rule the check skipped on purpose (a SkippableRun) is skipped with the
 * check's reason rather than "not applicable".
 */
export function readRuleTests(rules: readonly Rule[], evaluate: () => Promise<CheckRun>): void {
  const { target, preflight } = suiteTarget();
  for (const rule of rules) {
    test(`${rule.title} [${rule.code}]`, async (context) => {
      const level = levelFor(rule, target.profiles);
      if (level === undefined) return context.skip(`not required by the selected profiles (${target.profiles.join(', ')})`);
      if (preflight.status !== 'ok') return context.skip(`not run: ${preflight.summary}`);
      const run = await evaluate();
      await judge(context, rule, level, run, target.strict);
    });
  }
}

async function judge(context: TestContext, rule: Rule, level: Level, run: CheckRun, strict: boolean): Promise<void> {
  const findings = run.findings.filter((f) => f.code === rule.code).map((f) => ({ ...f, level }));
  context.task.meta.code = rule.code;
  context.task.meta.level = level;
  if (findings.length === 0) {
    if (!run.checked.has(rule.code)) {
      const reason = run instanceof SkippableRun ? run.skipped.get(rule.code) : undefined;
      if (reason !== undefined) return context.skip(reason);
      const first = run.findings[0];
      return context.skip(first === undefined ? 'not applicable to this answer' : `not checked: ${first.code} came first`);
    }
    expect(run.checked.has(rule.code)).toBe(true);
    return;
  }
  context.task.meta.findings = findings;
  const message = renderFindings(findings);
  if (level === 'MUST' || strict) throw new ConformanceFailure(message);
  await context.annotate(message, level === 'SHOULD' ? 'warning' : 'notice');
  expect(findings.length).toBeGreaterThan(0);
}

/** GET /ServiceProviderConfig, once per spec file: what the server says it supports. */
export function featuresOnce(client: ScimClient): () => Promise<Features> {
  return once(async () => readFeatures(await client.send({ path: '/ServiceProviderConfig' })));
}

/** The resources of a list answer, or [] when it is not one. */
export function resourcesIn(exchange: Exchange): Record<string, unknown>[] {
  const response = exchange.response;
  if (response === undefined) return [];
  const body = jsonBody(response);
  if (body.kind !== 'json' || !isObject(body.value) || !Array.isArray(body.value['Resources'])) return [];
  return body.value['Resources'].filter(isObject);
}

/** The JSON object of an answer, or undefined. */
export function objectIn(exchange: Exchange): Record<string, unknown> | undefined {
  const response = exchange.response;
  if (response === undefined) return undefined;
  const body = jsonBody(response);
  return body.kind === 'json' && isObject(body.value) ? body.value : undefined;
}

/** The reason given when a read-only run finds too little to judge a rule with. */
export function tooLittle(what: string): string {
  return `${what}; set SCIM_WRITE=true to let the suite create its own test users (prefix scimc-, removed afterwards)`;
}
