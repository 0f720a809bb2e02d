/**
 * The client against local servers that require what real networks require: a proxy, a private CA,
 * and each of the four authentication methods. Secrets never reach a record.
 */
import { describe, expect, test } from 'vitest';
import type { AuthSettings } from '../../src/config.js';
import { toCurl } from '../../src/diagnose/curl.js';
import { obtainAccessToken } from '../../src/suite/preflight.js';
import { bearerOf, CA_FILE, closedAfterEachTest, NO_PROXY, startForwardProxy, startScimFront, startTokenEndpoint } from './servers.js';

const { track, client } = closedAfterEachTest({ token: undefined, timeoutMs: 2_000, maxInFlight: 4 });

describe('proxies', () => {
  test('HTTP_PROXY carries requests to an http:// server', async () => {
    const front = await track(startScimFront(() => true));
    const proxy = await track(startForwardProxy());
    const exchange = await client(`${front.origin}/scim/v2`, { proxy: { ...NO_PROXY, httpProxy: proxy.origin } }).send({ path: '/Users' });
    expect(exchange.response?.status).toBe(200);
    expect(proxy.seen).toHaveLength(1);
    expect(proxy.seen[0]).toMatch(new RegExp(`${front.origin.replace('http://', '')}`));
  });

  test('HTTPS_PROXY tunnels to an https:// server, whose certificate is still verified', async () => {
    const front = await track(startScimFront(() => true, { tls: true }));
    const proxy = await track(startForwardProxy());
    const proxied = { ...NO_PROXY, httpsProxy: proxy.origin };
    const trusted = await client(`${front.origin}/scim/v2`, { proxy: proxied, caFile: CA_FILE }).send({ path: '/Users' });
    const untrusted = await client(`${front.origin}/scim/v2`, { proxy: proxied }).send({ path: '/Users' });
    expect(trusted.response?.status).toBe(200);
    expect(untrusted.error?.code).toBe('TLS_FAILED');
    expect(untrusted.error?.message).toContain(`through the proxy ${proxy.origin}`);
    expect(proxy.seen.filter((line) => line.startsWith('CONNECT 127.0.0.1:'))).toHaveLength(2);
  });

  test('NO_PROXY sends matching hosts directly', async () => {
    const front = await track(startScimFront(() => true));
    const proxy = await track(startForwardProxy());
    const exchange = await client(`${front.origin}/scim/v2`, { proxy: { httpProxy: proxy.origin, httpsProxy: undefined, noProxy: 'localhost,127.0.0.1' } }).send({
      path: '/Users',
    });
    expect(exchange.response?.status).toBe(200);
    expect(proxy.seen).toEqual([]);
  });

  test('a proxy that wants credentials gets them from the proxy URL, which is never recorded with its password', async () => {
    const front = await track(startScimFront(() => true));
    const proxy = await track(startForwardProxy({ requireAuth: 'corp:proxy-secret-81' }));
    const withAuth = `http://corp:proxy-secret-81@${proxy.origin.replace('http://', '')}`;
    const ok = await client(`${front.origin}/scim/v2`, { proxy: { ...NO_PROXY, httpProxy: withAuth } }).send({ path: '/Users' });
    expect(ok.response?.status).toBe(200);
    const refused = await client('http://127.0.0.1:1/scim/v2', { proxy: { ...NO_PROXY, httpProxy: withAuth } }).send({ path: '/Users' });
    // Named by host and port only: the userinfo (user and password) is never echoed.
    expect(refused.error?.message).toMatch(/through the proxy http:\/\/127\.0\.0\.1:\d+\)$/);
    expect(JSON.stringify([ok, refused])).not.toContain('corp:');
    expect(JSON.stringify([ok, refused])).not.toContain('proxy-secret-81');
  });

  test('a proxy that drops every tunnel ends with TIMEOUT within the timeout, and the client closes', async () => {
    const proxy = await track(startForwardProxy({ dropTunnels: true }));
    const c = client('http://127.0.0.1:9/scim/v2', { timeoutMs: 800, proxy: { ...NO_PROXY, httpProxy: proxy.origin } });
    const exchange = await c.send({ path: '/Users' });
    // The configured timeout ended it (the tunnel would otherwise wait for ever), and says so.
    expect(exchange.error).toEqual({ code: 'TIMEOUT', message: 'no complete answer within 800 ms (SCIM_TIMEOUT_MS)' });
    // undici asks for the tunnel again and again until the timeout: never for anything else.
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(new Set(proxy.seen)).toEqual(new Set(['CONNECT 127.0.0.1:9']));
    const again = await c.send({ path: '/Users' });
    expect(again.error?.code).toBe('TIMEOUT');
  });
});

describe('TLS trust', () => {
  test('a certificate from a private CA fails verification without SCIM_CA_FILE', async () => {
    const front = await track(startScimFront(() => true, { tls: true }));
    const exchange = await client(`${front.origin}/scim/v2`).send({ path: '/Users' });
    expect(exchange.error?.code).toBe('TLS_FAILED');
  });

  test('SCIM_CA_FILE trusts the private CA, in addition to the system CAs', async () => {
    const front = await track(startScimFront(() => true, { tls: true }));
    const exchange = await client(`${front.origin}/scim/v2`, { caFile: CA_FILE }).send({ path: '/Users' });
    expect(exchange.response?.status).toBe(200);
  });

  test('SCIM_INSECURE_TLS skips verification', async () => {
    const front = await track(startScimFront(() => true, { tls: true }));
    const exchange = await client(`${front.origin}/scim/v2`, { insecureTls: true }).send({ path: '/Users' });
    expect(exchange.response?.status).toBe(200);
  });
});

describe('authentication', () => {
  test('bearer: "Authorization: Bearer <SCIM_TOKEN>", recorded as $SCIM_TOKEN', async () => {
    const token = 'bearer-canary-3e1';
    const front = await track(startScimFront((req) => bearerOf(req) === token));
    const exchange = await client(`${front.origin}/scim/v2`, { token }).send({ path: '/Users' });
    expect(exchange.response?.status).toBe(200);
    expect(exchange.request.headers['authorization']).toBe('Bearer $SCIM_TOKEN');
    expect(JSON.stringify(exchange)).not.toContain(token);
  });

  test('basic: "Authorization: Basic base64(user:password)", with neither the password nor the encoding recorded', async () => {
    const auth: AuthSettings = { method: 'basic', user: 'scim-svc', password: 'basic-canary-9d2' };
    const expected = `Basic ${Buffer.from('scim-svc:basic-canary-9d2').toString('base64')}`;
    const front = await track(startScimFront((req) => req.headers.authorization === expected));
    const exchange = await client(`${front.origin}/scim/v2`, { auth }).send({ path: '/Users' });
    expect(exchange.response?.status).toBe(200);
    expect(exchange.request.headers['authorization']).toBe('Basic $SCIM_BASIC_CREDENTIALS');
    expect(JSON.stringify(exchange)).not.toContain('basic-canary-9d2');
    expect(JSON.stringify(exchange)).not.toContain(expected.slice(6));
  });

  test('header: a custom header name and value, with the value recorded as $SCIM_AUTH_HEADER_VALUE', async () => {
    const auth: AuthSettings = { method: 'header', name: 'X-API-Key', value: 'header-canary-77a' };
    const front = await track(startScimFront((req) => req.headers['x-api-key'] === 'header-canary-77a' && req.headers.authorization === undefined));
    const exchange = await client(`${front.origin}/scim/v2`, { auth }).send({ path: '/Users' });
    expect(exchange.response?.status).toBe(200);
    expect(toCurl(exchange)).toContain(`-H 'x-api-key: '"$SCIM_AUTH_HEADER_VALUE"`);
    expect(JSON.stringify(exchange)).not.toContain('header-canary-77a');
  });

  test('oauth: the token is fetched once for many requests, with the secret and token never recorded', async () => {
    const endpoint = await track(startTokenEndpoint({ id: 'scim-client', secret: 'oauth-canary-c4f', scope: 'scim.read' }));
    const front = await track(startScimFront((req) => endpoint.isValid(bearerOf(req))));
    const auth: AuthSettings = { method: 'oauth', tokenUrl: endpoint.tokenUrl, clientId: 'scim-client', clientSecret: 'oauth-canary-c4f', scope: 'scim.read', clientAuth: 'basic' };
    const c = client(`${front.origin}/scim/v2`, { auth });
    const exchanges = await Promise.all([1, 2, 3, 4, 5].map(() => c.send({ path: '/Users' })));
    expect(exchanges.map((e) => e.response?.status)).toEqual([200, 200, 200, 200, 200]);
    expect(endpoint.issued).toHaveLength(1);
    expect(endpoint.requests[0]?.body.get('scope')).toBe('scim.read');
    const recorded = JSON.stringify(c.log);
    expect(recorded).not.toContain('oauth-canary-c4f');
    expect(recorded).not.toContain(endpoint.issued[0]);
  });

  test('oauth: client_secret_post sends the client id and secret in the form body', async () => {
    const endpoint = await track(startTokenEndpoint({ id: 'scim-client', secret: 'oauth-canary-post' }));
    const front = await track(startScimFront((req) => endpoint.isValid(bearerOf(req))));
    const auth: AuthSettings = { method: 'oauth', tokenUrl: endpoint.tokenUrl, clientId: 'scim-client', clientSecret: 'oauth-canary-post', scope: undefined, clientAuth: 'post' };
    const c = client(`${front.origin}/scim/v2`, { auth });
    expect((await c.send({ path: '/Users' })).response?.status).toBe(200);
    expect(endpoint.requests[0]?.authorization).toBeUndefined();
    expect(JSON.stringify(c.log)).not.toContain('oauth-canary-post');
  });

  test('oauth: a 401 fetches a new token once and sends the request again; concurrent 401s share one fetch', async () => {
    const endpoint = await track(startTokenEndpoint({ id: 'id', secret: 'oauth-canary-rot' }));
    const front = await track(startScimFront((req) => endpoint.isValid(bearerOf(req))));
    const auth: AuthSettings = { method: 'oauth', tokenUrl: endpoint.tokenUrl, clientId: 'id', clientSecret: 'oauth-canary-rot', scope: undefined, clientAuth: 'basic' };
    const c = client(`${front.origin}/scim/v2`, { auth });
    await c.send({ path: '/Users' });
    endpoint.revokeAll();
    const after = await Promise.all([1, 2, 3].map(() => c.send({ path: '/Users' })));
    expect(after.map((e) => e.response?.status)).toEqual([200, 200, 200]);
    expect(after[0]?.retried).toEqual([{ status: 401, waitedMs: 0 }]);
    expect(endpoint.issued).toHaveLength(2);
    expect(JSON.stringify(c.log)).not.toMatch(/at-\d-/);
  });

  test('oauth: a token endpoint that rejects the client stops the run with one diagnosis, without the secret', async () => {
    const endpoint = await track(startTokenEndpoint({ id: 'id', secret: 'the-right-secret' }));
    const auth: AuthSettings = { method: 'oauth', tokenUrl: endpoint.tokenUrl, clientId: 'id', clientSecret: 'oauth-canary-wrong', scope: undefined, clientAuth: 'basic' };
    const result = await obtainAccessToken(client('http://127.0.0.1:1/scim/v2', { auth }));
    expect('failed' in result && result.failed.status).toBe('unauthorized');
    const failed = 'failed' in result ? result.failed : undefined;
    expect(failed?.summary).toMatch(/did not issue a token \(invalid_client: Client authentication failed\.\)/);
    expect(failed?.findings.map((f) => f.code)).toEqual(['AUTH_OAUTH_TOKEN']);
    expect(JSON.stringify(failed)).not.toContain('oauth-canary-wrong');
  });
});
