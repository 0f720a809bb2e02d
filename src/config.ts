/**
 * Configuration from the environment (and `.env`). These variable names are a public interface:
 * documented in `.env.example` and the README. A bad value stops the run with one sentence that says
 * what to set, never a stack trace.
 */
import { existsSync } from 'node:fs';
import { readUserTemplate, type UserTemplate } from './suite/user-template.js';

export const CLIENTS = ['okta', 'entra', 'rfc'] as const;
export type Client = (typeof CLIENTS)[number];

export interface Config {
  /** The SCIM root (no trailing slash); undefined means: test the bundled reference server. */
  baseUrl: string | undefined;
  /** SCIM_BASE_URL=bundled: the bundled reference server was asked for by name, not left to the default. */
  bundledAskedFor: boolean;
  token: string | undefined;
  write: boolean;
  profiles: Client[];
  strict: boolean;
  timeoutMs: number;
  maxInFlight: number;
  /** Requests started per second at most (SCIM_MAX_RPS): an opt-in hard cap, none when unset. */
  maxRps: number | undefined;
  /** How requests are authenticated; a bearer token lives in `token`. */
  auth: AuthSettings;
  /** A PEM file of CA certificates trusted in addition to the system's (SCIM_CA_FILE). */
  caFile: string | undefined;
  /** SCIM_INSECURE_TLS: skip certificate verification (warned about in the banner). */
  insecureTls: boolean;
  /** The proxy settings in the environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, or lower case). */
  proxy: ProxySettings;
  /** SCIM_THROUGHPUT_CHECK: run Entra's 25 requests per second for 10 seconds check. */
  throughputCheck: boolean;
  /** SCIM_SEARCH_POST: a read-only run also sends POST /.search (off: some servers route that POST to create). */
  searchPost: boolean;
  /** SCIM_EMAIL_DOMAIN: the domain of the test users' userName and e-mail addresses. */
  emailDomain: string;
  /** SCIM_USER_TEMPLATE: attributes (from a JSON file) merged into every user the suite creates. */
  userTemplate: UserTemplate | undefined;
}

export const AUTH_METHODS = ['bearer', 'basic', 'header', 'oauth'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** The secrets here are registered with the client's Redactor: they are never printed. */
export type AuthSettings =
  | { method: 'bearer' }
  | { method: 'basic'; user: string; password: string }
  | { method: 'header'; name: string; value: string }
  | { method: 'oauth'; tokenUrl: string; clientId: string; clientSecret: string; scope: string | undefined; clientAuth: 'basic' | 'post' };

export interface ProxySettings {
  httpProxy: string | undefined;
  httpsProxy: string | undefined;
  noProxy: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * Where the bound on requests in flight starts, and the most it recovers to after the server asked
 * for less (src/http/limiter.ts). Politeness adapts to the server: no request rate is fixed. A far
 * server's run keeps close to its longest chain of requests only with this many at once; a server
 * that cannot take them says so (429, 503, slower answers) and the bound halves.
 */
export const DEFAULT_LIMITS = { maxInFlight: 16 } as const;
/** Reserved for examples (RFC 2606): no real person's address. */
export const DEFAULT_EMAIL_DOMAIN = 'example.com';

export function loadConfig(env: Record<string, string | undefined>): Config {
  const baseUrl = parseBaseUrl(env['SCIM_BASE_URL'], isCi(env));
  return {
    baseUrl: baseUrl === BUNDLED ? undefined : baseUrl,
    bundledAskedFor: baseUrl === BUNDLED,
    token: parseToken(env['SCIM_TOKEN']),
    write: parseBoolean('SCIM_WRITE', env['SCIM_WRITE']),
    profiles: parseProfiles(env['SCIM_PROFILE']),
    strict: parseBoolean('SCIM_STRICT', env['SCIM_STRICT']),
    timeoutMs: parsePositiveInteger('SCIM_TIMEOUT_MS', env['SCIM_TIMEOUT_MS'], DEFAULT_TIMEOUT_MS),
    maxInFlight: parsePositiveInteger('SCIM_MAX_IN_FLIGHT', env['SCIM_MAX_IN_FLIGHT'], DEFAULT_LIMITS.maxInFlight),
    maxRps: blank(env['SCIM_MAX_RPS']) ? undefined : parsePositiveInteger('SCIM_MAX_RPS', env['SCIM_MAX_RPS'], 1),
    auth: parseAuth(env),
    caFile: parseCaFile(env['SCIM_CA_FILE']),
    insecureTls: parseBoolean('SCIM_INSECURE_TLS', env['SCIM_INSECURE_TLS']),
    proxy: {
      httpProxy: parseProxy('HTTP_PROXY', env['HTTP_PROXY'] ?? env['http_proxy']),
      httpsProxy: parseProxy('HTTPS_PROXY', env['HTTPS_PROXY'] ?? env['https_proxy']),
      noProxy: blank(env['NO_PROXY'] ?? env['no_proxy']) ? undefined : (env['NO_PROXY'] ?? env['no_proxy'])?.trim(),
    },
    throughputCheck: parseBoolean('SCIM_THROUGHPUT_CHECK', env['SCIM_THROUGHPUT_CHECK']),
    searchPost: parseBoolean('SCIM_SEARCH_POST', env['SCIM_SEARCH_POST']),
    emailDomain: parseEmailDomain(env['SCIM_EMAIL_DOMAIN']),
    userTemplate: parseUserTemplate(env['SCIM_USER_TEMPLATE']),
  };
}

/** The test users' domain: one a server that accepts only its own domains takes. */
function parseEmailDomain(raw: string | undefined): string {
  if (blank(raw)) return DEFAULT_EMAIL_DOMAIN;
  const domain = raw.trim().replace(/^@/, '').toLowerCase();
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(domain)) {
    throw new ConfigError(`SCIM_EMAIL_DOMAIN must be a domain such as staging.example.com, not "${raw}".`);
  }
  return domain;
}

function parseUserTemplate(raw: string | undefined): UserTemplate | undefined {
  if (blank(raw)) return undefined;
  const template = readUserTemplate(raw.trim());
  if (typeof template === 'string') throw new ConfigError(template);
  return template;
}

/**
 * The settings that judge a run (profiles, strictness), when no server is to be tested: merging
 * shards' reports (--merge-reports) needs no SCIM_BASE_URL, in CI or not.
 */
export function loadJudgingConfig(env: Record<string, string | undefined>): Config {
  return loadConfig({ ...env, SCIM_BASE_URL: env['SCIM_BASE_URL'] ?? BUNDLED });
}

const AUTH_VARIABLES: Record<Exclude<AuthMethod, 'bearer'>, string[]> = {
  basic: ['SCIM_BASIC_USER', 'SCIM_BASIC_PASSWORD'],
  header: ['SCIM_AUTH_HEADER_NAME', 'SCIM_AUTH_HEADER_VALUE'],
  oauth: ['SCIM_OAUTH_TOKEN_URL', 'SCIM_OAUTH_CLIENT_ID', 'SCIM_OAUTH_CLIENT_SECRET'],
};

type Env = Record<string, string | undefined>;
type SettingsOf<Method extends AuthMethod> = Extract<AuthSettings, { method: Method }>;

/** SCIM_AUTH, or the one method whose variables are set; bearer (SCIM_TOKEN, or nothing) otherwise. */
function parseAuth(env: Env): AuthSettings {
  const method = authMethod(env);
  if (method === 'bearer') return { method };
  const missing = AUTH_VARIABLES[method].filter((name) => blank(env[name]));
  if (missing.length > 0) {
    throw new ConfigError(`SCIM_AUTH=${method} needs ${AUTH_VARIABLES[method].join(', ')}: set ${missing.join(' and ')}.`);
  }
  if (method === 'basic') return basicAuth(env);
  if (method === 'header') return headerAuth(env);
  return oauthSettings(env);
}

function authMethod(env: Env): AuthMethod {
  const raw = env['SCIM_AUTH'];
  if (!blank(raw)) {
    const named = raw.trim().toLowerCase();
    if (!(AUTH_METHODS as readonly string[]).includes(named)) {
      throw new ConfigError(`SCIM_AUTH must be bearer, basic, header or oauth, not "${raw}".`);
    }
    return named as AuthMethod;
  }
  const candidates: AuthMethod[] = (Object.keys(AUTH_VARIABLES) as Array<keyof typeof AUTH_VARIABLES>).filter((m) => AUTH_VARIABLES[m].some((name) => !blank(env[name])));
  if (!blank(env['SCIM_TOKEN']) && candidates.length > 0) candidates.unshift('bearer');
  if (candidates.length > 1) {
    throw new ConfigError(`Credentials for more than one method are set (${candidates.join(' and ')}): set SCIM_AUTH to the one to use.`);
  }
  return candidates[0] ?? 'bearer';
}

const trimmed = (env: Env, name: string) => (env[name] ?? '').trim();

function basicAuth(env: Env): SettingsOf<'basic'> {
  const user = trimmed(env, 'SCIM_BASIC_USER');
  if (user.includes(':')) throw new ConfigError('SCIM_BASIC_USER must not contain a colon: basic auth cannot carry it.');
  return { method: 'basic', user, password: env['SCIM_BASIC_PASSWORD'] ?? '' };
}

function headerAuth(env: Env): SettingsOf<'header'> {
  const name = trimmed(env, 'SCIM_AUTH_HEADER_NAME');
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new ConfigError(`SCIM_AUTH_HEADER_NAME must be a header name such as X-API-Key, not "${name}".`);
  }
  return { method: 'header', name, value: trimmed(env, 'SCIM_AUTH_HEADER_VALUE') };
}

function oauthSettings(env: Env): SettingsOf<'oauth'> {
  const tokenUrl = trimmed(env, 'SCIM_OAUTH_TOKEN_URL');
  let url: URL | undefined;
  try {
    url = new URL(tokenUrl);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(`SCIM_OAUTH_TOKEN_URL must be the http(s) URL of the token endpoint, not "${echoableUrl(tokenUrl)}".`);
  }
  const clientAuth = blank(env['SCIM_OAUTH_CLIENT_AUTH']) ? 'basic' : trimmed(env, 'SCIM_OAUTH_CLIENT_AUTH').toLowerCase();
  if (clientAuth !== 'basic' && clientAuth !== 'post') {
    throw new ConfigError(`SCIM_OAUTH_CLIENT_AUTH must be basic or post, not "${env['SCIM_OAUTH_CLIENT_AUTH']}".`);
  }
  return {
    method: 'oauth',
    tokenUrl: url.href,
    clientId: trimmed(env, 'SCIM_OAUTH_CLIENT_ID'),
    clientSecret: env['SCIM_OAUTH_CLIENT_SECRET'] ?? '',
    scope: blank(env['SCIM_OAUTH_SCOPE']) ? undefined : trimmed(env, 'SCIM_OAUTH_SCOPE'),
    clientAuth,
  };
}

function parseCaFile(raw: string | undefined): string | undefined {
  if (blank(raw)) return undefined;
  const path = raw.trim();
  if (!existsSync(path)) throw new ConfigError(`SCIM_CA_FILE "${path}" does not exist: set it to a PEM file of the CA that signed the server's certificate.`);
  return path;
}

function parseProxy(name: string, raw: string | undefined): string | undefined {
  if (blank(raw)) return undefined;
  try {
    const url = new URL(raw.trim());
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  } catch {
    // fall through to the one sentence below
  }
  throw new ConfigError(`${name} must be the http:// or https:// URL of the proxy, e.g. http://proxy.example.com:3128.`);
}

function blank(value: string | undefined): value is undefined {
  return value === undefined || value.trim() === '';
}

/** The value of SCIM_BASE_URL that asks for the bundled reference server by name (needed in CI). */
export const BUNDLED = 'bundled';

/** CI services set CI (GitHub, GitLab, CircleCI, Travis: "true"; some "1"): any value but a false one. */
export function isCi(env: Record<string, string | undefined>): boolean {
  const value = env['CI']?.trim().toLowerCase();
  return value !== undefined && value !== '' && !['false', '0', 'no', 'off'].includes(value);
}

/**
 * A URL as it may be echoed in an error: without user name, password, query string or fragment,
 * any of which may hold a secret. Text that is not a URL is cut the same way.
 */
export function echoableUrl(raw: string): string {
  const text = raw.trim();
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') {
      url.username = '';
      url.password = '';
      url.search = '';
      url.hash = '';
      return url.href;
    }
  } catch {
    // not a URL: cut the text itself below
  }
  const withoutQuery = text.replace(/[?#].*$/s, '');
  // "user:pw@host", with or without a scheme ("ftp://user:pw@host", "localhost:user@host").
  return withoutQuery.replace(/^((?:[a-z][a-z0-9+.-]*:)?(?:\/\/)?)[^/]*@/i, '$1');
}

/**
 * Unset: the bundled reference server, except in CI, where a missing variable would let a deploy
 * gate pass without touching the server it guards. Set but empty (a CI variable never filled in) or
 * malformed: an error, never the bundled server instead.
 */
function parseBaseUrl(raw: string | undefined, ci: boolean): string | undefined {
  const example = `set it to the SCIM root your identity provider is given, e.g. SCIM_BASE_URL=https://api.example.com/scim/v2, or to ${BUNDLED} for the bundled reference server`;
  if (raw === undefined) {
    if (!ci) return undefined;
    throw new ConfigError(`SCIM_BASE_URL is not set, and this is a CI run (CI is set): ${example}.`);
  }
  if (raw.trim() === '') throw new ConfigError(`SCIM_BASE_URL is set but empty: ${example}.`);
  if (raw.trim().toLowerCase() === BUNDLED) return BUNDLED;
  const shown = echoableUrl(raw);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(`SCIM_BASE_URL "${shown}" is not a URL: ${example}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    // "localhost:8080" parses as a URL whose scheme is "localhost:": say what is missing instead.
    throw new ConfigError(`SCIM_BASE_URL "${shown}" must start with http:// or https://: ${example}.`);
  }
  if (url.username !== '' || url.password !== '') {
    // Credentials in the URL would be printed in every curl line and report.
    throw new ConfigError('SCIM_BASE_URL must not contain a user name or password: put the token in SCIM_TOKEN instead.');
  }
  if (url.search !== '' || url.hash !== '') {
    // Not echoed: a query string often carries an API key.
    throw new ConfigError(`SCIM_BASE_URL must not have a query string or fragment: ${example}.`);
  }
  return url.href.replace(/\/+$/, '');
}

function parseToken(raw: string | undefined): string | undefined {
  if (blank(raw)) return undefined;
  // People paste the whole header value; the client adds "Bearer " itself.
  return raw.trim().replace(/^bearer\s+/i, '');
}

function parseBoolean(name: string, raw: string | undefined): boolean {
  if (blank(raw)) return false;
  const value = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(`${name} must be true or false, not "${raw}".`);
}

function parseProfiles(raw: string | undefined): Client[] {
  if (blank(raw)) return [...CLIENTS];
  const names = raw
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(CLIENTS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new ConfigError(`SCIM_PROFILE must be okta, entra, rfc or a comma list of them, not "${raw}".`);
  }
  return [...new Set(names as Client[])];
}

function parsePositiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (blank(raw)) return fallback;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive whole number, not "${raw}".`);
  }
  return value;
}
