/**
 * SCIMMY (the SCIM toolkit) behind scimmy-routers (its express middleware), set up the way both
 * READMEs show a new user: declare the User and Group resource types with ingress, egress and
 * degress handlers over the application's own store (here an in-memory one, fresh each start),
 * switch on the features the store offers in SCIMMY.Config, and mount the routers at /scim with a
 * bearer token handler. Seeded with a few users and a group, as an application would already have.
 *
 * Run on its own: `npx tsx test/real-servers/scimmy.ts` prints the base URL and token to use.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

export interface RealServer {
  name: string;
  version: string;
  baseUrl: string;
  token: string;
  close(): Promise<void>;
}

type Stored = Record<string, unknown> & { id: string; meta: { created: string; lastModified: string } };

/** The application's own store: resources by id, kept in the order they were created. */
class MemoryStore {
  readonly items = new Map<string, Stored>();

  constructor(
    private readonly uniqueKey: string,
    private readonly label: string,
  ) {}

  list(filter: SCIMMY.Types.Filter | undefined): Stored[] {
    const all = [...this.items.values()];
    return filter === undefined ? all : filter.match(all);
  }

  get(id: string): Stored {
    const found = this.items.get(id);
    if (found === undefined) throw new SCIMMY.Types.Error(404, '', `${this.label} ${id} not found`);
    return found;
  }

  save(id: string | undefined, data: Record<string, unknown>): Stored {
    const key = data[this.uniqueKey];
    const clash = [...this.items.values()].find((item) => item.id !== id && String(item[this.uniqueKey]).toLowerCase() === String(key).toLowerCase());
    if (clash !== undefined) throw new SCIMMY.Types.Error(409, 'uniqueness', `${this.uniqueKey} ${String(key)} is already taken`);
    const now = new Date().toISOString();
    const created = id === undefined ? now : this.get(id).meta.created;
    const stored: Stored = { ...data, id: id ?? randomUUID(), meta: { created, lastModified: now } };
    this.items.set(stored.id, stored);
    return stored;
  }

  remove(id: string): void {
    this.get(id);
    this.items.delete(id);
  }
}

/** The same three handlers for either resource type: SCIMMY calls them with the target's id and filter. */
function handlers(store: MemoryStore) {
  return {
    ingress: (target: SCIMMY.Types.Resource, instance: object) => store.save(target.id, { ...instance }) as never,
    egress: (target: SCIMMY.Types.Resource) => (target.id !== undefined ? store.get(target.id) : store.list(target.filter)) as never,
    degress: (target: SCIMMY.Types.Resource) => store.remove(String(target.id)),
  };
}

function declareUsers(store: MemoryStore): void {
  const { ingress, egress, degress } = handlers(store);
  SCIMMY.Resources.declare(SCIMMY.Resources.User).ingress(ingress).egress(egress).degress(degress);
}

function declareGroups(store: MemoryStore): void {
  const { ingress, egress, degress } = handlers(store);
  SCIMMY.Resources.declare(SCIMMY.Resources.Group).ingress(ingress).egress(egress).degress(degress);
}

function seed(users: MemoryStore, groups: MemoryStore): void {
  const people = [
    ['ada.lovelace@example.com', 'Ada', 'Lovelace'],
    ['alan.turing@example.com', 'Alan', 'Turing'],
    ['grace.hopper@example.com', 'Grace', 'Hopper'],
  ] as const;
  const ids = people.map(
    ([userName, givenName, familyName]) =>
      users.save(undefined, {
        userName,
        name: { givenName, familyName },
        displayName: `${givenName} ${familyName}`,
        emails: [{ value: userName, type: 'work', primary: true }],
        active: true,
      }).id,
  );
  groups.save(undefined, { displayName: 'Engineering', members: ids.slice(0, 2).map((value) => ({ value })) });
}

let declared: { users: MemoryStore; groups: MemoryStore } | undefined;

/** SCIMMY keeps its resource types and config in one process-wide singleton: declared once, emptied per start. */
function resources(): { users: MemoryStore; groups: MemoryStore } {
  if (declared === undefined) {
    declared = { users: new MemoryStore('userName', 'User'), groups: new MemoryStore('displayName', 'Group') };
    declareUsers(declared.users);
    declareGroups(declared.groups);
    SCIMMY.Config.set({ patch: true, filter: 200, sort: true });
  }
  declared.users.items.clear();
  declared.groups.items.clear();
  return declared;
}

export async function startScimmy(): Promise<RealServer> {
  const { users, groups } = resources();
  seed(users, groups);
  const token = randomBytes(18).toString('hex');
  const app = express();
  app.use(
    '/scim',
    new SCIMMYRouters({
      type: 'bearer',
      docUri: 'https://example.com/help/scim.html',
      handler: (request) => {
        if (request.header('Authorization') !== `Bearer ${token}`) throw new Error('Authorization not detected!');
        return 'scim-client';
      },
    }),
  );
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    name: 'SCIMMY',
    version: 'scimmy 1.3.5, scimmy-routers 1.3.2, express 5.3.0',
    baseUrl: `http://127.0.0.1:${port}/scim`,
    token,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1]?.endsWith('scimmy.ts') === true) {
  const server = await startScimmy();
  process.stdout.write(`SCIM_BASE_URL=${server.baseUrl} SCIM_TOKEN=${server.token}\n`);
}
