import { randomBytes } from 'node:crypto';
import { listedResources, objectBody } from '../checks/answers.js';
import { escapeControl } from '../diagnose/escape.js';
import type { Exchange } from '../http/exchange.js';
import type { ScimClient } from '../http/client.js';

/**
 * Every resource the suite creates carries this prefix in its userName or displayName, so that a
 * cleanup (or the sweep at the start of a run) can find what an interrupted run left behind, and
 * never mistake anyone else's data for ours.
 */
export const TEST_PREFIX = 'scimc-';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type ResourceKind = 'Users' | 'Groups';

/** The attribute a resource of each kind is named by, and found by when a run left it behind. */
export const NAME_ATTRIBUTE: Record<ResourceKind, 'userName' | 'displayName'> = { Users: 'userName', Groups: 'displayName' };

const RUN_PREFIX = /^scimc-([0-9a-z]{8})-[0-9a-f]{6}-/;
/** Run times before this are not ours: the suite did not exist. It keeps look-alike names out. */
const EARLIEST_RUN = Date.UTC(2024, 0, 1);

/** `scimc-<time in base36>-<random>-`: the time lets a sweep leave a run that is still going alone. */
export function newRunPrefix(now = Date.now()): string {
  return `${TEST_PREFIX}${now.toString(36)}-${randomBytes(3).toString('hex')}-`;
}

/** When the run that used this name started, or undefined for a name that is not ours. */
export function runStartOf(name: string): number | undefined {
  const match = RUN_PREFIX.exec(name);
  if (match?.[1] === undefined) return undefined;
  const started = parseInt(match[1], 36);
  // A day of clock skew between machines is tolerated; later than that is not a run's time.
  return started >= EARLIEST_RUN && started <= Date.now() + 24 * 60 * 60 * 1000 ? started : undefined;
}

/** The one reason every write check gives in a read-only run, with how to enable it. */
export const WRITE_SKIP_REASON = 'needs SCIM_WRITE=true: this check creates, changes and deletes its own test user (prefix scimc-)';

/** True for a name a run of this suite made: the whole `scimc-<time>-<random>-` shape, not just `scimc-`. */
export function isRunName(name: unknown): name is string {
  return typeof name === 'string' && runStartOf(name) !== undefined;
}

export interface CreatedResource {
  kind: ResourceKind;
  id: string;
  /** userName or displayName (or, for a resource created without one, the label it was sent with). */
  name: string;
}

export interface Creation {
  exchange: Exchange;
  /** The resource as the server returned it, when it answered with a JSON object. */
  resource?: Record<string, unknown>;
  /** Set when the server created it (2xx and an id): it is registered for cleanup. */
  created?: CreatedResource;
}

export interface CleanupReport {
  deleted: CreatedResource[];
  /** Users the server could not delete (no DELETE), deactivated instead: they still exist. */
  deactivated: CreatedResource[];
  failed: Array<CreatedResource & { reason: string }>;
}

export function emptyReport(): CleanupReport {
  return { deleted: [], deactivated: [], failed: [] };
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
    password: newPassword(),
    active: true,
  };
}

export function newPassword(): string {
  return `Pw-${randomBytes(9).toString('base64url')}!1`;
}

/** The id a creation answer names: the body's `id`, else the last segment of its Location header. */
function idFrom(exchange: Exchange, resource: Record<string, unknown> | undefined): string | undefined {
  const id = resource?.['id'];
  if (typeof id === 'string' && id !== '') return id;
  const location = exchange.response?.headers['location'];
  if (location === undefined) return undefined;
  const last = location.replace(/\/+$/, '').split('/').pop();
  return last === undefined || last === '' ? undefined : decodeURIComponent(last);
}

/**
 * Creates test resources and removes them again. Each one is registered the moment the server
 * says it exists (also when it should not have: a duplicate it accepted), and removed in reverse
 * order by `cleanup()`, also when checks failed. A server that cannot delete users (Okta-style) gets
 * them deactivated instead, and the report says so.
 */
export class TestData {
  private readonly created: CreatedResource[] = [];
  private counter = 0;

  /**
   * `scope` keeps the names of spec files that run at the same time apart: they share the run
   * prefix, and a clash would be a uniqueness failure of our own making.
   */
  constructor(
    private readonly client: ScimClient,
    readonly prefix: string,
    readonly scope = 't',
  ) {
    if (runStartOf(prefix) === undefined) throw new Error(`the run prefix must have the shape scimc-<time>-<random>-, not ${prefix}`);
    if (!/^[a-z0-9]+$/.test(scope)) throw new Error(`a test data scope is lower-case letters and digits, not ${scope}`);
  }

  /** A fresh name under the run prefix: `scimc-…-okta-3@example.com` for users, `scimc-…-okta-3` for groups. */
  name(kind: ResourceKind): string {
    this.counter += 1;
    const base = `${this.prefix}${this.scope}-${this.counter}`;
    return kind === 'Users' ? `${base}@example.com` : base;
  }

  /**
   * POSTs `body`. `label` names a resource sent without its name attribute (a bad-input check);
   * it must carry the run prefix like every name.
   */
  async create(kind: ResourceKind, body: Record<string, unknown>, label?: string): Promise<Creation> {
    const name = label ?? String(body[NAME_ATTRIBUTE[kind]]);
    this.assertOurs(name);
    return this.registerAnswer(kind, name, await this.client.send({ method: 'POST', path: `/${kind}`, json: body }));
  }

  /** POSTs a raw (possibly malformed) body; anything the server creates from it is registered. */
  async createRaw(kind: ResourceKind, body: string, label: string): Promise<Creation> {
    this.assertOurs(label);
    return this.registerAnswer(kind, label, await this.client.send({ method: 'POST', path: `/${kind}`, body }));
  }

  createUser(overrides: Record<string, unknown> = {}): Promise<Creation> {
    return this.create('Users', { ...oktaUserPayload(this.name('Users')), ...overrides });
  }

  createGroup(overrides: Record<string, unknown> = {}): Promise<Creation> {
    return this.create('Groups', { schemas: [GROUP_SCHEMA], displayName: this.name('Groups'), members: [], ...overrides });
  }

  /** Registers a resource that exists because of us, found some other way. */
  register(resource: CreatedResource): void {
    this.assertOurs(resource.name);
    if (!this.created.some((r) => r.kind === resource.kind && r.id === resource.id)) this.created.push(resource);
  }

  /** Forget a resource a check already deleted on purpose. */
  forget(id: string): void {
    const index = this.created.findIndex((r) => r.id === id);
    if (index >= 0) this.created.splice(index, 1);
  }

  get resources(): readonly CreatedResource[] {
    return this.created;
  }

  /** Removes everything registered, groups before users; never throws. */
  async cleanup(): Promise<CleanupReport> {
    const report = emptyReport();
    const doomed = this.created.splice(0).reverse();
    // Groups that hold test users go first; within a kind, the deletions do not depend on each other.
    for (const kind of ['Groups', 'Users'] as const) {
      await Promise.all(doomed.filter((resource) => resource.kind === kind).map((resource) => removeResource(this.client, resource, report)));
    }
    return report;
  }

  private assertOurs(name: string): void {
    if (!name.startsWith(this.prefix)) throw new Error(`test resources must be named with the run prefix ${this.prefix}, not ${name}`);
  }

  private async registerAnswer(kind: ResourceKind, name: string, exchange: Exchange): Promise<Creation> {
    const status = exchange.response?.status;
    const resource = objectBody(exchange);
    const base = resource === undefined ? { exchange } : { exchange, resource };
    // No answer at all may still mean it was created: look for it by name, so it is not left behind.
    if (status !== undefined && (status < 200 || status >= 300)) return base;
    const id = status === undefined ? undefined : idFrom(exchange, resource);
    const found = id ?? (await this.locate(kind, name));
    if (found === undefined) return base;
    const created = { kind, id: found, name };
    this.register(created);
    return { ...base, created };
  }

  /** The id of the one resource with exactly this name, for a 201 that did not say which it made. */
  private async locate(kind: ResourceKind, name: string): Promise<string | undefined> {
    const attribute = NAME_ATTRIBUTE[kind];
    const exchange = await this.client.send({ path: `/${kind}`, query: { filter: `${attribute} eq "${name}"` } });
    const match = listedResources(exchange)?.find((r) => r[attribute] === name && typeof r['id'] === 'string');
    return match === undefined ? undefined : String(match['id']);
  }
}

/** Statuses that mean "this server does not delete users", for which deactivating is the fallback. */
const NO_DELETE = new Set([400, 403, 405, 409, 501]);

/** DELETE, or for a server that does not delete users, deactivate; never throws. */
export async function removeResource(client: ScimClient, resource: CreatedResource, report: CleanupReport): Promise<void> {
  try {
    const path = `/${resource.kind}/${encodeURIComponent(resource.id)}`;
    const deletion = await client.send({ method: 'DELETE', path });
    const status = deletion.response?.status;
    if (status !== undefined && ((status >= 200 && status < 300) || status === 404)) {
      report.deleted.push(resource);
      return;
    }
    if (resource.kind === 'Users' && status !== undefined && NO_DELETE.has(status)) {
      const patch = await client.send({
        method: 'PATCH',
        path,
        json: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: false } }] },
      });
      const patched = patch.response?.status;
      if (patched !== undefined && patched >= 200 && patched < 300) {
        report.deactivated.push(resource);
        return;
      }
      report.failed.push({ ...resource, reason: `DELETE answered ${status}, and deactivating it answered ${patched ?? patch.error?.message ?? 'nothing'}` });
      return;
    }
    report.failed.push({ ...resource, reason: deletion.error?.message ?? `DELETE answered ${status ?? 'nothing'}` });
  } catch (error) {
    report.failed.push({ ...resource, reason: (error as Error).message });
  }
}

/** One line per resource that is not simply gone, for the end of a run and the cleanup command. */
export function describeCleanup(report: CleanupReport): string[] {
  const lines: string[] = [];
  // Names, ids and reasons come from the server: each line stays one line, without control characters.
  const what = (r: CreatedResource) => escapeControl(`${r.kind === 'Users' ? 'user' : 'group'} ${r.name} (id ${r.id})`);
  for (const r of report.deactivated) {
    lines.push(`deactivated ${what(r)}: the server does not delete users, so it remains with active=false`);
  }
  for (const r of report.failed) lines.push(`could not remove ${what(r)}: ${escapeControl(r.reason)}; \`npm run cleanup\` will try again`);
  return lines;
}
