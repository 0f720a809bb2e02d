/**
 * A token as short as `tok` is also inside ordinary words (`invalid_token`). The checks judge the
 * answer as it came, so redaction cannot change a verdict; the outputs replace the short token
 * wherever it stands as a word of its own, in every form, and leave longer words readable.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkChallenges, checkRefused } from '../../src/checks/auth.js';
import { finding, type Finding, type Rule } from '../../src/checks/rule.js';
import { loadConfig } from '../../src/config.js';
import { renderFindings } from '../../src/diagnose/render.js';
import { ScimClient } from '../../src/http/client.js';
import type { Exchange } from '../../src/http/exchange.js';
import { renderHar } from '../../src/report/har.js';
import { renderHtml } from '../../src/report/html.js';
import { renderFailuresText, renderMarkdown } from '../../src/report/markdown.js';
import { computeVerdict, renderVerdict, type Outcome } from '../../src/report/verdict.js';
import { banner, shortSecretWarning } from '../../src/suite/banner.js';
import { targetFromConfig, type Preflight } from '../../src/suite/target.js';

const TOKEN = 'tok';
const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
/** The token as a hostile server writes it in a JSON string: raw, quoted, \u-escaped, percent-encoded, base64, as a credential. */
const ECHOES = ['tok', '\\"tok\\"', '\\u0074ok', '\\u0074\\u006f\\u006b', '%74ok', '%74%6F%6B', 'dG9r', 'Bearer tok'];

const QUOTES_THE_BODY: Rule = {
  code: 'QUOTES_THE_BODY',
  title: 'a finding that quotes the whole body the server sent',
  requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
  source: 'this test',
  requirement: 'The body as sent.',
  fix: 'None: the test checks how it is shown.',
};

interface Listening {
  origin: string;
  close(): Promise<void>;
}

/** Answers 401 as RFC 6750 §3.1 says, with `wrongTokenError` for a token it never issued, and echoes the token. */
async function startServer(wrongTokenError: string): Promise<Listening> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const authorization = req.headers.authorization;
    const challenge = authorization === undefined ? 'Bearer realm="scim"' : `Bearer realm="scim", error="${wrongTokenError}"`;
    const detail = `${wrongTokenError}: the token_type tokens you sent (${authorization ?? 'none'}); we know ${ECHOES.join(', ')}`;
    res.writeHead(401, { 'content-type': 'application/scim+json', 'www-authenticate': challenge, 'x-echo': 'dG9r' });
    res.end(`{"schemas":["${ERROR_URN}"],"status":"401","detail":"${detail}"}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const servers: Listening[] = [];
const clients: ScimClient[] = [];

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(servers.map((server) => server.close()));
});

const env = (origin: string) => ({ SCIM_BASE_URL: `${origin}/scim/v2`, SCIM_TOKEN: TOKEN, SCIM_TIMEOUT_MS: '5000' });

/** The auth spec's two refusals (suites/auth.spec.ts), judged as it judges them. */
async function refusalsFrom(wrongTokenError: string): Promise<{ findings: Finding[]; exchanges: Exchange[]; log: Exchange[]; origin: string }> {
  const server = await startServer(wrongTokenError);
  servers.push(server);
  const client = new ScimClient({ baseUrl: `${server.origin}/scim/v2`, token: TOKEN, timeoutMs: 5000, maxInFlight: 2 });
  clients.push(client);
  const probe = { path: '/Users', query: { filter: 'userName eq "scimc-nobody@example.com"' } };
  const [none, wrong] = await Promise.all([client.send({ ...probe, auth: 'none' }), client.send({ ...probe, auth: { bearer: 'scimc-invalid-token' } })]);
  const mine = await client.send(probe);
  const run = checkRefused(none, 'none').merge(checkRefused(wrong, 'wrong')).merge(checkChallenges({ none, wrong }, true));
  return { findings: run.findings, exchanges: [none, wrong, mine], log: client.log, origin: server.origin };
}

describe('a 3-character token and a server that answers error="invalid_token"', () => {
  const outputs: Record<string, string> = {};
  let judged: Awaited<ReturnType<typeof refusalsFrom>>;

  beforeAll(async () => {
    judged = await refusalsFrom('invalid_token');
    const mine = judged.exchanges[2] as Exchange;
    const findings = [...judged.findings, finding(QUOTES_THE_BODY, { got: `${mine.response?.body ?? ''}; x-echo ${mine.response?.headers['x-echo'] ?? ''}`, exchange: mine })];
    const outcomes: Outcome[] = findings.map((f) => ({ name: f.code, code: f.code, state: 'failed', findings: [f], accepted: undefined, skipReason: undefined }));
    const verdict = computeVerdict(outcomes, ['okta', 'entra', 'rfc'], false, []);
    const summary = { target: judged.origin, startedAt: '2026-01-01T00:00:00.000Z', verdict, outcomes, exchanges: judged.log };
    const target = targetFromConfig(loadConfig(env(judged.origin)), `${judged.origin}/scim/v2`, false, TOKEN);
    const preflight: Preflight = { status: 'ok', summary: 'ok', findings: [], exchange: mine };
    outputs['console'] = [banner(target, preflight), renderFindings(findings), renderVerdict(verdict)].join('\n');
    outputs['junit'] = renderFailuresText(summary);
    outputs['json'] = JSON.stringify(findings);
    outputs['markdown'] = renderMarkdown(summary);
    outputs['html'] = renderHtml(summary);
    outputs['har'] = renderHar(judged.log);
    outputs['exchange log'] = JSON.stringify(judged.log);
  });

  test('the check judges the answer as it came: no AUTH_CHALLENGE_ERROR_CODE', () => {
    expect(judged.exchanges[1]?.response?.headers['www-authenticate']).toBe('Bearer realm="scim", error="invalid_token"');
    expect(judged.findings.map((f) => f.code)).not.toContain('AUTH_CHALLENGE_ERROR_CODE');
  });

  test('control: the same server answering error="invalid_request" is AUTH_CHALLENGE_ERROR_CODE', async () => {
    const control = await refusalsFrom('invalid_request');
    expect(control.findings.map((f) => f.code)).toEqual(['AUTH_CHALLENGE_ERROR_CODE']);
  });

  test('the server did echo the token in every form (the test is not vacuous)', () => {
    const body = judged.exchanges[2]?.response?.body ?? '';
    for (const echo of ECHOES) expect(body).toContain(echo);
    expect(JSON.parse(body)).toMatchObject({ status: '401' });
    expect(judged.exchanges[2]?.response?.headers['x-echo']).toBe('dG9r');
    expect(Object.keys(outputs)).toHaveLength(7);
  });

  test.for(['console', 'junit', 'json', 'markdown', 'html', 'har', 'exchange log'])('no form of the token stands as a word in the %s output', (name) => {
    expect(standaloneTokenForms(outputs[name] ?? '')).toEqual([]);
  });

  test.for(['console', 'json', 'markdown', 'har', 'exchange log'])('longer words holding it stay readable in the %s output', (name) => {
    const text = outputs[name] ?? '';
    expect(text).toContain('invalid_token');
    expect(text).toContain('token_type tokens');
    expect(text).not.toMatch(/invalid_\$SCIM_TOKEN|\$SCIM_TOKENen/);
  });

  test('the banner warns that a token this short is replaced only where it stands alone', () => {
    expect(outputs['console']).toContain('SCIM_TOKEN (3 characters): a secret shorter than 8 characters cannot be told apart from ordinary text');
  });
});

describe('the short-secret warning', () => {
  const target = (vars: Record<string, string>) =>
    targetFromConfig(loadConfig({ SCIM_BASE_URL: 'http://127.0.0.1:9/scim/v2', ...vars }), 'http://127.0.0.1:9/scim/v2', false, vars['SCIM_TOKEN']);

  test('names each short secret, and nothing for secrets of 8 characters or more', () => {
    expect(shortSecretWarning(target({ SCIM_TOKEN: 'abcdefgh' }))).toBeUndefined();
    expect(shortSecretWarning(target({ SCIM_TOKEN: 'abcdefg' }))).toMatch(/^⚠ SCIM_TOKEN \(7 characters\)/);
    expect(shortSecretWarning(target({ SCIM_AUTH: 'basic', SCIM_BASIC_USER: 'admin', SCIM_BASIC_PASSWORD: 'pw' }))).toMatch(/^⚠ SCIM_BASIC_PASSWORD \(2 characters\)/);
  });
});

/**
 * Each form of `tok` that stands as a word in the text, found independently of the suite's own
 * redaction: JSON and percent escapes decoded, then the raw and base64 forms looked for with word
 * boundaries on both sides.
 */
function standaloneTokenForms(text: string): string[] {
  const decoded = text
    .replace(/\\+u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return [text, decoded].flatMap((view) =>
    [...view.matchAll(/(?<![A-Za-z0-9_])(tok|dG9r)(?![A-Za-z0-9_])/g)].map((m) => `${m[0]} at ${m.index}: …${view.slice(Math.max(0, m.index - 20), m.index + 20)}…`),
  );
}
