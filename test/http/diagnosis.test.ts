/**
 * Transport failures named by their real cause: a proxy that wants credentials is not a timeout,
 * and an https:// URL aimed at a plain-HTTP port is not a certificate problem.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { checkJsonAnswer } from '../../src/checks/response.js';
import { closedAfterEachTest, NO_PROXY, startForwardProxy, startScimFront, type Running } from '../network/servers.js';

const { track, client } = closedAfterEachTest({ token: 'diagnosis-token', timeoutMs: 2_000, maxInFlight: 2 });

async function plainHttpServer(status = 200): Promise<Running> {
  const server: Server = createServer((_req, res) => res.writeHead(status, { 'content-type': 'application/scim+json' }).end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('a proxy that answers 407', () => {
  test('a refused CONNECT tunnel (HTTPS_PROXY) is named as proxy authentication, with the fix, not as a timeout', async () => {
    const front = await track(startScimFront(() => true, { tls: true }));
    const proxy = await track(startForwardProxy({ requireAuth: 'corp:proxy-secret-407' }));
    const exchange = await client(`${front.origin}/scim/v2`, { proxy: { ...NO_PROXY, httpsProxy: proxy.origin } }).send({ path: '/Users' });
    expect(exchange.error?.code).toBe('PROXY_AUTH_REQUIRED');
    expect(exchange.error?.message).toMatch(/407 Proxy Authentication Required/);
    expect(exchange.error?.message).toContain('HTTPS_PROXY=http://user:password@proxy:port');
    expect(exchange.error?.message).toContain('docs/networks.md');
    expect(exchange.error?.message).not.toMatch(/SCIM_TIMEOUT_MS|within \d+ ms/);
    const { run } = checkJsonAnswer(exchange, { status: [200] });
    expect(run.findings.map((f) => [f.code, f.fix.includes('HTTPS_PROXY')])).toEqual([['HTTP_NO_ANSWER', true]]);
  });

  test('a forward proxy (HTTP_PROXY) answering 407 is the proxy speaking, not the SCIM server', async () => {
    const front = await track(startScimFront(() => true));
    const proxy = await track(startForwardProxy({ requireAuth: 'corp:proxy-secret-407' }));
    const exchange = await client(`${front.origin}/scim/v2`, { proxy: { ...NO_PROXY, httpProxy: proxy.origin } }).send({ path: '/Users' });
    expect(exchange.response).toBeUndefined();
    expect(exchange.error?.code).toBe('PROXY_AUTH_REQUIRED');
  });

  test('control: with the credentials in the proxy URL, the same proxy carries the request', async () => {
    const front = await track(startScimFront(() => true));
    const proxy = await track(startForwardProxy({ requireAuth: 'corp:proxy-secret-407' }));
    const withAuth = `http://corp:proxy-secret-407@${proxy.origin.replace('http://', '')}`;
    const exchange = await client(`${front.origin}/scim/v2`, { proxy: { ...NO_PROXY, httpProxy: withAuth } }).send({ path: '/Users' });
    expect(exchange.response?.status).toBe(200);
  });

  test('control: a SCIM server reached directly that answers 407 is recorded as its answer', async () => {
    const server = await track(plainHttpServer(407));
    const exchange = await client(`${server.origin}/scim/v2`).send({ path: '/Users' });
    expect(exchange.response?.status).toBe(407);
  });
});

describe('https:// to a port that speaks plain HTTP', () => {
  test('is named as such, not blamed on the certificate', async () => {
    const server = await track(plainHttpServer());
    const exchange = await client(`${server.origin.replace('http://', 'https://')}/scim/v2`).send({ path: '/Users' });
    expect(exchange.error?.code).toBe('PLAIN_HTTP_PORT');
    expect(exchange.error?.message).toMatch(/plain HTTP, not TLS/);
    expect(exchange.error?.message).not.toMatch(/certificate/i);
    const { run } = checkJsonAnswer(exchange, { status: [200] });
    expect(run.findings[0]?.fix).toMatch(/use http:\/\/ for this port/);
    expect(run.findings[0]?.fix).not.toMatch(/NODE_EXTRA_CA_CERTS|certificate is not trusted/);
  });

  test('control: an untrusted certificate is still a TLS failure', async () => {
    const front = await track(startScimFront(() => true, { tls: true }));
    const exchange = await client(`${front.origin}/scim/v2`).send({ path: '/Users' });
    expect(exchange.error?.code).toBe('TLS_FAILED');
  });
});
