import { describe, expect, test } from 'vitest';
import { finding, type Rule } from '../../src/checks/rule.js';
import { renderHar } from '../../src/report/har.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { RunSummary } from '../../src/report/summary.js';
import { computeVerdict, type Outcome } from '../../src/report/verdict.js';
import { exchangeOf } from '../support/exchange.js';

const rule: Rule = {
  code: 'LIST_SCHEMAS',
  title: 'the ListResponse names its schema',
  requiredBy: { okta: 'MUST' },
  source: 'RFC 7644 §3.4.2',
  requirement: 'schemas with the ListResponse URN',
  fix: 'Add "schemas". <script>alert(1)</script>',
};
const exchange = exchangeOf({ body: { totalResults: 0 } });
const outcomes: Outcome[] = [
  { name: 't', code: 'LIST_SCHEMAS', state: 'failed', findings: [finding(rule, { got: '"schemas" | is missing', exchange })], accepted: undefined, skipReason: undefined },
];
const summary: RunSummary = {
  target: 'https://scim.example.test/scim/v2',
  startedAt: '2026-01-01T00:00:00.000Z',
  verdict: computeVerdict(outcomes, ['okta'], false, []),
  outcomes,
  exchanges: [exchange],
};

describe('renderMarkdown', () => {
  test('leads with the verdict table and folds each finding with its curl', () => {
    const md = renderMarkdown(summary);
    expect(md.split('\n').slice(0, 5)).toEqual(['## SCIM conformance: https://scim.example.test/scim/v2', '', '| Client | Verdict |', '| --- | --- |', '| ❌ | Okta: 1 blocker |']);
    expect(md).toContain('- **Got:** "schemas" \\| is missing');
    expect(md).toContain("```sh\ncurl -i 'https://scim.example.test/scim/v2/Users?startIndex=1&count=2'");
  });

  test('escapes the HTML a server sent, so GitHub shows it instead of dropping it as markup', () => {
    const page = finding(rule, { got: 'a text/html page: <!DOCTYPE html><html><title>Sign in & go</title>', exchange });
    const md = renderMarkdown({ ...summary, outcomes: [{ ...(outcomes[0] as Outcome), findings: [page] }] });
    expect(md).toContain('- **Got:** a text/html page: &lt;!DOCTYPE html&gt;&lt;html&gt;&lt;title&gt;Sign in &amp; go&lt;/title&gt;');
    expect(md).toContain('- **Fix:** Add "schemas". &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md).not.toContain('<script>');
  });

  test('names the test data the run could not remove, with the command that removes it', () => {
    const leftovers = [{ scope: 'okta', lines: ['left behind: user scimc-x@example.com (id 7\x1b[2J): DELETE answered 500'] }];
    const md = renderMarkdown({ ...summary, leftovers });
    expect(md).toContain('### Test data not removed (remove it with `npx scim-conformance cleanup`, or `npm run cleanup` here)');
    expect(md).toContain('- [okta] left behind: user scimc-x@example.com (id 7\\x1b[2J): DELETE answered 500');
    expect(renderMarkdown(summary)).not.toContain('Test data not removed');
  });
});

describe('renderHtml', () => {
  test('is one page with no scripts, and escapes what the server sent', () => {
    const html = renderHtml(summary);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(html).not.toMatch(/<link|src=/);
    expect(html).toContain('curl -i');
  });
});

describe('a run where a check stopped on an error', () => {
  const crashed: Outcome = { name: 'c', code: 'LIST_SCHEMAS', state: 'failed', findings: [], accepted: undefined, skipReason: undefined, error: 'TypeError: x is <undefined>' };
  const stopped: RunSummary = { ...summary, outcomes: [crashed], verdict: computeVerdict([crashed], ['okta'], false, []) };

  test('the Markdown marks the client not known and lists what stopped', () => {
    const md = renderMarkdown(stopped);
    expect(md).toContain('| ❓ | Okta: not known (1 stopped on an error) |');
    expect(md).toContain('### Stopped on an error, not on a finding');
    expect(md).toContain('- LIST_SCHEMAS: TypeError: x is &lt;undefined&gt;');
  });

  test('the HTML says so too, escaped', () => {
    const html = renderHtml(stopped);
    expect(html).toContain('<td class="unknown">Okta: not known (1 stopped on an error)</td>');
    expect(html).toContain('<li>LIST_SCHEMAS: TypeError: x is &#60;undefined&#62;</li>');
  });
});

describe('renderHar', () => {
  test('is HAR 1.2 with one entry per exchange', () => {
    const har = JSON.parse(renderHar([exchange])) as { log: { version: string; entries: Array<{ request: { queryString: unknown }; response: { status: number } }> } };
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries[0]?.response.status).toBe(200);
    expect(har.log.entries[0]?.request.queryString).toEqual([
      { name: 'startIndex', value: '1' },
      { name: 'count', value: '2' },
    ]);
  });
});
