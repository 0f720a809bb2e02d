import { describe, expect, test } from 'vitest';
import { ConfigError, isCi, loadConfig, loadJudgingConfig } from '../src/config.js';

describe('loadConfig', () => {
  test('nothing set means the bundled server, read-only, every profile', () => {
    expect(loadConfig({})).toEqual({
      baseUrl: undefined,
      bundledAskedFor: false,
      token: undefined,
      write: false,
      profiles: ['okta', 'entra', 'rfc'],
      strict: false,
      timeoutMs: 10_000,
      maxInFlight: 16,
      maxRps: undefined,
      auth: { method: 'bearer' },
      caFile: undefined,
      insecureTls: false,
      proxy: { httpProxy: undefined, httpsProxy: undefined, noProxy: undefined },
      throughputCheck: false,
      searchPost: false,
      emailDomain: 'example.com',
      userTemplate: undefined,
    });
  });

  test('the authentication method is inferred from the one set of credentials given', () => {
    expect(loadConfig({ SCIM_BASIC_USER: 'scim', SCIM_BASIC_PASSWORD: 'pw' }).auth).toEqual({ method: 'basic', user: 'scim', password: 'pw' });
    expect(loadConfig({ SCIM_AUTH_HEADER_NAME: 'X-API-Key', SCIM_AUTH_HEADER_VALUE: 'k' }).auth).toEqual({ method: 'header', name: 'X-API-Key', value: 'k' });
    expect(loadConfig({ SCIM_OAUTH_TOKEN_URL: 'https://idp.example.com/token', SCIM_OAUTH_CLIENT_ID: 'id', SCIM_OAUTH_CLIENT_SECRET: 's', SCIM_OAUTH_SCOPE: 'scim' }).auth).toEqual(
      { method: 'oauth', tokenUrl: 'https://idp.example.com/token', clientId: 'id', clientSecret: 's', scope: 'scim', clientAuth: 'basic' },
    );
    expect(loadConfig({ SCIM_TOKEN: 't' }).auth).toEqual({ method: 'bearer' });
  });

  test('SCIM_AUTH picks one method when credentials for several are set', () => {
    const config = loadConfig({ SCIM_AUTH: 'basic', SCIM_TOKEN: 't', SCIM_BASIC_USER: 'u', SCIM_BASIC_PASSWORD: 'p' });
    expect(config.auth.method).toBe('basic');
  });

  test('the proxy is read from HTTPS_PROXY, HTTP_PROXY and NO_PROXY, in either case', () => {
    expect(loadConfig({ https_proxy: 'http://proxy.example.com:3128', NO_PROXY: 'localhost,.internal' }).proxy).toEqual({
      httpProxy: undefined,
      httpsProxy: 'http://proxy.example.com:3128/',
      noProxy: 'localhost,.internal',
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
    [{ SCIM_BASE_URL: 'ftp://example.com/scim' }, 'SCIM_BASE_URL "ftp://example.com/scim" must start with http:// or https://'],
    [{ SCIM_BASE_URL: 'localhost:8080/scim' }, 'SCIM_BASE_URL "localhost:8080/scim" must start with http:// or https://'],
    [{ SCIM_BASE_URL: 'https://user:pw@example.com/scim' }, 'must not contain a user name or password'],
    [{ SCIM_BASE_URL: 'https://example.com/scim?x=1' }, 'must not have a query string'],
    [{ SCIM_TIMEOUT_MS: 'ten' }, 'SCIM_TIMEOUT_MS must be a positive whole number, not "ten"'],
    [{ SCIM_TIMEOUT_MS: '-5' }, 'SCIM_TIMEOUT_MS must be a positive whole number'],
    [{ SCIM_WRITE: 'maybe' }, 'SCIM_WRITE must be true or false, not "maybe"'],
    [{ SCIM_PROFILE: 'okta,google' }, 'SCIM_PROFILE must be okta, entra, rfc or a comma list'],
    [{ SCIM_AUTH: 'kerberos' }, 'SCIM_AUTH must be bearer, basic, header or oauth, not "kerberos"'],
    [{ SCIM_TOKEN: 't', SCIM_BASIC_USER: 'u' }, 'Credentials for more than one method are set (bearer and basic): set SCIM_AUTH'],
    [{ SCIM_AUTH: 'basic', SCIM_BASIC_USER: 'u' }, 'SCIM_AUTH=basic needs SCIM_BASIC_USER, SCIM_BASIC_PASSWORD: set SCIM_BASIC_PASSWORD.'],
    [{ SCIM_AUTH_HEADER_NAME: 'X API Key', SCIM_AUTH_HEADER_VALUE: 'k' }, 'SCIM_AUTH_HEADER_NAME must be a header name'],
    [{ SCIM_AUTH: 'oauth', SCIM_OAUTH_TOKEN_URL: 'idp/token', SCIM_OAUTH_CLIENT_ID: 'i', SCIM_OAUTH_CLIENT_SECRET: 's' }, 'SCIM_OAUTH_TOKEN_URL must be the http(s) URL'],
    [{ SCIM_CA_FILE: '/nonexistent/ca.pem' }, 'SCIM_CA_FILE "/nonexistent/ca.pem" does not exist'],
    [{ SCIM_INSECURE_TLS: 'please' }, 'SCIM_INSECURE_TLS must be true or false'],
    [{ SCIM_MAX_RPS: '0' }, 'SCIM_MAX_RPS must be a positive whole number'],
    [{ HTTPS_PROXY: 'proxy:3128' }, 'HTTPS_PROXY must be the http:// or https:// URL of the proxy'],
  ] as const)('%o stops with "%s"', ([env, message]) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('SCIM_BASE_URL=bundled asks for the bundled server by name, in any case', () => {
    expect(loadConfig({ SCIM_BASE_URL: ' Bundled ' })).toMatchObject({ baseUrl: undefined, bundledAskedFor: true });
    expect(loadConfig({ SCIM_BASE_URL: 'bundled', CI: 'true' })).toMatchObject({ baseUrl: undefined, bundledAskedFor: true });
  });

  test('in CI, an unset SCIM_BASE_URL stops the run instead of testing the bundled server', () => {
    for (const CI of ['true', '1', 'yes', 'woodpecker']) {
      expect(() => loadConfig({ CI })).toThrow('SCIM_BASE_URL is not set, and this is a CI run (CI is set): set it to the SCIM root');
      expect(() => loadConfig({ CI })).toThrow(`or to bundled for the bundled reference server.`);
    }
    expect(loadConfig({ CI: 'true', SCIM_BASE_URL: 'https://api.example.com/scim/v2' }).baseUrl).toBe('https://api.example.com/scim/v2');
  });

  test('outside CI (CI unset, empty or false), an unset SCIM_BASE_URL is the bundled server', () => {
    for (const CI of [undefined, '', 'false', '0', 'off']) {
      expect(isCi({ CI })).toBe(false);
      expect(loadConfig({ CI })).toMatchObject({ baseUrl: undefined, bundledAskedFor: false });
    }
  });

  test.for(['', '   '])('a set but empty SCIM_BASE_URL (%j) stops the run, in CI or not', (value) => {
    for (const env of [{ SCIM_BASE_URL: value }, { SCIM_BASE_URL: value, CI: 'true' }]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow('SCIM_BASE_URL is set but empty: set it to the SCIM root');
    }
  });

  test.for([
    { SCIM_BASE_URL: 'not a url?api_key=SECRET#SECRET' },
    { SCIM_BASE_URL: 'user:SECRET@api.example.com/scim' },
    { SCIM_BASE_URL: 'ftp://user:SECRET@example.com/scim?api_key=SECRET#SECRET' },
    { SCIM_BASE_URL: 'https://user:SECRET@example.com/scim' },
    { SCIM_BASE_URL: 'https://example.com/scim?api_key=SECRET' },
    { SCIM_BASE_URL: 'https://example.com/scim#SECRET' },
    { SCIM_AUTH: 'oauth', SCIM_OAUTH_TOKEN_URL: 'idp.example.com/token?client_secret=SECRET', SCIM_OAUTH_CLIENT_ID: 'i', SCIM_OAUTH_CLIENT_SECRET: 's' },
    { SCIM_AUTH: 'oauth', SCIM_OAUTH_TOKEN_URL: 'ftp://id:SECRET@idp.example.com/token#SECRET', SCIM_OAUTH_CLIENT_ID: 'i', SCIM_OAUTH_CLIENT_SECRET: 's' },
  ])('%o stops the run without echoing the userinfo, query or fragment', (env) => {
    let message = '';
    try {
      loadConfig(env);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toBe('');
    expect(message).not.toContain('SECRET');
  });

  test('the URL echoed in an error keeps the rest, so the mistake can still be seen', () => {
    expect(() => loadConfig({ SCIM_BASE_URL: 'ftp://user:SECRET@example.com/scim?k=SECRET' })).toThrow('SCIM_BASE_URL "ftp://example.com/scim" must start with http://');
    expect(() => loadConfig({ SCIM_BASE_URL: 'example.com/scim?k=SECRET' })).toThrow('SCIM_BASE_URL "example.com/scim" is not a URL');
  });

  test("merging shards' reports (the judging settings) needs no SCIM_BASE_URL, in CI or not", () => {
    expect(loadJudgingConfig({ CI: 'true', SCIM_PROFILE: 'okta' }).profiles).toEqual(['okta']);
    // Control: set but empty is still an error there.
    expect(() => loadJudgingConfig({ CI: 'true', SCIM_BASE_URL: '' })).toThrow('SCIM_BASE_URL is set but empty');
  });
});
