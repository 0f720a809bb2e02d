/**
 * What a person reads in the console of a default run, rendered in this process from recorded
 * runs: a single-cause failure (a refused connection, a 401 to everything) fits in about 40 lines,
 * a cause repeated by many checks is one line with a count, passing checks are not listed, a
 * warning shows the four parts of a failure, and a passing run's HTML page lists what was checked.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';
import { DefaultReporter, type TestCase, type TestModule } from 'vitest/node';
import { allRules } from '../../src/checks/catalog.js';
import { finding, type Rule } from '../../src/checks/rule.js';
import { loadConfig } from '../../src/config.js';
import { renderFindings } from '../../src/diagnose/render.js';
import { ScimClient } from '../../src/http/client.js';
import ConformanceConsoleReporter, { moduleLine, renderFailures, shownSafely, type FailedCheck } from '../../src/report/console.js';
import { FLOWS } from '../../src/report/flows.js';
import { renderHtml } from '../../src/report/html.js';
import { skipNote } from '../../src/report/skip-note.js';
import { computeVerdict, renderVerdict, type Outcome } from '../../src/report/verdict.js';
import { banner } from '../../src/suite/banner.js';
import { preflight } from '../../src/suite/preflight.js';
import { targetFromConfig } from '../../src/suite/target.js';
import { WRITE_SKIP_REASON } from '../../src/suite/test-data.js';

/** What Vitest itself prints around ours: its header, and its counts after the run (5 lines and blanks). */
const VITEST_HEADER = '\n RUN  v4.1.12 /work/project\n';
const VITEST_COUNTS =
  '\n Test Files  1 failed | 12 passed (13)\n      Tests  1 failed | 202 skipped (203)\n   Start at  01:54:34\n   Duration  13.09s (transform 4.97s, setup 4.05s, import 20.56s, tests 1.41s, environment 3ms)\n';
const PREFLIGHT_NAME = 'the server is reachable and accepts the credentials [PREFLIGHT]';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers) await close();
});

/** A server that answers every request 401, as one whose tokens all expired. */
async function refusingServer(): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(401, { 'content-type': 'application/scim+json', 'www-authenticate': 'Bearer realm="scim", error="invalid_token"' });
    res.end('{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"invalid_token"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
}

/**
 * A whole read-only run whose preflight failed, as the console shows it: Vitest's header, our
 * banner, the one failed file, the failure section of our console reporter, Vitest's counts and
 * the verdict. Every other check was skipped with the preflight's summary (or needs writes).
 */
async function consoleOfFailedPreflight(baseUrl: string): Promise<string> {
  const target = targetFromConfig(loadConfig({ SCIM_BASE_URL: baseUrl, SCIM_TOKEN: 'a-token-of-some-length', SCIM_TIMEOUT_MS: '3000' }), baseUrl, false, 'a-token-of-some-length');
  const client = new ScimClient({ ...target, maxRps: 1000 });
  closers.push(() => client.close());
  const checked = await preflight(client, true);
  expect(checked.status).not.toBe('ok');
  const writes = new Set(
    allRules()
      .filter((rule) => /^(USER|GROUP|ETAG|PATCH)_/.test(rule.code))
      .map((rule) => rule.code),
  );
  const outcomes: Outcome[] = [
    { name: PREFLIGHT_NAME, code: 'PREFLIGHT', state: 'failed', findings: checked.findings, accepted: undefined, skipReason: undefined },
    ...allRules().map((rule): Outcome => {
      const reason = writes.has(rule.code) ? WRITE_SKIP_REASON : skipNote(`not run: ${checked.summary}`);
      return {
        name: `${rule.title} [${rule.code}]`,
        code: rule.code,
        state: 'skipped',
        findings: [],
        accepted: undefined,
        skipReason: reason,
        skipKind: writes.has(rule.code) ? 'read-only' : 'earlier',
      };
    }),
  ];
  const verdict = computeVerdict(outcomes, ['okta', 'entra', 'rfc'], false, []);
  const failed: FailedCheck[] = [{ name: PREFLIGHT_NAME, file: 'suites/connection.spec.ts', message: renderFindings(checked.findings) }];
  return [
    VITEST_HEADER,
    banner(target, checked),
    moduleLine('suites/connection.spec.ts', { tests: 62, failed: 1, skipped: 61 }, [PREFLIGHT_NAME]),
    renderFailures(failed),
    VITEST_COUNTS,
    `\n${renderVerdict(verdict)}\n`,
  ].join('\n');
}

describe('a single-cause failure on the default console', () => {
  test.for([
    ['a refused connection', () => Promise.resolve('http://127.0.0.1:1/scim/v2'), 'HTTP_NO_ANSWER'],
    ['a 401 to everything', refusingServer, 'AUTH_TOKEN_ACCEPTED'],
  ] as const)('%s fits in about 40 lines, and says the cause, its fix and the curl', async ([, start, code]) => {
    const text = await consoleOfFailedPreflight(await start());
    const lines = text.split('\n');
    expect(lines.length).toBeLessThanOrEqual(45);
    expect(text).toContain(`${code} (MUST)`);
    expect(text).toMatch(/\n {2}Fix: {7}\S/);
    expect(text).toMatch(/\n {2}Reproduce: curl -i /);
    // The cause's sentence is said in the banner, once per client in the verdict and once for the skipped checks: never per check.
    const sentence = lines.find((line) => line.startsWith('✗ '))?.slice(2) ?? '';
    expect(sentence).not.toBe('');
    expect(text.split(sentence).length - 1).toBeLessThanOrEqual(2);
  });
});

describe('the failure section of the console reporter', () => {
  const silence = 'HTTP_SERVER_WENT_SILENT (MUST): the server goes on answering for the whole run\n  Got:       the server stopped answering.';
  const failedChecks = (count: number, message: string): FailedCheck[] =>
    Array.from({ length: count }, (_, i) => ({ name: `check ${i} [CODE_${i}]`, file: `suites/file-${i % 3}.spec.ts`, message }));

  test('57 checks that failed with one message are one line with the count, and the message is shown once', () => {
    const text = renderFailures(failedChecks(57, silence));
    const fails = text.split('\n').filter((line) => line.startsWith(' FAIL'));
    expect(fails).toEqual([' FAIL  57 checks, one cause: check 0 [CODE_0], check 1 [CODE_1] and 55 more (suites/file-0.spec.ts, suites/file-1.spec.ts, 1 more files)']);
    expect(text.split('HTTP_SERVER_WENT_SILENT (MUST)').length - 1).toBe(1);
  });

  test('control: checks that failed with different messages are one line each, each with its message', () => {
    const text = renderFailures([...failedChecks(2, silence), ...failedChecks(1, 'LIST_SCHEMAS (MUST): the ListResponse names its schema')]);
    expect(text.split('\n').filter((line) => line.startsWith(' FAIL'))).toHaveLength(2);
    expect(text).toContain('\nLIST_SCHEMAS (MUST)');
  });
});

describe('an error that is not a finding (a fault of ours on a hostile answer)', () => {
  test("is printed with the server's control characters escaped, in its message and its stack", () => {
    const error = new TypeError('cannot read "\x1b[2J\r\nVerdict\n  Okta: ready"');
    const shown = shownSafely({ name: error.name, message: error.message, stack: error.stack });
    expect(shown.message).toBe('cannot read "\\x1b[2J\\r\\nVerdict\\n  Okta: ready"');
    expect(shown.stack?.split('\n')[0]).toBe(`TypeError: ${shown.message}`);
    expect(shown.stack).toMatch(/\n\s+at /);
  });
});

describe('passing checks are listed only by the verbose reporter', () => {
  /** A passing check that took 5 s: Vitest's default reporter lists any over 300 ms. */
  const slowPass = { result: () => ({ state: 'passed' }), diagnostic: () => ({ duration: 5000 }), task: { name: 'slow' }, options: { mode: 'run' } } as unknown as TestCase;

  function printed(reporter: DefaultReporter, print: (r: { printTestCase(state: string, test: TestCase): void; printTestModule(m: TestModule): void }) => void): string[] {
    const lines: string[] = [];
    const fake = reporter as unknown as Record<string, unknown>;
    fake['ctx'] = { config: { slowTestThreshold: 300, hideSkippedTests: false } };
    fake['log'] = (...parts: unknown[]) => lines.push(parts.join(' '));
    fake['getTestIndentation'] = () => '';
    fake['getTestCaseSuffix'] = () => '';
    fake['getTestName'] = (task: { name: string }) => task.name;
    print(reporter as unknown as Parameters<typeof print>[0]);
    return lines;
  }

  test("control: Vitest's default reporter lists a passing check slower than 300 ms", () => {
    expect(printed(new DefaultReporter(), (r) => r.printTestCase('passed', slowPass))).toEqual([expect.stringContaining('slow')]);
  });

  test('ours lists no check, passing, slow or skipped, and no file that passed', () => {
    const passedModule = { state: () => 'passed' } as unknown as TestModule;
    expect(printed(new ConformanceConsoleReporter(), (r) => (r.printTestCase('failed', slowPass), r.printTestModule(passedModule)))).toEqual([]);
  });

  test('a file with a failure is one line with its counts, not one line per check', () => {
    const tests = [...Array.from({ length: 61 }, () => 'skipped'), 'failed'].map((state) => ({ name: `${state} check`, result: () => ({ state }) }));
    const failedModule = { state: () => 'failed', relativeModuleId: 'suites/connection.spec.ts', children: { allTests: () => tests.values() } } as unknown as TestModule;
    expect(printed(new ConformanceConsoleReporter(), (r) => r.printTestModule(failedModule))).toEqual([
      ' ❯ suites/connection.spec.ts (62 checks: 1 failed, 61 skipped): × failed check',
    ]);
  });
});

describe('a warning on the console', () => {
  const WEAK_ETAG: Rule = {
    code: 'ETAG_STRONG_EXAMPLE',
    title: 'the ETag is strong',
    requiredBy: { okta: 'SHOULD', entra: 'SHOULD', rfc: 'SHOULD' },
    source: 'RFC 7232 §2.3',
    requirement: 'A strong ETag.',
    fix: 'Send a strong ETag, e.g. "v2" rather than W/"v2". Clients compare them byte for byte.',
  };

  test('shows what came back, what is required and by whom, the fix whole, and the curl, once for all clients', () => {
    const warned = finding(WEAK_ETAG, {
      got: 'ETag W/"v2"',
      exchange: { request: { method: 'GET', url: 'http://127.0.0.1:9/scim/v2/Users/1', headers: { accept: 'application/scim+json' } }, timing: { startedAt: '', durationMs: 1 } },
    });
    const outcomes: Outcome[] = [
      { name: 'the ETag is strong [ETAG_STRONG_EXAMPLE]', code: WEAK_ETAG.code, state: 'passed', findings: [warned], accepted: undefined, skipReason: undefined },
    ];
    const text = renderVerdict(computeVerdict(outcomes, ['okta', 'entra', 'rfc'], false, []));
    expect(text.match(/^ {4}! ETAG_STRONG_EXAMPLE: /gm)).toHaveLength(3);
    const full = text.slice(text.indexOf('  warnings (1), in full:'));
    expect(full.split('\n').slice(1, 6)).toEqual([
      '    ! ETAG_STRONG_EXAMPLE (SHOULD): the ETag is strong',
      '      Got:       ETag W/"v2"',
      '      Required:  A strong ETag. [RFC 7232 §2.3; okta SHOULD, entra SHOULD, rfc SHOULD]',
      '      Fix:       Send a strong ETag, e.g. "v2" rather than W/"v2". Clients compare them byte for byte.',
      "      Reproduce: curl -i 'http://127.0.0.1:9/scim/v2/Users/1' -H 'accept: application/scim+json'",
    ]);
    expect(text).toContain('! ETAG_STRONG_EXAMPLE: Send a strong ETag, e.g. "v2" rather than W/"v2".\n');
  });

  test('control: a run without warnings has no such section', () => {
    expect(renderVerdict(computeVerdict([], ['okta'], false, []))).not.toContain('warnings');
  });
});

describe('the HTML report of a passing run', () => {
  /** Every check of every flow passed, in the block that sends its request. */
  function passingRun(): Outcome[] {
    const tests = new Map<string, string>();
    for (const flow of Object.values(FLOWS).flat()) {
      for (const checks of flow.checks) for (const code of checks.codes) tests.set(`${checks.within ?? 'A block'} > ${code.toLowerCase()} [${code}]`, code);
    }
    return [...tests].map(([name, code]) => ({ name, code, state: 'passed', findings: [], accepted: undefined, skipReason: undefined }));
  }

  test('lists, per client and flow, each check that was judged and its result', () => {
    const outcomes = passingRun();
    const html = renderHtml({
      target: 'http://127.0.0.1:9/scim/v2',
      startedAt: '2026-01-01T00:00:00.000Z',
      verdict: computeVerdict(outcomes, ['okta', 'entra', 'rfc'], false, []),
      outcomes,
      exchanges: [],
    });
    const section = html.slice(html.indexOf('<h2>What was checked, per client and flow</h2>'));
    expect(section).not.toBe(html.slice(-1));
    for (const [client, heading] of [
      ['okta', 'Okta'],
      ['entra', 'Entra ID'],
      ['rfc', 'RFC 7643/7644'],
    ] as const) {
      const part = section.slice(section.indexOf(`<h3>${heading}</h3>`));
      for (const flow of FLOWS[client]) {
        const summary = new RegExp(
          `<summary class="works">${flow.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/'/g, '&#39;')}: works \\((\\d+) checks, \\1 passed\\)</summary>`,
        );
        expect(part, `${client}: ${flow.name}`).toMatch(summary);
      }
    }
    expect(section).toContain('<li class="works">✓ passed: Base URL and credentials &#62; preflight [PREFLIGHT]</li>');
  });
});
