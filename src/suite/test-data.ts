import { randomBytes } from 'node:crypto';
import { isObject, jsonBody, type Exchange } from '../http/exchange.js';
import type { ScimClient } from '../http/client.js';

/**
 * Every resource the suite creates carries this prefix in its userName or displayName, so that a
 * cleanup (or the sweep at the start of a run) can find what an interrupted run left behind, and
 * never mistake anyone else's data for ours.
 */
export const TEST_PREFIX = 'scimc-';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type ResourceKind = 'Users' | 'Groups';

/** `scimc-<time in base36>-<random>-`: the time lets a sweep leave a run that is still going alone. */
export function newRunPrefix(now = Date.now()): string {
  return `${TEST_PREFIX}${now.toString(36)}-${randomBytes(3).toString('hex')}-`;
}

/** When the run that used this name started, or undefined for a name that is not ours. */
export function runStartOf(name: string): number | undefined {
  const match = /^scimc-([0-9a-z]+)-[0-9a-f]{6}-/.exec(name);
  return match?.[1] === undefined ? undefined : parseInt(match[1], 36);
}

export interface CreatedResource {
  kind: ResourceKind;
  id: string;
  /** userName or displayName: always starts with the run prefix. */
  name: string;
}

export interface Creation {
  exchange: Exchange;
  /** The resource as the server returned it, when it answered 201 with a body. */
  resource?: Record<string, unknown>;
  created?: CreatedResource;
}

export interface CleanupReport {
  deleted: CreatedResource[];
  deactivated: CreatedResource[];
  failed: Array<CreatedResource & { reason: string }>;
}

/** A user as Okta creates one (its full payload), named with the run prefix. */
export function oktaUserPayload(userName: string): Record<string, unknown> {
  const local = userName.split('@')[0] ?? userName;
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: 'Test', familyName: local },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: `Test ${local}`,
    locale: 'en-US',
    externalId: local,
    groups: [],
    password: `Pw-${randomBytes(9).toString('base64url')}!1`,
    active: true,
  };
}

/**
 * Creates test resources and removes them again. Each one is registered the moment the server
 * says it exists, and removed in reverse order by `cleanup()`, also when checks failed. A server
 * that cannot delete users (Okta-style) gets them deactivated instead, and the report says so.
 */
export class TestData {
  private readonly created: CreatedResource[] = [];
  private counter = 0;

  constructor(
    private readonly client: ScimClient,
    readonly prefix: string,
  ) {}

  /** A fresh name under the run prefix: `scimc-…-3@example.com` for users, `scimc-…-3` for groups. */
  name(kind: ResourceKind): string {
    this.counter += 1;
    return kind === 'Users' ? `${this.prefix}${this.counter}@example.com` : `${this.prefix}${this.counter}`;
  }

  async create(kind: ResourceKind, body: Record<string, unknown>): Promise<Creation> {
    const name = String(kind === 'Users' ? body['userName'] : body['displayName']);
    if (!name.startsWith(this.prefix)) throw new Error(`test resources must be named with the run prefix ${this.prefix}, not ${name}`);
    const exchange = await this.client.send({ method: 'POST', path: `/${kind}`, json: body });
    const parsed = exchange.response === undefined ? undefined : jsonBody(exchange.response);
    const resource = parsed?.kind === 'json' && isObject(parsed.value) ? parsed.value : undefined;
    const id = resource?.['id'];
    if (resource === undefined) return { exchange };
    if (typeof id !== 'string' || id === '' || exchange.response === undefined || exchange.response.status >= 300) {
      return { exchange, resource };
    }
    const created = { kind, id, name };
    this.created.push(created);
    return { exchange, resource, created };
  }

  createUser(overrides: Record<string, unknown> = {}): Promise<Creation> {
    return this.create('Users', { ...oktaUserPayload(this.name('Users')), ...overrides });
  }

  createGroup(overrides: Record<string, unknown> = {}): Promise<Creation> {
    return this.create('Groups', { schemas: [GROUP_SCHEMA], displayName: this.name('Groups'), members: [], ...overrides });
  }

  /** Forget a resource a check already deleted on purpose. */
  forget(id: string): void {
    const index = this.created.findIndex((r) => r.id === id);
    if (index >= 0) this.created.splice(index, 1);
  }

  get resources(): readonly CreatedResource[] {
    return this.created;
  }

  async cleanup(): Promise<CleanupReport> {
    const report: CleanupReport = { deleted: [], deactivated: [], failed: [] };
    // Reverse order: groups that hold test users go before the users.
    for (const resource of this.created.splice(0).reverse()) await removeResource(this.client, resource, report);
    return report;
  }
}

/** DELETE, or for a server that does not delete users, deactivate; never throws. */
export async function removeResource(client: ScimClient, resource: CreatedResource, report: CleanupReport): Promise<void> {
  const path = `/${resource.kind}/${encodeURIComponent(resource.id)}`;
  const deletion = await client.send({ method: 'DELETE', path });
  const status = deletion.response?.status;
  if (status !== undefined && (status < 300 || status === 404)) {
    report.deleted.push(resource);
    return;
  }
  if (resource.kind === 'Users' && (status === 405 || status === 501 || status === 403)) {
    const patch = await client.send({
      method: 'PATCH',
      path,
      json: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: false } }] },
    });
    if (patch.response !== undefined && patch.response.status < 300) {
      report.deactivated.push(resource);
      return;
    }
  }
  report.failed.push({ ...resource, reason: deletion.error?.message ?? `DELETE answered ${status ?? 'nothing'}` });
}
