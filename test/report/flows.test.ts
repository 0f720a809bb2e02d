import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { allRules, knownCodes, SPECIAL_CODES } from '../../src/checks/catalog.js';
import { CLIENTS } from '../../src/config.js';
import { preflightRules } from '../../src/suite/preflight.js';
import { ANY_ANSWER, BLOCKS, FLOWS, flowCodes, inFlow } from '../../src/report/flows.js';
import { foldBlockers, group, type VerdictLine } from '../../src/report/causes.js';
import { groupRules } from '../../src/checks/group-lifecycle.js';
import { finding, type Rule } from '../../src/checks/rule.js';
import { entraUserRules, userLifecycleRules } from '../../src/checks/user-lifecycle.js';
import { capabilityRules } from '../../src/suite/capabilities.js';
import { exchangeOf } from '../support/exchange.js';

const suitesDir = new URL('../../suites/', import.meta.url);
const specSources = readdirSync(suitesDir)
  .filter((name) => name.endsWith('.spec.ts'))
  .map((name) => readFileSync(new URL(name, suitesDir), 'utf8'));

describe('the flows of each client', () => {
  test.for(CLIENTS)('every rule %s requires at MUST or SHOULD belongs to one of its flows', (client) => {
    const named = FLOWS[client].flatMap((flow) => [...flowCodes(flow)]);
    // The preflight's rules have no test of their own: the PREFLIGHT test reports their findings.
    const preflight = named.includes('PREFLIGHT') ? Object.keys(preflightRules) : [];
    const inSomeFlow = new Set([...named, ...preflight, ...ANY_ANSWER]);
    const required = allRules().filter((rule) => rule.requiredBy[client] === 'MUST' || rule.requiredBy[client] === 'SHOULD');
    expect(required.length).toBeGreaterThan(0);
    expect(required.map((rule) => rule.code).filter((code) => !inSomeFlow.has(code))).toEqual([]);
  });

  test.for(CLIENTS)('every code a flow of %s names is a check of that client', (client) => {
    const rules = new Map(allRules().map((rule) => [rule.code, rule]));
    const named = FLOWS[client].flatMap((flow) => [...flowCodes(flow)]);
    expect(named.filter((code) => !knownCodes().has(code))).toEqual([]);
    // A flow waiting for a code no test carries would never be judged: it would stay "not tested".
    expect(named.filter((code) => code in preflightRules)).toEqual([]);
    // A flow of a client made of a rule that client does not need would blame it for the RFC's.
    const special: readonly string[] = SPECIAL_CODES;
    expect(named.filter((code) => !special.includes(code) && rules.get(code)?.requiredBy[client] === undefined)).toEqual([]);
  });

  test('every flow names the client behaviour it rests on', () => {
    for (const flow of CLIENTS.flatMap((client) => FLOWS[client])) {
      expect(flow.basis, flow.name).toMatch(/SCIM-CLIENTS\.md|anchors\/|RFC \d{4}|Microsoft Entra ID application gallery|catalog/);
      expect(flow.checks.length, flow.name).toBeGreaterThan(0);
    }
  });

  test.for(Object.values(BLOCKS))('the block "%s" that a flow is scoped to is a describe block of a spec file', (block) => {
    expect(
      specSources.some((source) => source.includes(`describe('${block}`) || source.includes(`writeRuleTests('${block}`) || source.includes(`writeRuleTests(\n  '${block}`)),
    ).toBe(true);
  });

  test('a check judged in several blocks belongs to a flow only in the block that sends its request', () => {
    const [connector] = FLOWS.okta;
    expect(connector?.name).toBe('Test Connector Configuration');
    if (connector === undefined) return;
    expect(inFlow(connector, { code: 'LIST_SCHEMAS', name: `${BLOCKS.oktaConnection}: GET /Users?startIndex=1&count=2 > the ListResponse names its schema [LIST_SCHEMAS]` })).toBe(
      true,
    );
    expect(inFlow(connector, { code: 'LIST_SCHEMAS', name: `${BLOCKS.groupImport}: GET /Groups?startIndex=1&count=100 > the ListResponse names its schema [LIST_SCHEMAS]` })).toBe(
      false,
    );
  });
});

describe('one cause, one blocker: a server without PATCH', () => {
  const answered = (method: string, status: number) => ({
    ...exchangeOf({ status, body: {} }),
    request: { method, url: 'https://scim.example.test/scim/v2/Users/1', headers: {} },
  });
  const line = (rule: Rule, method: string, status: number): VerdictLine => ({
    code: rule.code,
    count: 1,
    finding: finding(rule, { got: 'x', exchange: answered(method, status) }),
  });
  const root = line(capabilityRules.PATCH_IMPLEMENTED, 'PATCH', 501);
  const deactivate = line(userLifecycleRules.USER_DEACTIVATE_PATCH, 'PATCH', 501);
  const groupPatch = line(groupRules.GROUP_PATCH_ANSWER, 'PATCH', 405);
  const create = line(userLifecycleRules.USER_CREATE_STATUS, 'POST', 500);

  test('every finding made of a PATCH answered 405 or 501 follows from PATCH_IMPLEMENTED; a blocker of another cause stands', () => {
    const { causes, following } = foldBlockers(group([deactivate.finding, create.finding, root.finding, groupPatch.finding]));
    expect(causes.map((c) => c.code)).toEqual(['PATCH_IMPLEMENTED', 'USER_CREATE_STATUS']);
    expect(following.map((f) => f.code)).toEqual(['USER_DEACTIVATE_PATCH', 'GROUP_PATCH_ANSWER']);
  });

  test('control: without PATCH_IMPLEMENTED among the blockers (PATCH works, one form of it is refused), each PATCH finding stands on its own', () => {
    expect(foldBlockers([deactivate, groupPatch])).toEqual({ causes: [deactivate, groupPatch], following: [] });
  });

  test('control: a PATCH refused with a 400 does not follow from it', () => {
    const refused = line(userLifecycleRules.USER_DEACTIVATE_PATCH, 'PATCH', 400);
    expect(foldBlockers([root, refused]).causes.map((c) => c.code)).toEqual(['PATCH_IMPLEMENTED', 'USER_DEACTIVATE_PATCH']);
  });

  test.for([
    ['okta', ['deactivate and reactivate', 'group push: rename', 'group push: membership']],
    ['entra', ['update (PATCH)', 'soft delete', 'group provisioning']],
  ] as const)('the %s flows that send PATCH hold PATCH_IMPLEMENTED, and password push (optional to Okta) does not', ([client, flows]) => {
    const holding = FLOWS[client].filter((flow) => flowCodes(flow).has('PATCH_IMPLEMENTED')).map((flow) => flow.name);
    expect(holding).toEqual(flows);
  });
});

describe('one cause, one blocker: Entra\'s "False" stored as sent', () => {
  const answered = (body: Record<string, unknown>) => ({
    ...exchangeOf({ status: 200, body }),
    request: { method: 'GET', url: 'https://scim.example.test/scim/v2/Users/1', headers: {} },
  });
  const line = (rule: Rule, body: Record<string, unknown>): VerdictLine => ({ code: rule.code, count: 1, finding: finding(rule, { got: 'x', exchange: answered(body) }) });
  const root = line(entraUserRules.PATCH_ACTIVE_STRING, { id: '1', active: 'False' });
  const stringActive = line(userLifecycleRules.USER_ACTIVE_BOOLEAN, { id: '1', active: 'False' });

  test('an answer with "active" as a string follows from PATCH_ACTIVE_STRING', () => {
    expect(foldBlockers([root, stringActive])).toEqual({ causes: [root], following: [stringActive] });
  });

  test('control: without PATCH_ACTIVE_STRING among the blockers (the RFC profile), USER_ACTIVE_BOOLEAN stands', () => {
    expect(foldBlockers([stringActive])).toEqual({ causes: [stringActive], following: [] });
  });

  test('control: an "active" of another wrong type (a number) does not follow from it', () => {
    const numeric = line(userLifecycleRules.USER_ACTIVE_BOOLEAN, { id: '1', active: 0 });
    expect(foldBlockers([root, numeric]).causes).toEqual([root, numeric]);
  });
});

test("a password returned is the RFC's finding, in no Okta flow: Okta's flows do not break on it", () => {
  expect(FLOWS.okta.filter((flow) => flowCodes(flow).has('USER_PASSWORD_NEVER_RETURNED')).map((flow) => flow.name)).toEqual([]);
  expect(FLOWS.rfc.filter((flow) => flowCodes(flow).has('USER_PASSWORD_NEVER_RETURNED')).length).toBe(1);
});

test('control: a PATCH_ACTIVE_STRING whose PATCH was answered 501 follows from PATCH_IMPLEMENTED, not a cause of its own', () => {
  const answered501 = { ...exchangeOf({ status: 501, body: {} }), request: { method: 'PATCH', url: 'https://scim.example.test/scim/v2/Users/1', headers: {} } };
  const line = (rule: Rule): VerdictLine => ({ code: rule.code, count: 1, finding: finding(rule, { got: 'x', exchange: answered501 }) });
  const root = line(capabilityRules.PATCH_IMPLEMENTED);
  const soft = line(entraUserRules.PATCH_ACTIVE_STRING);
  expect(foldBlockers([root, soft])).toEqual({ causes: [root], following: [soft] });
});
