import { BUNDLED } from '../config.js';
import { renderFindings } from '../diagnose/render.js';
import { proxyFor } from '../http/dispatcher.js';
import { safeUrl } from '../http/redact.js';
import type { Preflight, Target } from './target.js';

const AUTH_DESCRIPTIONS = {
  bearer: 'bearer token (SCIM_TOKEN)',
  basic: 'basic auth (SCIM_BASIC_USER)',
  header: 'custom header',
  oauth: 'OAuth 2.0 client credentials',
} as const;

function network(target: Target): string {
  const auth =
    target.auth.method === 'header'
      ? `header ${target.auth.name}`
      : target.auth.method === 'bearer' && target.token === undefined
        ? 'no credentials (SCIM_TOKEN is not set)'
        : AUTH_DESCRIPTIONS[target.auth.method];
  const proxy = proxyFor(target.baseUrl, target.proxy);
  const parts = [`auth: ${auth}`];
  if (proxy !== undefined) parts.push(`proxy: ${safeUrl(proxy)}`);
  if (target.caFile !== undefined) parts.push(`CA: ${target.caFile}`);
  parts.push(`at most ${target.maxInFlight} requests in flight, fewer while the server asks for less${target.maxRps === undefined ? '' : `, and ${target.maxRps} per second`}`);
  return `  ${parts.join('; ')}`;
}

function whyBundled(target: Target): string {
  return target.bundledAskedFor ? `SCIM_BASE_URL=${BUNDLED}` : 'SCIM_BASE_URL is not set: set it to test your own server';
}

/** The first lines of every run: what is tested, how, and whether it can be reached at all. */
export function banner(target: Target, preflight: Preflight): string {
  const what = target.bundled ? `the bundled reference server at ${target.baseUrl} (${whyBundled(target)})` : safeUrl(target.baseUrl);
  const mode = target.bundled
    ? 'writes enabled (the bundled server is ours to change)'
    : target.write
      ? 'writes enabled (SCIM_WRITE=true): test users carry the prefix scimc- and are removed afterwards'
      : 'read-only (set SCIM_WRITE=true to let the suite create, change and delete its own test users)';
  const lines = [`scim-conformance: testing ${what}`, `  profiles: ${target.profiles.join(', ')}; ${mode}${target.strict ? '; strict' : ''}`];
  if (!target.bundled) lines.push(network(target));
  if (target.insecureTls) {
    lines.push(
      '⚠ SCIM_INSECURE_TLS=true: the server\'s certificate is NOT verified. Okta and Entra will verify it; use this for a test run only, and prefer SCIM_CA_FILE.',
    );
  }
  const retried = preflight.exchange.retried?.filter((r) => r.status !== 401) ?? [];
  if (retried.length > 0) {
    const waited = retried.reduce((sum, r) => sum + r.waitedMs, 0);
    lines.push(`  note: the server answered ${retried.map((r) => r.status).join(', ')} with Retry-After to the first request; the suite waited ${waited} ms as asked.`);
  }
  if (preflight.status !== 'ok') {
    lines.push('', `✗ ${preflight.summary}`, '', renderFindings(preflight.findings), '', 'Every other check is skipped until this is fixed.');
  }
  return `${lines.join('\n')}\n`;
}
