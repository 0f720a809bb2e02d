/**
 * Configuration from the environment (and `.env`). These variable names are a public interface:
 * documented in `.env.example` and the README. A bad value stops the run with one sentence that says
 * what to set, never a stack trace.
 */
export const CLIENTS = ['okta', 'entra', 'rfc'] as const;
export type Client = (typeof CLIENTS)[number];

export interface Config {
  /** The SCIM root (no trailing slash); undefined means: test the bundled reference server. */
  baseUrl: string | undefined;
  token: string | undefined;
  write: boolean;
  profiles: Client[];
  strict: boolean;
  timeoutMs: number;
  maxInFlight: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_IN_FLIGHT = 4;

export function loadConfig(env: Record<string, string | undefined>): Config {
  return {
    baseUrl: parseBaseUrl(env['SCIM_BASE_URL']),
    token: parseToken(env['SCIM_TOKEN']),
    write: parseBoolean('SCIM_WRITE', env['SCIM_WRITE']),
    profiles: parseProfiles(env['SCIM_PROFILE']),
    strict: parseBoolean('SCIM_STRICT', env['SCIM_STRICT']),
    timeoutMs: parsePositiveInteger('SCIM_TIMEOUT_MS', env['SCIM_TIMEOUT_MS'], DEFAULT_TIMEOUT_MS),
    maxInFlight: parsePositiveInteger('SCIM_MAX_IN_FLIGHT', env['SCIM_MAX_IN_FLIGHT'], DEFAULT_MAX_IN_FLIGHT),
  };
}

function blank(value: string | undefined): value is undefined {
  return value === undefined || value.trim() === '';
}

function parseBaseUrl(raw: string | undefined): string | undefined {
  if (blank(raw)) return undefined;
  const example = 'set it to the SCIM root your identity provider is given, e.g. SCIM_BASE_URL=https://api.example.com/scim/v2';
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(`SCIM_BASE_URL "${raw}" is not a URL: ${example}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`SCIM_BASE_URL must be an http:// or https:// URL, not "${url.protocol}": ${example}.`);
  }
  if (url.username !== '' || url.password !== '') {
    // Credentials in the URL would be printed in every curl line and report.
    throw new ConfigError('SCIM_BASE_URL must not contain a user name or password: put the token in SCIM_TOKEN instead.');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(`SCIM_BASE_URL must not have a query string or fragment (${url.search}${url.hash}): ${example}.`);
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
  const names = raw.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
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
