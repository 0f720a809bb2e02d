import { describe, expect, test } from 'vitest';
import { toCurl } from '../../src/diagnose/curl.js';
import { ReadOnlyViolation, type ClientOptions } from '../../src/http/client.js';
import { useRawServer } from '../support/raw-server.js';

const TOKEN = 'client-test-canary-token-5f3a';
const raw = useRawServer(TOKEN);
const client = (options: Partial<ClientOptions> = {}) => raw.client(options);

describe('ScimClient', () => {
  test('sends the bearer token but records it as $SCIM_TOKEN; the checks get the answer as it came', async () => {
    let received: string | undefined;
    raw.handle((req, res) => {
      received = req.headers.authorization;
      res.end(`{"echo":"${req.headers.authorization ?? ''}"}`);
    });
    const sender = client();
    const exchange = await sender.send({ path: '/Users' });
    expect(received).toBe(`Bearer ${TOKEN}`);
    expect(JSON.stringify(sender.log)).not.toContain(TOKEN);
    expect(sender.log[0]?.response?.body).toBe('{"echo":"Bearer $SCIM_TOKEN"}');
    expect(exchange.request.headers['authorization']).toBe('Bearer $SCIM_TOKEN');
    // Judged unredacted: a replaced secret must not change what a check concludes.
    expect(exchange.response?.body).toBe(`{"echo":"Bearer ${TOKEN}"}`);
  });

  test('encodes query values the way Okta does, with %20 for spaces', async () => {
    raw.handle((_req, res) => res.end('{}'));
    const exchange = await client().send({ path: '/Users', query: { filter: 'userName eq "a b"', count: 2 } });
    expect(exchange.request.url).toBe(`${raw.origin()}/scim/v2/Users?filter=userName%20eq%20%22a%20b%22&count=2`);
  });

  test('does not follow a redirect', async () => {
    raw.handle((_req, res) => {
      res.writeHead(302, { location: '/login' }).end();
    });
    const exchange = await client().send({ path: '/Users' });
    expect(exchange.response?.status).toBe(302);
    expect(exchange.response?.headers['location']).toBe('/login');
  });

  test('ends a server that never answers with TIMEOUT within the timeout', async () => {
    raw.handle(() => {});
    const started = Date.now();
    const exchange = await client({ timeoutMs: 300 }).send({ path: '/Users' });
    expect(exchange.error?.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('ends a server that drips its body one byte at a time', async () => {
    raw.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/scim+json' });
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    const exchange = await client({ timeoutMs: 400 }).send({ path: '/Users' });
    expect(exchange.error?.code).toBe('TIMEOUT');
  });

  test('reads no more than the body cap', async () => {
    raw.handle((_req, res) => res.end('x'.repeat(10_000)));
    const exchange = await client({ maxBodyBytes: 1_000 }).send({ path: '/Users' });
    expect(exchange.response?.bytes).toBe(1_000);
    expect(exchange.response?.truncated).toBe(true);
  });

  test('a refused connection is CONNECTION_REFUSED', async () => {
    const exchange = await client({ baseUrl: 'http://127.0.0.1:1/scim' }).send({ path: '/Users' });
    expect(exchange.error?.code).toBe('CONNECTION_REFUSED');
  });

  test.for([
    ['POST', '/Users'],
    ['PUT', '/Users/1'],
    ['PATCH', '/Users/1'],
    ['DELETE', '/Users/1'],
    ['POST', '/Users/.search'],
  ] as const)('a read-only client refuses %s %s before anything is sent', async ([method, path]) => {
    let received = 0;
    raw.handle((_req, res) => {
      received++;
      res.end('{}');
    });
    await expect(client({ write: false }).send({ method, path })).rejects.toThrow(ReadOnlyViolation);
    expect(received).toBe(0);
  });

  test('a read-only client still sends GET, and POST /.search only when SCIM_SEARCH_POST asks for it', async () => {
    const received: string[] = [];
    raw.handle((req, res) => {
      received.push(`${req.method} ${req.url}`);
      res.end('{}');
    });
    expect((await client({ write: false }).send({ path: '/Users' })).response?.status).toBe(200);
    await expect(client({ write: false }).send({ method: 'POST', path: '/Users/.search', json: {} })).rejects.toThrow(/SCIM_SEARCH_POST=true/);
    expect((await client({ write: false, searchPost: true }).send({ method: 'POST', path: '/Users/.search', json: {} })).response?.status).toBe(200);
    expect(received).toEqual(['GET /scim/v2/Users', 'POST /scim/v2/Users/.search']);
  });

  test('a recorded request turns into a curl command with the token as a variable', async () => {
    raw.handle((_req, res) => res.end('{}'));
    const exchange = await client().send({ method: 'POST', path: '/Users', json: { userName: "o'neil" } });
    expect(toCurl(exchange).replace(raw.origin(), 'ORIGIN')).toMatchInlineSnapshot(
      `"curl -i -X POST 'ORIGIN/scim/v2/Users' -H 'accept: application/scim+json' -H 'user-agent: scim-conformance/0.1' -H 'authorization: Bearer '"$SCIM_TOKEN" -H 'content-type: application/scim+json; charset=utf-8' --data-raw '{"userName":"o'\\''neil"}'"`,
    );
  });
});
