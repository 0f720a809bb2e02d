import { describe, expect, test } from 'vitest';
import { finding, type Rule } from '../../src/checks/rule.js';
import { computeVerdict, renderVerdict, shortFix, status, type Outcome } from '../../src/report/verdict.js';

const rule = (code: string, requiredBy: Rule['requiredBy']): Rule => ({
  code,
  title: code.toLowerCase(),
  requiredBy,
  source: 'RFC 7644',
  requirement: 'required',
  fix: `Fix ${code}. More detail follows here.`,
});

function failed(code: string, requiredBy: Rule['requiredBy'], state: Outcome['state'] = 'failed', accepted?: string): Outcome {
  return { name: code, code, state, findings: [finding(rule(code, requiredBy), { got: 'got' })], accepted, skipReason: undefined };
}

function passed(code: string): Outcome {
  return { name: code, code, state: 'passed', findings: [], accepted: undefined, skipReason: undefined };
}

const ALL = ['okta', 'entra', 'rfc'] as const;

describe('computeVerdict', () => {
  test('a run without findings is ready for every profile', () => {
    const verdict = computeVerdict([passed('LIST_SCHEMAS')], ALL, false, []);
    expect(renderVerdict(verdict)).toBe('Verdict\n  Okta: ready\n  Entra ID: ready\n  RFC 7643/7644: ready');
  });

  test('a MUST is a blocker and a SHOULD a warning, per client', () => {
    const verdict = computeVerdict([failed('GROUPS_ANSWER_QUICKLY', { okta: 'SHOULD' }, 'passed'), failed('LIST_SCHEMAS', { okta: 'MUST', entra: 'SHOULD', rfc: 'MUST' })], ALL, false, []);
    expect(verdict.profiles.map((p) => [p.profile, p.blockers.map((b) => b.code), p.warnings.map((w) => w.code)])).toEqual([
      ['okta', ['LIST_SCHEMAS'], ['GROUPS_ANSWER_QUICKLY']],
      ['entra', [], ['LIST_SCHEMAS']],
      ['rfc', ['LIST_SCHEMAS'], []],
    ]);
  });

  test('strict mode makes a SHOULD a blocker', () => {
    const verdict = computeVerdict([failed('GROUPS_ANSWER_QUICKLY', { okta: 'SHOULD' }, 'passed')], ['okta'], true, []);
    expect(verdict.profiles[0]?.blockers.map((b) => b.code)).toEqual(['GROUPS_ANSWER_QUICKLY']);
  });

  test('blockers are ordered most fundamental first and counted once per code', () => {
    const must = { okta: 'MUST' } as const;
    const verdict = computeVerdict([failed('LIST_SCHEMAS', must), failed('HTTP_HTML_PAGE', must), failed('LIST_SCHEMAS', must)], ['okta'], false, []);
    expect(verdict.profiles[0]?.blockers.map((b) => [b.code, b.count])).toEqual([
      ['HTTP_HTML_PAGE', 1],
      ['LIST_SCHEMAS', 2],
    ]);
  });

  test('after a root cause, the consequences are named in one line', () => {
    const must = { okta: 'MUST' } as const;
    const text = renderVerdict(computeVerdict([failed('LIST_SCHEMAS', must), failed('BASE_URL_ENDS_WITH_RESOURCE', must), failed('HTTP_STATUS', must)], ['okta'], false, []));
    expect(text).toMatchInlineSnapshot(`
      "Verdict
        Okta: 3 blockers
          ✗ BASE_URL_ENDS_WITH_RESOURCE: Fix BASE_URL_ENDS_WITH_RESOURCE.
          … and 2 more that probably follow from it: HTTP_STATUS, LIST_SCHEMAS"
    `);
  });

  test('accepted findings are not blockers, and stale acceptances are named', () => {
    const verdict = computeVerdict(
      [failed('CONTENT_TYPE_NOT_JSON', { okta: 'MUST' }, 'passed', 'gateway'), passed('LIST_SCHEMAS')],
      ['okta'],
      false,
      [
        { code: 'CONTENT_TYPE_NOT_JSON', reason: 'gateway' },
        { code: 'LIST_SCHEMAS', reason: 'old' },
        { code: 'NOPE', reason: 'typo' },
        { code: 'HTTP_STATUS', reason: 'not evaluated this run' },
      ],
    );
    expect(verdict.profiles[0]?.blockers).toEqual([]);
    expect(verdict.accepted).toEqual([{ code: 'CONTENT_TYPE_NOT_JSON', reason: 'gateway', count: 1 }]);
    expect(verdict.stale.map((s) => [s.code, s.why])).toEqual([
      ['LIST_SCHEMAS', 'the check now passes'],
      ['NOPE', 'no check has this code'],
    ]);
  });
});

describe('what stopped on an error, not on a finding', () => {
  const crashed = (code: string): Outcome => ({
    name: code,
    code,
    state: 'failed',
    findings: [],
    accepted: undefined,
    skipReason: undefined,
    error: "TypeError: Cannot read properties of undefined (reading 'value')",
  });

  test('a check that threw leaves the profiles it belongs to not known, never ready, and the others as they are', () => {
    // USER_REACTIVATE_PATCH is Okta's alone.
    const verdict = computeVerdict([crashed('USER_REACTIVATE_PATCH'), passed('LIST_SCHEMAS')], ALL, false, []);
    expect(verdict.profiles.map((p) => [p.profile, status(p)])).toEqual([
      ['okta', 'unknown'],
      ['entra', 'ready'],
      ['rfc', 'ready'],
    ]);
    const text = renderVerdict(verdict);
    expect(text).toContain('  Okta: not known (1 stopped on an error)');
    expect(text).toContain("    ? USER_REACTIVATE_PATCH: TypeError: Cannot read properties of undefined (reading 'value')");
    expect(text).toContain('Please report it');
  });

  test('a spec file that could not load, or an error outside any check, leaves every profile not known', () => {
    const outside = [{ where: 'suites/auth.spec.ts', error: 'the run service is gone', profiles: 'all' as const }];
    const verdict = computeVerdict([passed('LIST_SCHEMAS')], ALL, false, [], { outside });
    expect(verdict.profiles.every((p) => status(p) === 'unknown')).toBe(true);
    expect(renderVerdict(verdict)).toContain('    ? suites/auth.spec.ts: the run service is gone');
  });

  test('blockers stay blockers, and the headline counts what stopped too', () => {
    const verdict = computeVerdict([failed('LIST_SCHEMAS', { okta: 'MUST' }), crashed('USER_REACTIVATE_PATCH'), crashed('USER_REACTIVATE_PATCH')], ['okta'], false, []);
    expect(renderVerdict(verdict)).toContain('  Okta: 1 blocker, 2 stopped on an error');
    expect(renderVerdict(verdict)).toContain("? USER_REACTIVATE_PATCH: TypeError: Cannot read properties of undefined (reading 'value') (×2)");
  });

  test('a profile none of whose checks ran is not known, not ready', () => {
    // USER_REACTIVATE_PATCH is Okta's alone: Entra and the RFC had nothing judged.
    const verdict = computeVerdict([{ ...passed('USER_REACTIVATE_PATCH') }, { ...passed('LIST_SCHEMAS'), state: 'skipped' }], ALL, false, []);
    expect(verdict.profiles.map((p) => [p.profile, status(p)])).toEqual([
      ['okta', 'ready'],
      ['entra', 'unknown'],
      ['rfc', 'unknown'],
    ]);
    expect(renderVerdict(verdict)).toContain('  Entra ID: not known (no check of it ran)');
    expect(renderVerdict(verdict)).toContain('1 not selected in this run (-t or a file filter)');
  });

  test('a run stopped early (--bail) calls no profile ready; blockers it found stay blockers', () => {
    const verdict = computeVerdict([passed('LIST_SCHEMAS'), failed('USER_REACTIVATE_PATCH', { okta: 'MUST' })], ['okta', 'entra'], false, [], { stoppedEarly: true });
    const text = renderVerdict(verdict);
    expect(text).toContain('  Okta: 1 blocker, the run stopped early');
    expect(text).toContain('  Entra ID: not known (the run stopped early)');
    expect(text).toContain('the run stopped early (--bail, or cancelled): checks that did not run are not in this verdict');
  });

  test('a failed check with findings is a finding, not an error', () => {
    const verdict = computeVerdict([{ ...failed('LIST_SCHEMAS', { okta: 'MUST' }), error: 'ignored: the findings say it' }], ['okta'], false, []);
    expect(verdict.unfinished).toEqual([]);
  });
});

describe('shortFix', () => {
  test('keeps the first sentence', () => {
    expect(shortFix('Set the Base URL to https://x/scim/v2. Then retry.')).toBe('Set the Base URL to https://x/scim/v2.');
  });
});
