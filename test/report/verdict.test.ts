import { describe, expect, test } from 'vitest';
import { finding, type Rule } from '../../src/checks/rule.js';
import { allRules } from '../../src/checks/catalog.js';
import { badInputRules } from '../../src/checks/bad-input.js';
import { etagRules } from '../../src/checks/etag.js';
import { groupRules } from '../../src/checks/group-lifecycle.js';
import { entraUserRules, userLifecycleRules } from '../../src/checks/user-lifecycle.js';
import { flowState } from '../../src/report/flow-verdict.js';
import { BLOCKS, FLOWS } from '../../src/report/flows.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { computeVerdict, headline, renderVerdict, shortFix, skipKindOf, status, type Outcome, type ProfileVerdict, type SkipKind, type Verdict } from '../../src/report/verdict.js';

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
  test('a run in which one check passed is ready for no profile: its other flows were not tested', () => {
    const verdict = computeVerdict([passed('LIST_SCHEMAS')], ALL, false, []);
    expect(verdict.profiles.map(status)).toEqual(['partial', 'partial', 'partial']);
    expect(renderVerdict(verdict)).not.toMatch(/: ready/);
  });

  test('a MUST is a blocker and a SHOULD a warning, per client', () => {
    const verdict = computeVerdict(
      [failed('GROUPS_ANSWER_QUICKLY', { okta: 'SHOULD' }, 'passed'), failed('LIST_SCHEMAS', { okta: 'MUST', entra: 'SHOULD', rfc: 'MUST' })],
      ALL,
      false,
      [],
    );
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
    expect(text.split('\n').slice(0, 4)).toEqual([
      'Verdict',
      '  Okta: 1 blocker, 2 findings that follow from it',
      '    ✗ BASE_URL_ENDS_WITH_RESOURCE: Fix BASE_URL_ENDS_WITH_RESOURCE.',
      '    … and 2 more that follow from it: HTTP_STATUS, LIST_SCHEMAS',
    ]);
  });

  test('accepted findings are not blockers, and stale acceptances are named', () => {
    const verdict = computeVerdict([failed('CONTENT_TYPE_NOT_JSON', { okta: 'MUST' }, 'passed', 'gateway'), passed('LIST_SCHEMAS')], ['okta'], false, [
      { code: 'CONTENT_TYPE_NOT_JSON', reason: 'gateway' },
      { code: 'LIST_SCHEMAS', reason: 'old' },
      { code: 'NOPE', reason: 'typo' },
      { code: 'HTTP_STATUS', reason: 'not evaluated this run' },
    ]);
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
    name: `${BLOCKS.oktaUser}: lookup, POST > ${code.toLowerCase()} [${code}]`,
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
      ['entra', 'partial'],
      ['rfc', 'partial'],
    ]);
    const text = renderVerdict(verdict);
    expect(text).toContain('      ? deactivate and reactivate: not known: USER_REACTIVATE_PATCH stopped on an error');
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
      ['okta', 'partial'],
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

  test.for([
    ['at "e.g."', 'Add "detail" to every error body, e.g. "User 123 not found". Okta shows it.', 'Add "detail" to every error body, e.g. "User 123 not found".'],
    ['at "e.g." before a capital', 'Use a strong ETag, e.g. W/ is weak. Then retry.', 'Use a strong ETag, e.g. W/ is weak.'],
    [
      'at "i.e." or "etc."',
      'Send the core attributes (i.e. userName, name etc. as listed) in every answer.',
      'Send the core attributes (i.e. userName, name etc. as listed) in every answer.',
    ],
    [
      'at a dot inside a name or URL',
      'Set Location to meta.location, e.g. https://api.example.com/scim/v2/Users/<id>.',
      'Set Location to meta.location, e.g. https://api.example.com/scim/v2/Users/<id>.',
    ],
    ['at a length', `${'Return every attribute the schema lists '.repeat(6)}in one answer. More.`, `${'Return every attribute the schema lists '.repeat(6)}in one answer.`],
  ] satisfies Array<[string, string, string]>)('never cuts a sentence: %s', ([, fix, first]) => {
    expect(shortFix(fix)).toBe(first);
  });

  test('every fix of every rule, shortened, is a whole sentence of it', () => {
    for (const rule of allRules()) {
      const short = shortFix(rule.fix);
      expect(rule.fix.startsWith(short)).toBe(true);
      expect(short).not.toMatch(/(\be\.g|\bi\.e|…)$/);
      // Whole: the fix itself, or a sentence the fix goes on after, with a space.
      expect(short === rule.fix || /^\s/.test(rule.fix.slice(short.length))).toBe(true);
    }
  });
});

/**
 * A whole run as outcomes: one test per check of every flow, in the block that sends its request,
 * named as the suites name them. `state` says what became of each.
 */
function run(state: (code: string, block: string) => Result): Outcome[] {
  const tests = new Map<string, { code: string; block: string }>();
  for (const flow of ALL.flatMap((client) => FLOWS[client])) {
    for (const checks of flow.checks) {
      const block = checks.within ?? 'A block of its own';
      for (const code of checks.codes) tests.set(`${block} > ${code.toLowerCase()} [${code}]`, { code, block });
    }
  }
  return [...tests].map(([name, { code, block }]) => ({ name, code, accepted: undefined, ...state(code, block) }));
}

const rules = new Map(allRules().map((r) => [r.code, r]));
const writes = new Set([groupRules, userLifecycleRules, entraUserRules, badInputRules, etagRules].flatMap((set) => Object.values(set).map((r) => r.code)));
type Result = Pick<Outcome, 'state' | 'skipReason' | 'skipKind' | 'findings'>;
const pass: Result = { state: 'passed', findings: [], skipReason: undefined, skipKind: undefined };
const skip = (skipKind: SkipKind, skipReason: string): Result => ({ state: 'skipped', findings: [], skipReason, skipKind });
const fail = (code: string, got = 'got'): Result => {
  const rule = rules.get(code);
  if (rule === undefined) throw new Error(`no rule ${code}`);
  return { state: 'failed', findings: [finding(rule, { got })], skipReason: undefined, skipKind: undefined };
};
const OPT_IN = 'opt-in: set SCIM_THROUGHPUT_CHECK=true to run this 250-request load test';
/** What a read-only run does: the writes wait for SCIM_WRITE=true, the load test for its opt-in. */
const readOnly = (code: string): Result =>
  writes.has(code) ? skip('read-only', 'needs SCIM_WRITE=true: this check creates …') : code === 'THROUGHPUT_ENTRA_25_RPS' ? skip('other', OPT_IN) : pass;
const flowsOf = (verdict: Verdict, profile: string) => verdict.profiles.find((p) => p.profile === profile)?.flows ?? [];
const byName = (verdict: Verdict, profile: string) => Object.fromEntries(flowsOf(verdict, profile).map((f) => [f.name, flowState(f)]));

describe("the verdict told as each client's flows", () => {
  test('a read-only run against a good server: connection and import ready, provisioning not tested, never a plain "ready"', () => {
    const verdict = computeVerdict(run(readOnly), ALL, false, []);
    expect(verdict.profiles.map(status)).toEqual(['partial', 'partial', 'partial']);
    expect(headline(verdict.profiles[0] as ProfileVerdict)).toBe('Okta: connection and import ready; provisioning and OIN submission not tested: set SCIM_WRITE=true');
    expect(headline(verdict.profiles[1] as ProfileVerdict)).toBe(
      `Entra ID: connection ready; provisioning and Microsoft's SCIM tests not tested: set SCIM_WRITE=true; gallery load not tested: ${OPT_IN}`,
    );
    expect(byName(verdict, 'okta')).toMatchObject({
      'Test Connector Configuration': 'works',
      'import users': 'works',
      'create user': 'not tested: set SCIM_WRITE=true',
      'group push: delete': 'not tested: set SCIM_WRITE=true',
    });
    const text = renderVerdict(verdict);
    expect(text).not.toMatch(/: ready$/m);
    expect(text).toContain('      – create user, update profile (PUT), deactivate and reactivate, password push,');
  });

  test('the job summary of a read-only run shows no ✅ for an untested flow or client', () => {
    const outcomes = run(readOnly);
    const md = renderMarkdown({ target: 't', startedAt: 's', verdict: computeVerdict(outcomes, ALL, false, []), outcomes, exchanges: [] });
    expect(md).toContain('| ➖ | Okta: connection and import ready; provisioning and OIN submission not tested: set SCIM_WRITE=true |');
    expect(md).toContain('| ✅ | Test Connector Configuration | works |');
    expect(md).toContain('| ➖ | create user | not tested: set SCIM_WRITE=true |');
    expect(md).toContain(`| ➖ | gallery load | not tested: ${OPT_IN} |`);
    expect(md.split('\n').filter((l) => l.includes('✅') && l.includes('not tested'))).toEqual([]);
  });

  test('a write run against a good server: every flow works, and every client is ready', () => {
    const verdict = computeVerdict(
      run(() => pass),
      ALL,
      false,
      [],
    );
    expect(verdict.profiles.map(status)).toEqual(['ready', 'ready', 'ready']);
    expect(verdict.profiles.flatMap((p) => p.flows).filter((f) => f.state !== 'works')).toEqual([]);
    expect(renderVerdict(verdict).split('\n').slice(0, 4)).toEqual([
      'Verdict',
      '  Okta: ready',
      '    flows:',
      expect.stringMatching(/^ {6}✓ Test Connector Configuration, import users, .*: works$/),
    ]);
  });

  test('a server without Groups: the group flows are not offered, with no blocker and nothing called ready', () => {
    const absent = 'the server offers no Groups: no Group in /ResourceTypes, and GET /Groups answered 404 while /Users works';
    const grouped = new Set(
      Object.values(groupRules)
        .map((r) => r.code)
        .concat('FILTER_GROUP_DISPLAY_NAME', 'QUERY_EXCLUDE_MEMBERS', 'GROUPS_ANSWER_QUICKLY'),
    );
    const verdict = computeVerdict(
      run((code, block) => (grouped.has(code) || block === BLOCKS.groupImport ? skip('not-offered', absent) : pass)),
      ALL,
      false,
      [],
    );
    expect(verdict.profiles.flatMap((p) => p.blockers)).toEqual([]);
    expect(byName(verdict, 'okta')).toMatchObject({
      'import users': 'works',
      'import groups': `not offered: ${absent}`,
      'group push: membership': `not offered: ${absent}`,
      'create user': 'works',
    });
    expect(byName(verdict, 'entra')['group provisioning']).toBe(`not offered: ${absent}`);
    expect(verdict.profiles.map(status)).toEqual(['partial', 'partial', 'partial']);
    expect(headline(verdict.profiles[0] as ProfileVerdict)).toMatch(
      /^Okta: connection, import users, create user, .* ready; import groups, group push: create, .* not offered: the server offers no Groups/,
    );
  });

  test('a rule that needs an attribute the server does not show does not apply: its area works and names it as not judged', () => {
    const noGroups = 'does not apply: the member user is shown without groups, which RFC 7643 §4.1.2 does not require a server to return';
    const unshown = new Set(['USER_GROUPS_ARE_GROUP_IDS', 'PATCH_READONLY_REFUSED']);
    const verdict = computeVerdict(
      run((code) => (unshown.has(code) ? skip(skipKindOf(noGroups), noGroups) : pass)),
      ALL,
      false,
      [],
    );
    const groups = flowsOf(verdict, 'rfc').find((flow) => flow.name === 'groups');
    expect(groups).toMatchObject({ state: 'works', unjudged: ['USER_GROUPS_ARE_GROUP_IDS'] });
    // The control: the same check skipped for another reason leaves its area not tested.
    const unread = 'not judged: the member user could not be read: 500';
    const other = computeVerdict(
      run((code) => (code === 'USER_GROUPS_ARE_GROUP_IDS' ? skip(skipKindOf(unread), unread) : pass)),
      ALL,
      false,
      [],
    );
    expect(byName(other, 'rfc')['groups']).toBe(`not tested: ${unread}`);
  });

  test('a server that refuses the token: one blocker, and every flow names it', () => {
    const refused = 'not run: http://127.0.0.1:1/scim/v2 refused the credentials (401).';
    const preflight: Outcome = {
      ...fail('AUTH_TOKEN_ACCEPTED', '401 Unauthorized'),
      name: `${BLOCKS.credentials} > the server is reachable and accepts the credentials [PREFLIGHT]`,
      code: 'PREFLIGHT',
      accepted: undefined,
    };
    const verdict = computeVerdict([preflight, ...run(() => skip('earlier', refused))], ALL, false, []);
    for (const profile of verdict.profiles) {
      expect(profile.blockers.map((b) => b.code)).toEqual(['AUTH_TOKEN_ACCEPTED']);
      expect(new Set(profile.flows.map(flowState))).toEqual(new Set(['breaks: AUTH_TOKEN_ACCEPTED', 'not tested: AUTH_TOKEN_ACCEPTED came first']));
    }
    expect(renderVerdict(verdict).match(/^ {4}✗ /gm)).toHaveLength(3);
  });

  test('a wrong Base URL: the 404s of the auth checks fold under it and are no security blockers of their own', () => {
    const outcomes = run((code) => {
      if (code === 'BASE_URL_ENDS_WITH_RESOURCE') return fail(code);
      if (code === 'AUTH_NO_CREDENTIALS_REFUSED' || code === 'AUTH_WRONG_TOKEN_REFUSED') return fail(code, '404 Not Found');
      if (code === 'HTTP_STATUS') return fail(code, '404 Not Found');
      return readOnly(code);
    });
    const verdict = computeVerdict(outcomes, ['okta'], false, []);
    const [okta] = verdict.profiles;
    expect(headline(okta as ProfileVerdict)).toBe('Okta: 1 blocker, 3 findings that follow from it');
    expect(byName(verdict, 'okta')).toMatchObject({
      'Test Connector Configuration': 'breaks: BASE_URL_ENDS_WITH_RESOURCE',
      "Okta's SPEC test": 'breaks: BASE_URL_ENDS_WITH_RESOURCE',
      'create user': 'not tested: BASE_URL_ENDS_WITH_RESOURCE came first',
    });
    const md = renderMarkdown({ target: 't', startedAt: 's', verdict, outcomes, exchanges: [] });
    expect(md).toMatch(/^1\. `BASE_URL_ENDS_WITH_RESOURCE`.*: Remove the trailing \/Users/m);
    expect(md).not.toMatch(/^1\. `AUTH_/m);
    expect(md).toContain('… and 3 more that follow from it: `HTTP_STATUS`, `AUTH_NO_CREDENTIALS_REFUSED`, `AUTH_WRONG_TOKEN_REFUSED`');
  });

  test('an RFC-only finding is an RFC blocker, never an Okta or Entra one', () => {
    const verdict = computeVerdict(
      run((code) => (code === 'FILTER_OR' ? fail(code) : pass)),
      ALL,
      false,
      [],
    );
    expect(verdict.profiles.map((p) => [p.profile, status(p), p.blockers.map((b) => b.code)])).toEqual([
      ['okta', 'ready', []],
      ['entra', 'ready', []],
      ['rfc', 'blocked', ['FILTER_OR']],
    ]);
    expect(byName(verdict, 'rfc')['filtering']).toBe('breaks: FILTER_OR');
  });

  test('a flow whose check came after another finding is not tested, and names that finding', () => {
    const verdict = computeVerdict(
      run((code) => (code === 'USER_CREATE_STATUS' ? fail(code) : code === 'USER_PUT_REPLACES' ? skip('earlier', 'not checked: USER_CREATE_STATUS came first') : pass)),
      ['okta'],
      false,
      [],
    );
    expect(byName(verdict, 'okta')).toMatchObject({ 'create user': 'breaks: USER_CREATE_STATUS', 'update profile (PUT)': 'not tested: USER_CREATE_STATUS came first' });
  });

  test('a -t filter leaves the flows it did not select not tested, saying so', () => {
    const verdict = computeVerdict(
      run((code) => (code.startsWith('GROUP_') ? pass : { state: 'skipped', findings: [], skipReason: undefined, skipKind: skipKindOf(undefined) })),
      ['okta'],
      false,
      [],
    );
    expect(byName(verdict, 'okta')['import users']).toBe('not tested: not selected in this run (-t or a file filter)');
    expect(byName(verdict, 'okta')['group push: delete']).toBe('works');
  });
});

describe('a flow only some of whose checks were in the run', () => {
  test('is not tested, even when those that ran passed', () => {
    // A file filter ran the connection checks alone: FILTER_UNKNOWN_USER_EMPTY is one of create user's.
    const verdict = computeVerdict(
      run(() => pass).filter((o) => o.code === 'FILTER_UNKNOWN_USER_EMPTY'),
      ['okta'],
      false,
      [],
    );
    expect(byName(verdict, 'okta')['create user']).toBe('not tested: not all its checks were in this run (-t or a file filter)');
  });
});

describe('a check that can only warn', () => {
  // LIST_SHAPE is a SHOULD for Okta: left unjudged after an RFC-only warning, it cannot block the connector test.
  const outcomes = run((code) => (code === 'LIST_SHAPE' ? skip('earlier', 'not checked: CONTENT_TYPE_NOT_SCIM came first') : pass));

  test('left unjudged, leaves the flow working, and says which', () => {
    const verdict = computeVerdict(outcomes, ['okta'], false, []);
    expect(byName(verdict, 'okta')['Test Connector Configuration']).toBe('works (not judged: LIST_SHAPE)');
  });

  test('in strict mode, where it would block, leaves the flow not tested', () => {
    const verdict = computeVerdict(outcomes, ['okta'], true, []);
    expect(byName(verdict, 'okta')['Test Connector Configuration']).toBe('not tested: CONTENT_TYPE_NOT_SCIM came first');
  });

  test('not run, with the rest of its flow, leaves the flow not tested', () => {
    const verdict = computeVerdict(
      run((code) => (code === 'USER_PASSWORD_PUSH' || code === 'USER_PASSWORD_NEVER_RETURNED' ? skip('read-only', 'needs SCIM_WRITE=true') : pass)),
      ['okta'],
      false,
      [],
    );
    expect(byName(verdict, 'okta')['password push']).toBe('not tested: set SCIM_WRITE=true');
  });
});

describe('skipKindOf', () => {
  test.for([
    [undefined, 'not-selected'],
    ['not checked: FILTER_APPLIED came first', 'earlier'],
    ['not run: http://x refused the credentials (401).', 'earlier'],
    ['needs SCIM_WRITE=true: this check creates …', 'read-only'],
    ['the ServiceProviderConfig does not advertise bulk (bulk.supported is false)', 'not-offered'],
    ['POST /Users/.search answered 404: the server does not offer /.search, which RFC 7644 §3.4.3 leaves optional', 'not-offered'],
    ['the server holds 3 users, not more than filter.maxResults 200: the cap cannot be observed', 'other'],
    ["does not apply: the group's answer shows no $ref for its member, which RFC 7643 §4.2 does not require", 'not-applicable'],
    ['does not apply: the server declines filter=userName ew "x" with 400 invalidFilter, which RFC 7644 §3.4.2.2 allows for a filter it does not support', 'not-applicable'],
  ] as const)('%s is %s', ([reason, kind]) => {
    expect(skipKindOf(reason)).toBe(kind);
  });
});
