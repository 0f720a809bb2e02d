/**
 * The OAuth token request takes the HTTP client's own path: its body cap holds for the token
 * endpoint's answer as for every answer, and the tokens it issues are redacted from the record.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import type { AuthSettings } from '../../src/config.js';
import { PLACEHOLDERS } from '../../src/http/auth.js';
import { ScimClient } from '../../src/http/client.js';
import { obtainAccessToken } from '../../src/suite/preflight.js';

const CAP = 16 * 1024;
const servers: Server[] = [];
const clients: ScimClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A token endpoint that answers every request with `body`. */
async function tokenEndpoint(body: string): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
}

function oauthClient(tokenUrl: string): ScimClient {
  const auth: AuthSettings = { method: 'oauth', tokenUrl, clientId: 'scim-client', clientSecret: 'oauth-cap-canary', scope: undefined, clientAuth: 'basic' };
  // The SCIM server is never asked: the token comes first.
  const client = new ScimClient({ baseUrl: 'http://127.0.0.1:1/scim/v2', token: undefined, timeoutMs: 5000, maxInFlight: 2, maxBodyBytes: CAP, auth });
  clients.push(client);
  return client;
}

describe('the OAuth token request goes through the HTTP client', () => {
  test("a token endpoint's answer longer than the client's body cap is cut at the cap, and is AUTH_OAUTH_TOKEN", async () => {
    const client = oauthClient(await tokenEndpoint(JSON.stringify({ access_token: 'x'.repeat(3 * 1024 * 1024), token_type: 'Bearer' })));
    const result = await obtainAccessToken(client);
    const failed = 'failed' in result ? result.failed : undefined;
    expect(failed?.findings.map((f) => f.code)).toEqual(['AUTH_OAUTH_TOKEN']);
    expect(failed?.exchange.response).toMatchObject({ status: 200, truncated: true, bytes: CAP });
    expect(client.log).toHaveLength(1);
  });

  test('an answer within the cap issues the token, which the record shows only as its placeholder', async () => {
    const client = oauthClient(await tokenEndpoint(JSON.stringify({ access_token: 'at-cap-canary-91', refresh_token: 'rt-cap-canary-92', token_type: 'Bearer' })));
    expect(await client.accessToken()).toBe('at-cap-canary-91');
    const recorded = JSON.stringify(client.log);
    expect(client.log[0]?.response).toMatchObject({ status: 200, truncated: false });
    expect(recorded).toContain(PLACEHOLDERS.accessToken);
    expect(recorded).not.toMatch(/at-cap-canary-91|rt-cap-canary-92|oauth-cap-canary/);
  });
});
