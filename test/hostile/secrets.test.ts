/**
 * Servers that echo the run's secrets in every encoding and write control characters to forge the
 * verdict. The client runs against them in this process; every report is then rendered from what it
 * recorded, as the end of a run renders it: the banner, the failures and the verdict (console, and
 * the messages Vitest puts in JUnit and JSON), the JSON findings, Markdown, HTML and the HAR.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkJsonAnswer } from '../../src/checks/response.js';
import { checkListResponse } from '../../src/checks/list-response.js';
import { show } from '../../src/checks/answers.js';
import { finding, type Finding, type Rule } from '../../src/checks/rule.js';
import { loadConfig } from '../../src/config.js';
import { renderFindings } from '../../src/diagnose/render.js';
import { ScimClient } from '../../src/http/client.js';
import type { Exchange } from '../../src/http/exchange.js';
import { renderHar } from '../../src/report/har.js';
import { renderHtml } from '../../src/report/html.js';
import { renderFailuresText, renderMarkdown } from '../../src/report/markdown.js';
import type { RunSummary } from '../../src/report/summary.js';
import { computeVerdict, renderVerdict, type Outcome } from '../../src/report/verdict.js';
import { banner } from '../../src/suite/banner.js';
import { obtainAccessToken, preflight } from '../../src/suite/preflight.js';
import { describeSweep } from '../../src/suite/sweep.js';
import { targetFromConfig, type Preflight, type Target } from '../../src/suite/target.js';
import { runSuites } from '../support/run-suite.js';
import { CLIENT_ID, echoForms, forgedLines, leakedForms, rawControls, SECRETS, startSecretServer, type Listening } from './secret-servers.js';

const USER_NAME_QUOTED: Rule = {
  code: 'USER_NAME_QUOTED',
  title: 'a finding that quotes the userName the server sent',
  requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
  source: 'this test',
  requirement: 'The userName as sent.',
  fix: 'None: the test checks how it is shown.',
};

const servers: Listening[] = [];
const clients: ScimClient[] = [];
/** Each output a user can see, by where it goes. */
const outputs: Record<string, string> = {};

/** The configuration of an OAuth run against the server: its token URL holds a password, a query and a fragment. */
function oauthEnv(origin: string): Record<string, string> {
  return {
    SCIM_BASE_URL: `${origin}/scim/v2`,
    SCIM_AUTH: 'oauth',
    SCIM_OAUTH_TOKEN_URL: `http://${CLIENT_ID}:${encodeURIComponent(SECRETS.tokenUrlPassword)}@${origin.slice('http://'.length)}/oauth/token?tenant=t-secret-q#frag`,
    SCIM_OAUTH_CLIENT_ID: CLIENT_ID,
    SCIM_OAUTH_CLIENT_SECRET: SECRETS.clientSecret,
    SCIM_TIMEOUT_MS: '5000',
  };
}

function oauthTarget(origin: string): Target {
  return targetFromConfig(loadConfig(oauthEnv(origin)), `${origin}/scim/v2`, false, undefined);
}

function clientFor(target: Target): ScimClient {
  const client = new ScimClient({ ...target, maxRps: 1000 });
  clients.push(client);
  return client;
}

const failed = (findings: Finding[]): Outcome[] =>
  findings.map((f) => ({ name: f.code, code: f.code, state: 'failed', findings: [f], accepted: undefined, skipReason: undefined }));

/** A run against a server whose token endpoint issues tokens and whose SCIM root echoes them. */
async function echoingRun(): Promise<{ target: Target; checked: Preflight; findings: Finding[]; log: Exchange[] }> {
  const server = await startSecretServer();
  servers.push(server);
  const target = oauthTarget(server.origin);
  const client = clientFor(target);
  const token = await obtainAccessToken(client);
  expect(token).toEqual({ token: SECRETS.accessToken });
  const checked = await preflight(client, true);
  const list = await client.send({ path: '/Users', query: { filter: 'userName eq "ada"' } });
  const groups = await client.send({ path: '/Groups' });
  const userName = (JSON.parse(list.response?.body ?? '{}') as { Resources?: Array<{ userName?: unknown }> }).Resources?.[0]?.userName;
  const findings = [
    ...checked.findings,
    ...checkListResponse(list).run.findings,
    ...checkJsonAnswer(groups, { status: [201] }).run.findings,
    // As a check quoting a userName builds its finding: once through show(), once as it is.
    finding(USER_NAME_QUOTED, { got: `userName ${show(userName)}; as sent ${String(userName)}`, exchange: list }),
  ];
  return { target, checked, findings, log: client.log };
}

/** A run whose token endpoint refuses the client, quoting what it was sent. */
async function refusedRun(): Promise<{ target: Target; failed: Preflight; log: Exchange[] }> {
  const server = await startSecretServer({ token: 'refuse', probe: 'fail' });
  servers.push(server);
  const target = oauthTarget(server.origin);
  const client = clientFor(target);
  const answer = await obtainAccessToken(client);
  if (!('failed' in answer)) throw new Error('the token endpoint was meant to refuse the client');
  return { target, failed: answer.failed, log: client.log };
}

beforeAll(async () => {
  const echoing = await echoingRun();
  const refused = await refusedRun();
  const findings = [...echoing.findings, ...refused.failed.findings];
  const verdict = computeVerdict(failed(findings), ['okta', 'entra', 'rfc'], false, []);
  const summary: RunSummary = {
    target: echoing.target.baseUrl,
    startedAt: '2026-01-01T00:00:00.000Z',
    verdict,
    outcomes: failed(findings),
    exchanges: [...echoing.log, ...refused.log],
  };
  const sweep = describeSweep({
    deleted: [{ kind: 'Users', id: `u-1${'\x1b[2J'}`, name: `scimc-ada\r\nVerdict\n  Okta: ready` }],
    deactivated: [],
    failed: [],
    foreign: [],
    lagged: [],
    unlisted: [],
    spared: [],
  });
  outputs['console'] = [banner(echoing.target, echoing.checked), banner(refused.target, refused.failed), renderFindings(findings), renderVerdict(verdict), ...sweep].join('\n');
  outputs['junit'] = renderFailuresText(summary);
  outputs['json'] = JSON.stringify(findings);
  outputs['markdown'] = renderMarkdown(summary);
  outputs['html'] = renderHtml(summary);
  outputs['har'] = renderHar(summary.exchanges);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(servers.map((server) => server.close()));
});

const SECRET_NAMES = Object.keys(SECRETS) as Array<keyof typeof SECRETS>;
const OUTPUT_NAMES = ['console', 'junit', 'json', 'markdown', 'html', 'har'];

describe('a server that echoes every secret in every encoding', () => {
  test('sends each form of each secret it knows (the test is not vacuous)', () => {
    // What the suite recorded shows the echoes were there: each one became a placeholder.
    const har = outputs['har'] ?? '';
    expect(har.match(/\$SCIM_TOKEN/g)?.length ?? 0).toBeGreaterThanOrEqual(echoForms(SECRETS.accessToken).length);
    expect(har).toContain('[REDACTED refresh_token]');
    expect(har).toContain('[REDACTED id_token]');
    expect(har).toContain('$SCIM_OAUTH_CLIENT_SECRET');
  });

  test.for(SECRET_NAMES)('no form of the %s reaches any report', (name) => {
    const leaks = Object.fromEntries(OUTPUT_NAMES.map((output) => [output, leakedForms(outputs[output] ?? '', SECRETS[name])]));
    expect(leaks).toEqual(Object.fromEntries(OUTPUT_NAMES.map((output) => [output, []])));
  });

  test('the token URL is shown without its userinfo, query or fragment', () => {
    for (const output of OUTPUT_NAMES) {
      expect(outputs[output]).not.toContain(`${CLIENT_ID}:`);
      expect(outputs[output]).not.toContain('t-secret-q');
      expect(outputs[output]).not.toContain('#frag');
    }
    expect(outputs['console']).toMatch(/the OAuth token endpoint http:\/\/127\.0\.0\.1:\d+\/oauth\/token did not issue a token/);
  });

  test('what is not a secret is still shown (nothing else is redacted)', () => {
    expect(outputs['console']).toContain('answered 500');
    expect(outputs['console']).toContain('invalid_client: bad client');
    expect(outputs['console']).toContain('ada');
    expect(outputs['har']).toContain('"token_type\\":\\"Bearer\\"'.replace(/\\\\/g, '\\'));
  });
});

describe('a server that writes control characters to forge the verdict', () => {
  test.for(OUTPUT_NAMES)('no raw control character from the server reaches the %s output', (output) => {
    expect(rawControls(outputs[output] ?? '')).toEqual([]);
  });

  test.for(OUTPUT_NAMES)('no forged verdict line appears in the %s output', (output) => {
    expect(forgedLines(outputs[output] ?? '')).toEqual([]);
  });

  test('the real verdict is printed once, and says the server is blocked', () => {
    const lines = (outputs['console'] ?? '').split('\n');
    expect(lines.filter((line) => line.startsWith('Verdict'))).toEqual(['Verdict']);
    const headlines = lines.filter((line) => /^ {2}(Okta|Entra ID|RFC 7643\/7644):/.test(line));
    expect(headlines.map((line) => line.split(':')[0])).toEqual(['  Okta', '  Entra ID', '  RFC 7643/7644']);
    for (const headline of headlines) expect(headline).toMatch(/^ {2}[^:]+: \d+ blockers?\b/);
  });

  test("the escapes are shown, so the server's text reads as it was sent", () => {
    expect(outputs['console']).toContain('\\x1b[2J\\x1b[H\\r\\nVerdict\\n  Okta: ready');
    expect(outputs['console']).toContain('\\x9b2J');
    expect(outputs['console']).toContain('\\u2028\\u202e\\x1b[8m');
  });
});

/**
 * The one whole run of this file: only a real `vitest run` shows what Vitest itself prints and
 * writes (the console reporter, JUnit, JSON) around our messages. Preflight passes, so every read
 * check runs against the hostile answers.
 */
describe('a whole run against it: stdout, stderr and every report file', () => {
  const files: Record<string, string> = {};
  let failedTests = 0;

  beforeAll(async () => {
    const server = await startSecretServer({ token: 'issue', probe: 'list' });
    servers.push(server);
    const dir = await mkdtemp(join(tmpdir(), 'scimc-secrets-'));
    try {
      const reports = join(dir, 'reports');
      const run = await runSuites({ ...oauthEnv(server.origin), SCIM_REPORTS: 'all', SCIM_REPORT_DIR: reports, GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md') });
      files['stdout'] = run.stdout;
      files['stderr'] = run.stderr;
      for (const name of await readdir(reports)) files[name] = await readFile(join(reports, name), 'utf8');
      files['step summary'] = await readFile(join(dir, 'step-summary.md'), 'utf8');
      failedTests = run.tests.filter((t) => t.status === 'failed').length;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);

  test('reaches the checks and writes every report (the test is not vacuous)', () => {
    expect(Object.keys(files).sort()).toEqual(['exchanges.har', 'junit.xml', 'report.html', 'results.json', 'stderr', 'stdout', 'step summary', 'summary.md']);
    expect(failedTests).toBeGreaterThan(5);
    expect(files['exchanges.har']).toContain('[REDACTED refresh_token]');
    // Vitest prints each failure's message on stderr: the server's forgeries are quoted there, escaped.
    expect(files['stderr']).toContain('ada\\u001b[2J\\u001b[H\\r\\nVerdict');
    expect(files['stderr']).toContain('\\x9b2J\\x9bHOkta: ready\\x9b8m\\x85');
  });

  test.for(SECRET_NAMES)('no form of the %s is in any of them', (name) => {
    const leaks = Object.entries(files).flatMap(([file, text]) => leakedForms(text, SECRETS[name]).map((form) => `${file}: ${form}`));
    expect(leaks).toEqual([]);
  });

  test("the token URL's userinfo, query values and fragment are in none of them", () => {
    const found = Object.entries(files).flatMap(([file, text]) => [`${CLIENT_ID}:`, 't-secret-q', '#frag'].filter((part) => text.includes(part)).map((part) => `${file}: ${part}`));
    expect(found).toEqual([]);
  });

  test('no raw control character from the server and no forged verdict line is in any of them', () => {
    const found = Object.entries(files).flatMap(([file, text]) => [...rawControls(text), ...forgedLines(text)].map((what) => `${file}: ${what}`));
    expect(found).toEqual([]);
    expect(files['stdout']?.split('\n').filter((line) => line.startsWith('Verdict'))).toEqual(['Verdict']);
  });
});

describe('basic auth, a custom header and a proxy password', () => {
  const PASSWORD = 'basic pass/word+8e';
  const HEADER_VALUE = 'hdr/val+ue-3c9d';
  const PROXY_PASSWORD = 'prox/y pass+77';

  test.for([
    ['basic', { method: 'basic', user: 'scimc-admin', password: PASSWORD }, PASSWORD],
    ['header', { method: 'header', name: 'X-Api-Key', value: HEADER_VALUE }, HEADER_VALUE],
  ] as const)('a %s secret echoed in every form is in no record', async ([, auth, secret]) => {
    const server = await startEcho([secret, PROXY_PASSWORD]);
    const client = new ScimClient({
      baseUrl: `${server.origin}/scim/v2`,
      token: undefined,
      auth,
      timeoutMs: 5000,
      maxInFlight: 2,
      proxy: { httpProxy: undefined, httpsProxy: `http://proxy-user:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:9`, noProxy: undefined },
    });
    clients.push(client);
    const exchange = await client.send({ path: '/Users' });
    expect(exchange.response?.status).toBe(400);
    const recorded = [JSON.stringify(client.log), renderHar(client.log), renderFindings(checkJsonAnswer(exchange, { status: [200] }).run.findings)].join('\n');
    expect(leakedForms(recorded, secret)).toEqual([]);
    expect(leakedForms(recorded, PROXY_PASSWORD)).toEqual([]);
    expect(recorded).toContain('scimc-echo-marker');
  });
});

/** Answers 400 with the received Authorization (or X-Api-Key) and each given secret in every form. */
async function startEcho(secrets: string[]): Promise<Listening> {
  const { createServer } = await import('node:http');
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    const received = JSON.stringify(`${req.headers.authorization ?? ''} ${String(req.headers['x-api-key'] ?? '')}`).slice(1, -1);
    const forms = secrets.flatMap(echoForms).join(' | ');
    res.writeHead(400, { 'content-type': 'application/scim+json', 'x-echo': Buffer.from(secrets.join(':')).toString('base64') });
    res.end(`{"detail":"scimc-echo-marker ${received} ${forms}","status":"400"}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  const listening: Listening = {
    origin: `http://127.0.0.1:${address.port}`,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(listening);
  return listening;
}
