/** Lints the rules' metadata: every check carries a stable code, a level per client and a source. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { allRules, knownCodes, RULE_AREAS, SPEC_FILES, TOOL_ERRORS, toolErrorCode, type CoverageDoc } from '../../src/checks/catalog.js';
import { LEVELS } from '../../src/checks/rule.js';
import { CLIENTS } from '../../src/config.js';
import { RunHalted } from '../../src/http/gate.js';
import { ReadOnlyViolation } from '../../src/http/client.js';
import { WriteGuardRefusal } from '../../src/http/write-guard.js';
import { computeVerdict, HALTED_HINT, UNFINISHED_HINT, unfinishedHint, unfinishedLines } from '../../src/report/verdict.js';
import { BEGIN, COVERAGE_DOCS, END, readDoc, whoNeeds, withGeneratedRules } from '../../scripts/coverage-docs.js';

describe.each(allRules())('rule $code', (rule) => {
  test('has a SCREAMING_SNAKE_CASE code', () => {
    expect(rule.code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/);
  });

  test('names at least one client, each with an RFC 2119 level', () => {
    const entries = Object.entries(rule.requiredBy);
    expect(entries.length).toBeGreaterThan(0);
    for (const [client, level] of entries) {
      expect(CLIENTS).toContain(client);
      expect(LEVELS).toContain(level);
    }
  });

  test('cites a source and says what is required and how to fix it', () => {
    expect(rule.source).toMatch(/RFC 764[34]|Okta|Entra|Microsoft/);
    expect(rule.requirement.length).toBeGreaterThan(20);
    expect(rule.fix.length).toBeGreaterThan(20);
  });

  test('has a title in the present tense, not "should"', () => {
    expect(rule.title).not.toMatch(/\bshould\b/i);
    expect(rule.title).toMatch(/^[a-z0-9"'/]/i);
  });
});

test('no two rules share a code', () => {
  const codes = allRules().map((r) => r.code);
  expect(new Set(codes).size).toBe(codes.length);
});

test("the preflight's AUTH_OAUTH_TOKEN is a rule of the catalog", () => {
  expect(allRules().map((rule) => rule.code)).toContain('AUTH_OAUTH_TOKEN');
});

describe('the spec files', () => {
  test('the catalog lists every file in suites/, and only those', () => {
    const onDisk = readdirSync(new URL('../../suites/', import.meta.url)).filter((name) => name.endsWith('.spec.ts'));
    expect(SPEC_FILES.map((spec) => `${spec.name}.spec.ts`).sort()).toEqual(onDisk.sort());
  });

  test("the README's table describes each, and says which need SCIM_WRITE", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z-]+)\.spec\.ts` \|.*\| ([^|]*) \|$/gm)].map(([, name, write]) => ({ name, write: write === 'yes' }));
    expect(rows.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''))).toEqual(
      SPEC_FILES.map((spec) => ({ name: spec.name, write: spec.kind === 'write' })).sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  test('the write-path coverage doc names each write lifecycle', () => {
    const named = [...readDoc('write').matchAll(/^\| `suites\/([a-z-]+)\.spec\.ts` \|/gm)].map(([, name]) => name);
    expect(named.sort()).toEqual(
      SPEC_FILES.filter((spec) => spec.kind === 'write')
        .map((spec) => spec.name)
        .sort(),
    );
  });
});

describe('the codes of our own errors', () => {
  test("are SCREAMING_SNAKE_CASE and never a rule's code", () => {
    const codes = Object.keys(TOOL_ERRORS);
    for (const code of codes) expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/);
    expect(codes.filter((code) => knownCodes().has(code))).toEqual([]);
  });

  test('the errors the client, the write guard and the gates throw carry theirs', () => {
    expect(toolErrorCode(new ReadOnlyViolation('read-only run: refusing POST /Users'))).toBe('READ_ONLY_VIOLATION');
    expect(toolErrorCode(new WriteGuardRefusal('DELETE', '/Users/1', 'not-created', 'not created by this run'))).toBe('WRITE_GUARD_REFUSED');
    expect(toolErrorCode(new RunHalted())).toBe('RUN_HALTED');
  });

  test('a serialized error keeps its code; a Vitest timeout and any other error are told apart', () => {
    // What Vitest reports of an error thrown in a worker: its own properties, copied.
    expect(toolErrorCode({ ...new RunHalted('the server went silent'), message: 'the server went silent' })).toBe('RUN_HALTED');
    expect(toolErrorCode({ message: 'Test timed out in 5000ms.\nIf this is a long-running test, pass a timeout value' })).toBe('CHECK_TIMED_OUT');
    expect(toolErrorCode(new TypeError("Cannot read properties of undefined (reading 'value')"))).toBe('INTERNAL_ERROR');
    expect(toolErrorCode({ code: 'ECONNRESET', message: 'socket hang up' })).toBe('INTERNAL_ERROR');
    expect(toolErrorCode(undefined)).toBe('INTERNAL_ERROR');
  });
});

test('the verdict names the code of what stopped a check: a halted run is told apart from a fault of ours', () => {
  const stopped = (code: string, error: string, errorCode: ReturnType<typeof toolErrorCode>) => ({
    name: code,
    code,
    state: 'failed' as const,
    findings: [],
    accepted: undefined,
    skipReason: undefined,
    error,
    errorCode,
  });
  const verdict = computeVerdict(
    [
      stopped('USER_REACTIVATE_PATCH', "TypeError: Cannot read properties of undefined (reading 'value')", 'INTERNAL_ERROR'),
      stopped('GROUP_CREATE', 'RunHalted: the run was interrupted', 'RUN_HALTED'),
    ],
    ['okta'],
    false,
    [],
  );
  expect(verdict.unfinished.map((u) => u.code)).toEqual(['INTERNAL_ERROR', 'RUN_HALTED']);
  expect(unfinishedLines(verdict.unfinished)).toEqual([
    "USER_REACTIVATE_PATCH: TypeError: Cannot read properties of undefined (reading 'value') [INTERNAL_ERROR]",
    'GROUP_CREATE: RunHalted: the run was interrupted [RUN_HALTED]',
  ]);
  // A fault of ours is asked to be reported; a run that was only halted is not.
  expect(unfinishedHint(verdict.unfinished)).toBe(UNFINISHED_HINT);
  expect(unfinishedHint(verdict.unfinished.filter((u) => u.code === 'RUN_HALTED'))).toBe(HALTED_HINT);
  expect(unfinishedHint([{ where: 'the run', error: 'Error: gone', profiles: 'all' }])).toBe(UNFINISHED_HINT);
});

describe('the coverage docs', () => {
  const docs = Object.keys(COVERAGE_DOCS) as CoverageDoc[];

  test.for(docs)('docs/coverage-%s.md lists the rules as the catalog has them (else run npm run docs)', (doc) => {
    const text = readDoc(doc);
    expect(text).toBe(withGeneratedRules(text, doc));
  });

  test.for(docs)('every rule of an area of docs/coverage-%s.md is in its table', (doc) => {
    const text = readDoc(doc);
    const generated = text.slice(text.indexOf(BEGIN), text.indexOf(END));
    const codes = Object.values(RULE_AREAS)
      .filter((area) => area.doc === doc)
      .flatMap((area) => Object.keys(area.rules));
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.filter((code) => !generated.includes(`| ${code} |`))).toEqual([]);
  });

  test.for(docs)('every code the hand-written text of docs/coverage-%s.md names is a code of the catalog', (doc) => {
    const text = readDoc(doc);
    const prose = text.slice(0, text.indexOf(BEGIN)) + text.slice(text.indexOf(END));
    // Rule-shaped words: not the environment variables (SCIM_…, NODE_…) the prose also names.
    const named = new Set([...prose.matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g)].map(([word]) => word).filter((word) => !/^(SCIM|SCIMC|NODE)_/.test(word)));
    expect([...named].filter((code) => !knownCodes().has(code))).toEqual([]);
  });

  test('a stale table is noticed: a doc with another rule table is not what the catalog renders', () => {
    const text = readDoc('write');
    const stale = text.replace(/\| USER_CREATE_STATUS \|[^\n]*\n/, '');
    expect(stale).not.toBe(text);
    expect(withGeneratedRules(stale, 'write')).toBe(text);
  });

  test('who needs a rule reads as the docs say it', () => {
    expect(whoNeeds({ okta: 'MUST', entra: 'MUST', rfc: 'MUST' })).toBe('all MUST');
    expect(whoNeeds({ okta: 'MUST', entra: 'MUST', rfc: 'SHOULD' })).toBe('okta, entra MUST; rfc SHOULD');
    expect(whoNeeds({ rfc: 'MUST' })).toBe('rfc MUST');
    expect(whoNeeds({ entra: 'SHOULD', okta: 'MAY' })).toBe('entra SHOULD; okta MAY');
  });
});
