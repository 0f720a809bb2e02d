import { BUNDLED } from '../config.js';
import { escapeControl } from '../diagnose/escape.js';
import { proxyFor } from '../http/dispatcher.js';
import { isShortSecret, safeUrl, SHORT_SECRET_LENGTH } from '../http/redact.js';
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

/** The configured secrets by the setting they come from; with OAuth, the access token as issued. */
function namedSecrets(target: Target): Array<[string, string | undefined]> {
  const { auth } = target;
  if (auth.method === 'basic') return [['SCIM_BASIC_PASSWORD', auth.password]];
  if (auth.method === 'header') return [['the header value', auth.value]];
  if (auth.method === 'oauth')
    return [
      ['SCIM_OAUTH_CLIENT_SECRET', auth.clientSecret],
      ['the OAuth access token', target.token],
    ];
  return [['SCIM_TOKEN', target.token]];
}

/**
 * A secret this short cannot be told apart from ordinary text (`tok` is inside `invalid_token`):
 * the output replaces it only where it stands as a word of its own (src/http/redact.ts). Said
 * before anything else, so the team knows what a shared log may hold.
 */
export function shortSecretWarning(target: Target): string | undefined {
  const short = namedSecrets(target).filter(([, value]) => value !== undefined && value !== '' && isShortSecret(value));
  if (short.length === 0) return undefined;
  const names = short.map(([name, value]) => `${name} (${value?.length ?? 0} characters)`).join(', ');
  return `⚠ ${names}: a secret shorter than ${SHORT_SECRET_LENGTH} characters cannot be told apart from ordinary text, so the output replaces it only where it stands as a word of its own, not inside a longer word (invalid_token) or a longer base64 string. Use a longer secret.`;
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
  const short = target.bundled ? undefined : shortSecretWarning(target);
  if (short !== undefined) lines.push(short);
  if (target.insecureTls) {
    lines.push("⚠ SCIM_INSECURE_TLS=true: the server's certificate is NOT verified. Okta and Entra will verify it; use this for a test run only, and prefer SCIM_CA_FILE.");
  }
  const retried = preflight.exchange.retried?.filter((r) => r.status !== 401) ?? [];
  if (retried.length > 0) {
    const waited = retried.reduce((sum, r) => sum + r.waitedMs, 0);
    lines.push(`  note: the server answered ${retried.map((r) => r.status).join(', ')} with Retry-After to the first request; the suite waited ${waited} ms as asked.`);
  }
  if (preflight.status !== 'ok') {
    // The finding itself, with its fix and curl, is the PREFLIGHT failure at the end of the run, where a CI log is read.
    lines.push('', escapeControl(`✗ ${preflight.summary}`), '  Every other check is skipped until this is fixed: the failure is shown in full at the end.');
  }
  return `${lines.join('\n')}\n`;
}
