/**
 * Whole runs (`npx vitest run`) through the settings real networks need: Node's NODE_EXTRA_CA_CERTS,
 * the insecure-TLS opt-out (with its warning), a proxy, and OAuth (one token for the whole run).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runSuites, runSuitesInChild, SuiteSession, twoAtATime, type SuiteRun } from '../support/run-suite.js';
import { bearerOf, CA_FILE, startForwardProxy, startScimFront, startTokenEndpoint, type Running } from './servers.js';

/** Every server here answers: a generous timeout only keeps a busy machine from failing the TLS handshake. */
const NETWORK_TIMEOUT_MS = '10000';
const running: Running[] = [];
const runs = new Map<string, SuiteRun>();
let tokensIssued: string[] = [];
// The OAuth run writes every report: the token endpoint's exchange is in the HAR, redacted.
const oauthReports = mkdtempSync(join(tmpdir(), 'scimc-oauth-reports-'));
let proxied: string[] = [];
// The runs without reports of their own share one Vitest instance (test/support/run-suite.ts).
const session = new SuiteSession();

function preflightPassed(run: SuiteRun): boolean {
  return run.tests.some((t) => t.name.includes('[PREFLIGHT]') && t.status === 'passed');
}

beforeAll(async () => {
  const tls = await startScimFront(() => true, { tls: true });
  const endpoint = await startTokenEndpoint({ id: 'e2e-client', secret: 'e2e-oauth-canary-51' });
  const oauthFront = await startScimFront((req) => endpoint.isValid(bearerOf(req)));
  const plain = await startScimFront(() => true);
  const proxy = await startForwardProxy();
  running.push(tls, endpoint, oauthFront, plain, proxy);
  const jobs: Array<[string, Record<string, string>]> = [
    ['extra-ca', { SCIM_BASE_URL: `${tls.origin}/scim/v2`, NODE_EXTRA_CA_CERTS: CA_FILE, SCIM_TIMEOUT_MS: NETWORK_TIMEOUT_MS }],
    ['insecure', { SCIM_BASE_URL: `${tls.origin}/scim/v2`, SCIM_INSECURE_TLS: 'true', SCIM_TIMEOUT_MS: NETWORK_TIMEOUT_MS }],
    ['proxy', { SCIM_BASE_URL: `${plain.origin}/scim/v2`, HTTP_PROXY: proxy.origin, SCIM_TIMEOUT_MS: NETWORK_TIMEOUT_MS }],
    [
      'oauth',
      {
        SCIM_BASE_URL: `${oauthFront.origin}/scim/v2`,
        SCIM_OAUTH_TOKEN_URL: endpoint.tokenUrl,
        SCIM_OAUTH_CLIENT_ID: 'e2e-client',
        SCIM_OAUTH_CLIENT_SECRET: 'e2e-oauth-canary-51',
        SCIM_TIMEOUT_MS: NETWORK_TIMEOUT_MS,
        SCIM_REPORTS: 'all',
        SCIM_REPORT_DIR: oauthReports,
      },
    ],
  ];
  await twoAtATime(jobs, async ([name, env]) => {
    // Node reads NODE_EXTRA_CA_CERTS once, when a process starts: only a new process shows it.
    if (env['NODE_EXTRA_CA_CERTS'] !== undefined) runs.set(name, await runSuitesInChild(env));
    else runs.set(name, await (env['SCIM_REPORTS'] === undefined ? session.run(env) : runSuites(env)));
  });
  tokensIssued = [...endpoint.issued];
  proxied = proxy.seen;
}, 180_000);

afterAll(async () => {
  await session.close();
  await Promise.all(running.map((r) => r.close()));
  rmSync(oauthReports, { recursive: true, force: true });
});

/** What a run printed, for the message of a failed assertion: why its preflight did not pass. */
function outputOf(run: SuiteRun): string {
  return `the run printed:\n${run.stdout}\n${run.stderr}`;
}

function runOf(name: string): SuiteRun {
  const run = runs.get(name);
  if (run === undefined) throw new Error(`no run for ${name}`);
  return run;
}

describe('whole runs on real networks', () => {
  test('NODE_EXTRA_CA_CERTS makes a server with a private CA reachable', () => {
    expect(preflightPassed(runOf('extra-ca')), outputOf(runOf('extra-ca'))).toBe(true);
  });

  test('SCIM_INSECURE_TLS reaches it too, and the banner warns that nothing was verified', () => {
    const run = runOf('insecure');
    expect(preflightPassed(run), outputOf(run)).toBe(true);
    expect(run.stdout).toContain("⚠ SCIM_INSECURE_TLS=true: the server's certificate is NOT verified.");
  });

  test('HTTP_PROXY carries every request of the run, and the banner names the proxy', () => {
    const run = runOf('proxy');
    expect(preflightPassed(run), outputOf(run)).toBe(true);
    expect(run.stdout).toMatch(/proxy: http:\/\/127\.0\.0\.1:\d+/);
    expect(proxied.length).toBeGreaterThan(0);
  });

  test('OAuth: one token, fetched in the global setup, serves every worker; the secret and token are never printed', () => {
    const run = runOf('oauth');
    expect(preflightPassed(run), outputOf(run)).toBe(true);
    expect(run.stdout).toContain('auth: OAuth 2.0 client credentials');
    expect(tokensIssued).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain('e2e-oauth-canary-51');
    expect(run.stdout + run.stderr).not.toMatch(/at-1-[a-z0-9]+/);
  });

  test('OAuth: the reports hold the token endpoint exchange, without the secret or the token', () => {
    const files = readdirSync(oauthReports);
    expect(files).toContain('exchanges.har');
    const har = readFileSync(join(oauthReports, 'exchanges.har'), 'utf8');
    expect(har).toContain('"_sentBy": "global setup"');
    expect(har).toContain('grant_type=client_credentials');
    for (const file of files) {
      const text = readFileSync(join(oauthReports, file), 'utf8');
      expect(text).not.toContain('e2e-oauth-canary-51');
      for (const token of tokensIssued) expect(text).not.toContain(token);
    }
  });
});
