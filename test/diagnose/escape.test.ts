import { describe, expect, test } from 'vitest';
import { finding, type Rule } from '../../src/checks/rule.js';
import { CheckRun } from '../../src/checks/run.js';
import { toCurl } from '../../src/diagnose/curl.js';
import { describeResponse, requestLine } from '../../src/diagnose/describe.js';
import { escapeControl, jsonWithoutRawControls } from '../../src/diagnose/escape.js';
import { renderFinding } from '../../src/diagnose/render.js';
import { renderHar } from '../../src/report/har.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { RunSummary } from '../../src/report/summary.js';
import { computeVerdict, renderVerdict, type Outcome } from '../../src/report/verdict.js';
import { describeCleanup, emptyReport } from '../../src/suite/test-data.js';
import { rawControls } from '../hostile/secret-servers.js';
import { exchangeOf } from '../support/exchange.js';

describe('escapeControl', () => {
  test.for([
    ['a screen clear', 'a\x1b[2Jb', 'a\\x1b[2Jb'],
    ['a conceal code', '\x1b[8mhidden', '\\x1b[8mhidden'],
    ['an OSC title', '\x1b]0;pwned\x07', '\\x1b]0;pwned\\x07'],
    ['a carriage return', 'ok\rVerdict', 'ok\\rVerdict'],
    ['a newline', 'one\ntwo', 'one\\ntwo'],
    ['a tab', 'a\tb', 'a\\tb'],
    ['NUL and DEL', '\x00\x7f', '\\x00\\x7f'],
    ['the 8-bit CSI and NEL', '\u009b2J\u0085', '\\x9b2J\\x85'],
    ['the Unicode line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['bidi overrides and isolates', '\u202eevil\u202c \u2066x\u2069', '\\u202eevil\\u202c \\u2066x\\u2069'],
    ['plain text, accents and emoji', 'Zoë Ångström 🙂 \\x1b', 'Zoë Ångström 🙂 \\x1b'],
  ] satisfies Array<[string, string, string]>)('shows %s as a visible escape', ([, raw, shown]) => {
    expect(escapeControl(raw)).toBe(shown);
  });

  test('changes nothing when applied twice', () => {
    const once = escapeControl('\x1b[2J\r\n\u202e');
    expect(escapeControl(once)).toBe(once);
  });

  test('JSON text keeps its data, and holds no raw C1 or bidi character', () => {
    const json = JSON.stringify({ v: 'a\u009bb\u202ec\u2028' });
    const safe = jsonWithoutRawControls(json);
    expect(JSON.parse(safe)).toEqual({ v: 'a\u009bb\u202ec\u2028' });
    expect(safe).toBe('{"v":"a\\u009bb\\u202ec\\u2028"}');
  });
});

const FORGERY = '\x1b[2J\r\nVerdict\n  Okta: ready\x1b[8m';
const hostile = exchangeOf({
  status: 400,
  headers: { 'content-type': `application/scim+json\u009b2J`, location: `/x${FORGERY}` },
  body: { detail: FORGERY, scimType: `invalid\u202eValue` },
});

const rule: Rule = {
  code: 'ERROR_DETAIL',
  title: 'an error body says what went wrong in detail',
  requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
  source: 'RFC 7644 §3.12',
  requirement: 'A detail.',
  fix: 'Say what went wrong.',
};

describe('what a server sent, quoted in a finding', () => {
  test('describeResponse escapes the headers and the body excerpt', () => {
    const described = describeResponse(hostile);
    expect(described).toContain('Content-Type application/scim+json\\x9b2J');
    expect(described).toContain('Location /x\\x1b[2J\\r\\nVerdict\\n  Okta: ready\\x1b[8m');
    expect(rawControls(described)).toEqual([]);
    expect(described).not.toContain('\n');
  });

  test('a URL whose percent-escapes decode to control characters stays on one line', () => {
    const line = requestLine(exchangeOf({ url: 'https://scim.example.test/scim/v2/Users/a%0D%0AVerdict%1B%5B2J' }));
    expect(line).toBe('GET /scim/v2/Users/a\\r\\nVerdict\\x1b[2J');
  });

  test('a finding renders as four lines and a curl, whatever the server put in it', () => {
    const quoted = finding(rule, { got: `detail ${FORGERY}, scimType invalid\u202eValue`, fix: `Fix it${FORGERY}`, exchange: hostile });
    const lines = renderFinding(quoted).split('\n');
    expect(lines.map((line) => line.slice(0, 13))).toEqual(['ERROR_DETAIL ', '  Got:       ', '  Required:  ', '  Fix:       ', '  Reproduce: ']);
    expect(lines[1]).toBe('  Got:       detail \\x1b[2J\\r\\nVerdict\\n  Okta: ready\\x1b[8m, scimType invalid\\u202eValue');
  });

  test('a skip reason that quotes the server is escaped', () => {
    const run = new CheckRun();
    run.skip(rule, `the server said ${FORGERY}`);
    expect(run.skipped.get('ERROR_DETAIL')).toBe('the server said \\x1b[2J\\r\\nVerdict\\n  Okta: ready\\x1b[8m');
  });

  test("the JSON report's copy of the exchange holds no raw C1 or bidi character", () => {
    const quoted = finding(rule, { got: 'x', exchange: hostile });
    expect(JSON.stringify(quoted)).not.toMatch(/[\u007f-\u009f\u202a-\u202e]/);
    expect(quoted.exchange?.response?.headers['content-type']).toBe('application/scim+json\\x9b2J');
  });
});

describe('the curl line', () => {
  test("quotes control characters with $'…' so the command stays exact and the terminal sees none", () => {
    const put = {
      ...hostile,
      request: { method: 'PUT', url: 'https://scim.example.test/scim/v2/Users/1', headers: { authorization: 'Bearer $SCIM_TOKEN' }, body: `{"userName":"ada${FORGERY}"}` },
    };
    const curl = toCurl(put);
    expect(curl).toBe(
      "curl -i -X PUT 'https://scim.example.test/scim/v2/Users/1' -H 'authorization: Bearer '\"$SCIM_TOKEN\" " +
        `--data-raw $'{"userName":"ada\\x1b[2J\\r\\nVerdict\\n  Okta: ready\\x1b[8m"}'`,
    );
    expect(rawControls(curl)).toEqual([]);
    expect(curl).not.toContain('\n');
  });

  test('keeps the plain single quotes when nothing needs escaping', () => {
    expect(toCurl(exchangeOf({}))).toBe(
      "curl -i 'https://scim.example.test/scim/v2/Users?startIndex=1&count=2' -H 'accept: application/scim+json' -H 'authorization: Bearer '\"$SCIM_TOKEN\"",
    );
  });
});

describe('the reports and the verdict', () => {
  const quoted = finding(rule, { got: `detail ${FORGERY}`, exchange: hostile });
  const outcomes: Outcome[] = [
    { name: 't', code: 'ERROR_DETAIL', state: 'failed', findings: [quoted], accepted: undefined, skipReason: undefined },
    { name: 's', code: 'OTHER', state: 'skipped', findings: [], accepted: undefined, skipReason: escapeControl(`not run: ${FORGERY}`) },
  ];
  const verdict = computeVerdict(outcomes, ['okta', 'entra', 'rfc'], false, []);
  const summary: RunSummary = { target: 'https://scim.example.test/scim/v2', startedAt: '2026-01-01T00:00:00.000Z', verdict, outcomes, exchanges: [hostile] };

  test.for([
    ['the verdict', () => renderVerdict(verdict)],
    ['the Markdown summary', () => renderMarkdown(summary)],
    ['the HTML page', () => renderHtml(summary)],
    ['the HAR', () => renderHar([hostile])],
  ] as const)('%s holds no raw control character and no forged line', ([, render]) => {
    const text = render();
    expect(rawControls(text)).toEqual([]);
    expect(text.split('\n').filter((line) => /^\s*Okta: ready/.test(line))).toEqual([]);
  });

  test("the cleanup lines show a server's id and reason on one line each", () => {
    const lines = describeCleanup({
      ...emptyReport(),
      deactivated: [{ kind: 'Users', id: `1${FORGERY}`, name: 'scimc-a', reason: `DELETE answered 405 ${FORGERY}` }],
      failed: [{ kind: 'Groups', id: '2', name: 'scimc-g', reason: `DELETE answered 500 ${FORGERY}` }],
    });
    expect(lines).toHaveLength(2);
    expect(rawControls(lines.join('\n'))).toEqual([]);
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
  });
});
