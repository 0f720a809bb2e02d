import { randomBytes } from 'node:crypto';
import { isSuccess, listedResources, objectBody } from '../checks/answers.js';
import { escapeControl } from '../diagnose/escape.js';
import type { Exchange } from '../http/exchange.js';
import { WriteGuardRefusal, type ScimClient } from '../http/client.js';
import { isRunName, runStartOf, TEST_PREFIX } from '../http/run-marker.js';
import { createdId, type Verification } from '../http/write-guard.js';
import { DEFAULT_EMAIL_DOMAIN } from '../config.js';
import { withUserTemplate, type UserTemplate } from './user-template.js';

/**
 * Every resource the suite creates carries the run prefix `scimc-<time>-<random>-` in its userName
 * or displayName, so that a cleanup (or the sweep at the start of a run) can find what an
 * interrupted run left behind, and never mistake anyone else's data for ours.
 */
export { isRunName, runStartOf, TEST_PREFIX };

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type ResourceKind = 'Users' | 'Groups';

/** The attribute a resource of each kind is named by, and found by when a run left it behind. */
export const NAME_ATTRIBUTE: Record<ResourceKind, 'userName' | 'displayName'> = { Users: 'userName', Groups: 'displayName' };

/** `scimc-<time in base36>-<random>-`: the time lets a sweep leave a run that is still going alone. */
export function newRunPrefix(now = Date.now()): string {
  return `${TEST_PREFIX}${now.toString(36)}-${randomBytes(3).toString('hex')}-`;
}

/** The one reason every write check gives in a read-only run, with how to enable it. */
export const WRITE_SKIP_REASON = 'needs SCIM_WRITE=true: this check creates, changes and deletes its own test user (prefix scimc-)';

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
  /** Set when the server created it and it was read back as ours: it is registered for cleanup. */
  created?: CreatedResource;
  /** The GET that showed it to be ours: a flow that reads the resource next can judge this one instead. */
  readBack?: Exchange;
}

/** A create answered with a resource that is not the one created: nothing is written to it. */
export interface ForeignCreation extends CreatedResource {
  /** What reading it back showed. */
  reason: string;
  /** The create's answer and the read-back, for the finding. */
  exchange: Exchange;
  readBack?: Exchange;
  /** False for a body the server should have refused (junk): the finding is that check's, not this one's. */
  blocker: boolean;
}

/** A resource readable only after a few tries: the store is eventually consistent. */
export interface ReadLag extends CreatedResource {
  tries: number;
  waitedMs: number;
}

export interface CleanupReport {
  /** Deleted, and a GET afterwards answered 404. */
  deleted: CreatedResource[];
  /** Not removed (the reason says why), deactivated instead: they still exist with active=false. */
  deactivated: Array<CreatedResource & { reason: string }>;
  failed: Array<CreatedResource & { reason: string }>;
  /** Creates answered with someone else's resource or an id that does not exist: never written to. */
  foreign: ForeignCreation[];
  lagged: ReadLag[];
}

export function emptyReport(): CleanupReport {
  return { deleted: [], deactivated: [], failed: [], foreign: [], lagged: [] };
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

/** What a team sets for its test users: SCIM_EMAIL_DOMAIN and SCIM_USER_TEMPLATE. */
export interface TestDataSettings {
  emailDomain?: string;
  userTemplate?: UserTemplate | undefined;
}

/**
 * Creates test resources and removes them again. Each one is read back the moment the server says
 * it exists (also when it should not have: a duplicate it accepted) and registered when it is ours;
 * one that is someone else's is never written to, and is reported. `cleanup()` removes what is
 * registered in reverse order, also when checks failed. A user that is not removed (a server that
 * cannot delete, or a DELETE that did not take) is deactivated, and the report says so.
 */
export class TestData {
  private readonly created: CreatedResource[] = [];
  private counter = 0;
  private owned = 0;
  /** What the cleanup report will carry besides the removals: foreign creations and read lags. */
  readonly noticed: Pick<CleanupReport, 'foreign' | 'lagged'> = { foreign: [], lagged: [] };

  /**
   * `scope` keeps the names of spec files that run at the same time apart: they share the run
   * prefix, and a clash would be a uniqueness failure of our own making.
   */
  constructor(
    private readonly client: ScimClient,
    readonly prefix: string,
    readonly scope = 't',
    private readonly settings: TestDataSettings = {},
  ) {
    if (runStartOf(prefix) === undefined) throw new Error(`the run prefix must have the shape scimc-<time>-<random>-, not ${prefix}`);
    if (!/^[a-z0-9]+$/.test(scope)) throw new Error(`a test data scope is lower-case letters and digits, not ${scope}`);
    client.guard.claimRun(prefix);
  }

  /** A fresh name under the run prefix: `scimc-…-okta-3@example.com` (SCIM_EMAIL_DOMAIN) for users, `scimc-…-okta-3` for groups. */
  name(kind: ResourceKind): string {
    this.counter += 1;
    const base = `${this.prefix}${this.scope}-${this.counter}`;
    return kind === 'Users' ? `${base}@${this.settings.emailDomain ?? DEFAULT_EMAIL_DOMAIN}` : base;
  }

  /** A user as it will be sent: with the team's template (SCIM_USER_TEMPLATE) merged in. Checks compare answers with this. */
  user(body: Record<string, unknown>): Record<string, unknown> {
    return withUserTemplate(body, this.settings.userTemplate);
  }

  /**
   * POSTs `body` (a user with the template merged in). `label` names a resource sent without its
   * name attribute (a bad-input check); it must carry the run prefix like every name.
   */
  async create(kind: ResourceKind, body: Record<string, unknown>, label?: string): Promise<Creation> {
    const { name, answer } = await this.post(kind, body, label);
    return this.registerAnswer(kind, name, answer, true);
  }

  /**
   * `create`, with `lookup` (reads that need the resource to exist, such as a search for it) sent
   * the moment the POST is answered with success, beside the read-back rather than after it. When
   * the read-back had to wait for the resource to appear, the lookup is sent again afterwards: the
   * first one may have come too early for the same store.
   */
  async createWith<T>(kind: ResourceKind, body: Record<string, unknown>, lookup: () => Promise<T>): Promise<{ creation: Creation; found?: T }> {
    const { name, answer } = await this.post(kind, body);
    const early = isSuccess(answer) ? lookup() : undefined;
    const [creation, found] = await Promise.all([this.registerAnswer(kind, name, answer, true), early]);
    const id = creation.created?.id;
    if (id === undefined || found === undefined) return { creation };
    const lagged = this.noticed.lagged.some((lag) => lag.kind === kind && lag.id === id);
    return { creation, found: lagged ? await lookup() : found };
  }

  private async post(kind: ResourceKind, body: Record<string, unknown>, label?: string): Promise<{ name: string; answer: Exchange }> {
    const name = label ?? String(body[NAME_ATTRIBUTE[kind]]);
    this.assertOurs(name);
    const json = kind === 'Users' ? this.user(body) : body;
    return { name, answer: await this.client.send({ method: 'POST', path: `/${kind}`, json }) };
  }

  /** POSTs a raw (possibly malformed) body; anything the server creates from it is registered. */
  async createRaw(kind: ResourceKind, body: string, label: string): Promise<Creation> {
    this.assertOurs(label);
    return this.registerAnswer(kind, label, await this.client.send({ method: 'POST', path: `/${kind}`, body }), false);
  }

  createUser(overrides: Record<string, unknown> = {}): Promise<Creation> {
    return this.create('Users', { ...oktaUserPayload(this.name('Users')), ...overrides });
  }

  createGroup(overrides: Record<string, unknown> = {}): Promise<Creation> {
    return this.create('Groups', { schemas: [GROUP_SCHEMA], displayName: this.name('Groups'), members: [], ...overrides });
  }

  /** Forget a resource a check deleted on purpose and saw gone (a GET answered 404). */
  forget(id: string): void {
    const index = this.created.findIndex((r) => r.id === id);
    if (index >= 0) this.created.splice(index, 1);
  }

  /**
   * Removes one resource now, as the cleanup would (removeResource), and forgets it once a read
   * says it is gone; otherwise the cleanup tries it again and reports it.
   */
  async remove(resource: CreatedResource): Promise<void> {
    const report = emptyReport();
    await removeResource(this.client, resource, report);
    if (report.deleted.length > 0) this.forget(resource.id);
  }

  get resources(): readonly CreatedResource[] {
    return this.created;
  }

  /** How many creates were read back as ours so far. */
  get ownCreations(): number {
    return this.owned;
  }

  /** Removes everything registered, groups before users; never throws. */
  async cleanup(): Promise<CleanupReport> {
    const report: CleanupReport = { ...emptyReport(), foreign: this.noticed.foreign.splice(0), lagged: this.noticed.lagged.splice(0) };
    const doomed = this.created.splice(0).reverse();
    // Groups that hold test users go first; within a kind, the deletions do not depend on each other.
    for (const kind of ['Groups', 'Users'] as const) {
      await Promise.all(doomed.filter((resource) => resource.kind === kind).map((resource) => removeResource(this.client, resource, report)));
    }
    return report;
  }

  private register(resource: CreatedResource, verified = true): void {
    if (verified) this.owned += 1;
    if (!this.created.some((r) => r.kind === resource.kind && r.id === resource.id)) this.created.push(resource);
  }

  private assertOurs(name: string): void {
    if (!name.startsWith(this.prefix)) throw new Error(`test resources must be named with the run prefix ${this.prefix}, not ${name}`);
  }

  private async registerAnswer(kind: ResourceKind, name: string, exchange: Exchange, judged: boolean): Promise<Creation> {
    const status = exchange.response?.status;
    const resource = objectBody(exchange);
    const base = resource === undefined ? { exchange } : { exchange, resource };
    // No answer at all may still mean it was created: look for it by name, so it is not left behind.
    if (status !== undefined && (status < 200 || status >= 300)) return base;
    const id = status === undefined ? undefined : createdId(exchange);
    if (id === undefined) {
      const located = await this.adoptByName(kind, name);
      return located === undefined ? base : { ...base, created: located };
    }
    const verification = await this.client.guard.verify(kind, id);
    this.noteLag({ kind, id, name }, verification);
    if (verification.ours || verification.reason === 'unreadable') {
      // Unreadable: registered, so that the cleanup tries it (the guard reads it back again first).
      const created = { kind, id, name };
      this.register(created, verification.ours);
      return verification.ours ? { ...base, created, readBack: verification.exchange } : { ...base, created };
    }
    this.noticed.foreign.push({
      kind,
      id,
      name,
      reason: verification.got,
      exchange,
      ...(verification.exchange === undefined ? {} : { readBack: verification.exchange }),
      blocker: judged,
    });
    // What the server really created, if anything, may still be found by its name and removed.
    await this.adoptByName(kind, name, id);
    return base;
  }

  /** Finds the resource by the name it was created with, adopts it when it reads back as ours, and registers it. */
  private async adoptByName(kind: ResourceKind, name: string, notId?: string): Promise<CreatedResource | undefined> {
    const found = await this.locate(kind, name);
    if (found === undefined || found === notId || !this.client.guard.adopt(kind, found, name)) return undefined;
    const verification = await this.client.guard.verify(kind, found);
    if (!verification.ours) return undefined;
    const created = { kind, id: found, name };
    this.noteLag(created, verification);
    this.register(created);
    return created;
  }

  private noteLag(resource: CreatedResource, verification: Verification): void {
    if (verification.ours && verification.tries > 1) this.noticed.lagged.push({ ...resource, tries: verification.tries, waitedMs: verification.waitedMs });
  }

  /** The id of the one resource with exactly this name, for a 201 that did not say which it made. */
  private async locate(kind: ResourceKind, name: string): Promise<string | undefined> {
    const attribute = NAME_ATTRIBUTE[kind];
    const exchange = await this.client.send({ path: `/${kind}`, query: { filter: `${attribute} eq "${name}"` } });
    const matches = listedResources(exchange)?.filter((r) => r[attribute] === name && typeof r['id'] === 'string') ?? [];
    return matches.length === 1 ? String(matches[0]?.['id']) : undefined;
  }
}

const DEACTIVATE = { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: false } }] };

/**
 * DELETE, then GET: removed only when the GET answers 404. A user that is still there is
 * deactivated instead. Every write goes through the client's guard, which reads the resource back
 * as ours first; never throws.
 */
export async function removeResource(client: ScimClient, resource: CreatedResource, report: CleanupReport): Promise<void> {
  const path = `/${resource.kind}/${encodeURIComponent(resource.id)}`;
  try {
    const deletion = await client.send({ method: 'DELETE', path });
    const status = deletion.response?.status;
    const reason = await notRemovedReason(client, path, deletion);
    if (reason === undefined) {
      report.deleted.push(resource);
      return;
    }
    if (resource.kind !== 'Users' || status === undefined) {
      report.failed.push({ ...resource, reason });
      return;
    }
    const patch = await client.send({ method: 'PATCH', path, json: DEACTIVATE });
    const patched = patch.response?.status;
    if (patched !== undefined && patched >= 200 && patched < 300) report.deactivated.push({ ...resource, reason });
    else report.failed.push({ ...resource, reason: `${reason}, and deactivating it answered ${patched ?? patch.error?.message ?? 'nothing'}` });
  } catch (error) {
    const why = error instanceof WriteGuardRefusal ? `nothing sent to it: ${error.message}` : (error as Error).message;
    report.failed.push({ ...resource, reason: why });
  }
}

/** Why a DELETE did not remove the resource, or undefined when a GET after it answers 404. */
async function notRemovedReason(client: ScimClient, path: string, deletion: Exchange): Promise<string | undefined> {
  const status = deletion.response?.status;
  if (status === undefined) return `DELETE got no answer (${deletion.error?.message ?? 'no response'})`;
  // A 404 to the DELETE is fine only when the resource is indeed gone: a route that is missing answers 404 too.
  if (!((status >= 200 && status < 300) || status === 404)) return `DELETE answered ${status}`;
  const after = await client.send({ path });
  const now = after.response?.status;
  if (now === 404) return undefined;
  return `DELETE answered ${status}, but GET then answered ${now ?? after.error?.message ?? 'nothing'}${now === 200 ? ': it is still there' : ''}`;
}

/** The commands that remove what a run left behind. */
export const CLEANUP_COMMAND = '`npx scim-conformance cleanup` (`npm run cleanup` in this repository)';

/** One line per resource that is not simply gone, for the end of a run and the cleanup command. */
export function describeCleanup(report: CleanupReport): string[] {
  const lines: string[] = [];
  // Names, ids and reasons come from the server: each line stays one line, without control characters.
  const what = (r: CreatedResource) => escapeControl(`${r.kind === 'Users' ? 'user' : 'group'} ${r.name} (id ${r.id})`);
  for (const r of report.deactivated) lines.push(`left deactivated: ${what(r)}: ${escapeControl(r.reason)}; it remains with active=false; ${CLEANUP_COMMAND} tries again`);
  for (const r of report.failed) lines.push(`left behind: ${what(r)}: ${escapeControl(r.reason)}; ${CLEANUP_COMMAND} tries again`);
  for (const r of report.foreign) {
    lines.push(
      escapeControl(
        `not ours: the create of ${r.kind === 'Users' ? 'user' : 'group'} ${r.name} was answered with id ${r.id}, and ${r.reason}; nothing was written to it. If the server created ${r.name} under another id, ${CLEANUP_COMMAND} removes it`,
      ),
    );
  }
  for (const r of report.lagged) lines.push(`note: ${what(r)} was readable only after ${r.tries} tries (${r.waitedMs} ms): the server's store is eventually consistent`);
  return lines;
}
