/**
 * better-auth with its SCIM plugin (@better-auth/scim), set up as its documentation shows a new
 * user: `betterAuth({ database, plugins: [scim({ connections })] })` on SQLite (better-sqlite3, a
 * fresh temporary file each start), the schema migrated with better-auth's own migrator (what
 * `npx auth migrate` runs), one code-defined connection with a static bearer credential, and the
 * auth handler served by Node's http server at better-auth's default base path, so the SCIM base URL
 * is http://127.0.0.1:PORT/api/auth/scim/v2. Seeded with a few users and a group the way a
 * directory would: through the SCIM endpoint itself, with that connection's token.
 *
 * Run on its own: `npx tsx test/real-servers/better-auth.ts` prints the base URL and token to use.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scim } from '@better-auth/scim';
import Database from 'better-sqlite3';
import { betterAuth, type BetterAuthPlugin } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import type { RealServer } from './scimmy.js';

const SCIM_PATH = '/api/auth/scim/v2';

function configure(file: string, token: string) {
  return betterAuth({
    baseURL: 'http://127.0.0.1',
    secret: randomBytes(32).toString('hex'),
    database: new Database(file),
    // The cast: the plugin's schema type has optional tables, which our exactOptionalPropertyTypes refuses.
    plugins: [scim({ connections: [{ id: 'directory', credentials: [{ type: 'bearer', id: 'directory-token', token }] }] }) as unknown as BetterAuthPlugin],
    telemetry: { enabled: false },
  });
}

async function post(baseUrl: string, token: string, path: string, body: object): Promise<{ id: string }> {
  // eslint-disable-next-line no-restricted-globals -- seeding the server under test, not part of the suite's traffic
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`seeding ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as { id: string };
}

async function seed(baseUrl: string, token: string): Promise<void> {
  const people = [
    ['ada.lovelace@example.com', 'Ada', 'Lovelace'],
    ['alan.turing@example.com', 'Alan', 'Turing'],
    ['grace.hopper@example.com', 'Grace', 'Hopper'],
  ] as const;
  const ids: string[] = [];
  for (const [userName, givenName, familyName] of people) {
    const user = await post(baseUrl, token, '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName,
      externalId: `ext-${givenName.toLowerCase()}`,
      name: { givenName, familyName },
      displayName: `${givenName} ${familyName}`,
      emails: [{ value: userName, type: 'work', primary: true }],
      active: true,
    });
    ids.push(user.id);
  }
  await post(baseUrl, token, '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'Engineering',
    members: ids.slice(0, 2).map((value) => ({ value })),
  });
}

export async function startBetterAuth(): Promise<RealServer> {
  const dir = await mkdtemp(join(tmpdir(), 'scimc-better-auth-'));
  const token = randomBytes(24).toString('hex');
  const auth = configure(join(dir, 'auth.sqlite'), token);
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  const server: Server = createServer(toNodeHandler(auth));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}${SCIM_PATH}`;
  await seed(baseUrl, token);
  return {
    name: 'better-auth',
    version: 'better-auth 1.7.5, @better-auth/scim 1.7.5, better-sqlite3 12.9.0',
    baseUrl,
    token,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

if (process.argv[1]?.endsWith('better-auth.ts') === true) {
  const server = await startBetterAuth();
  process.stdout.write(`SCIM_BASE_URL=${server.baseUrl} SCIM_TOKEN=${server.token}\n`);
}
