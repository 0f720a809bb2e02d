import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  test('nothing set means the bundled server, read-only, every profile', () => {
    expect(loadConfig({})).toEqual({
      baseUrl: undefined,
      token: undefined,
      write: false,
      profiles: ['okta', 'entra', 'rfc'],
      strict: false,
      timeoutMs: 10_000,
      maxInFlight: 4,
    });
  });

  test('a trailing slash is dropped from the Base URL and "Bearer " from the token', () => {
    const config = loadConfig({ SCIM_BASE_URL: 'https://api.example.com/scim/v2/', SCIM_TOKEN: 'Bearer abc123' });
    expect(config.baseUrl).toBe('https://api.example.com/scim/v2');
    expect(config.token).toBe('abc123');
  });

  test('a comma list of profiles is read in any case', () => {
    expect(loadConfig({ SCIM_PROFILE: 'Okta, entra' }).profiles).toEqual(['okta', 'entra']);
  });

  test.for([
    [{ SCIM_BASE_URL: 'api.example.com/scim' }, 'SCIM_BASE_URL "api.example.com/scim" is not a URL'],
    [{ SCIM_BASE_URL: 'ftp://example.com/scim' }, 'must be an http:// or https:// URL'],
    [{ SCIM_BASE_URL: 'https://user:pw@example.com/scim' }, 'must not contain a user name or password'],
    [{ SCIM_BASE_URL: 'https://example.com/scim?x=1' }, 'must not have a query string'],
    [{ SCIM_TIMEOUT_MS: 'ten' }, 'SCIM_TIMEOUT_MS must be a positive whole number, not "ten"'],
    [{ SCIM_TIMEOUT_MS: '-5' }, 'SCIM_TIMEOUT_MS must be a positive whole number'],
    [{ SCIM_WRITE: 'maybe' }, 'SCIM_WRITE must be true or false, not "maybe"'],
    [{ SCIM_PROFILE: 'okta,google' }, 'SCIM_PROFILE must be okta, entra, rfc or a comma list'],
  ] as const)('%o stops with "%s"', ([env, message]) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
