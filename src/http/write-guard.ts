/**
 * The write guard: the client sends a PUT, PATCH or DELETE only to a resource this run created and
 * verified as its own (created by its POST, and read back carrying its marker), and adds only its
 * own users to groups. A POST may create a user or group, or search. Everything else is refused
 * before a byte is sent, whatever a check or a server's answer asks for.
 */
import { escapeControl } from '../diagnose/escape.js';
import { isObject, jsonBody, type Exchange } from './exchange.js';
import { isRunName } from './run-marker.js';
import type { ToolErrorCode } from '../checks/tool-errors.js';

export type GuardedKind = 'Users' | 'Groups';

/**
 * Why a write was refused: `foreign` (the id holds someone else's resource), `missing` (the id does
 * not exist), `unreadable` (it could not be read back to tell), `members` (a member that is not the
 * run's), `not-created` (this run did not create it), `endpoint` (no resource of ours at all).
 */
export type RefusalReason = 'foreign' | 'missing' | 'unreadable' | 'members' | 'not-created' | 'endpoint';

/** A write the guard did not let through. Stable code, for the flows and the reports. */
export class WriteGuardRefusal extends Error {
  override name = 'WriteGuardRefusal';
  readonly code: ToolErrorCode = 'WRITE_GUARD_REFUSED';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly reason: RefusalReason,
    detail: string,
    readonly evidence?: Exchange,
  ) {
    // The path and the detail hold ids the server chose: shown escaped and redacted, like any server text.
    super(escapeControl(`write guard: not sending ${method} ${path}: ${detail}`));
  }
}

export type Verification =
  | { ours: true; exchange: Exchange; tries: number; waitedMs: number }
  | { ours: false; reason: Exclude<RefusalReason, 'endpoint'>; got: string; exchange?: Exchange; tries: number; waitedMs: number };

export interface WriteGuardOptions {
  /** GETs a path relative to the Base URL: how a resource is read back. */
  read: (path: string) => Promise<Exchange>;
  baseUrl: string;
  /** How a read-back waits before its next try; injected so tests need no clock. */
  sleep: (ms: number) => Promise<void>;
  /** Waits between the tries of a read-back that answered 404 right after the create. */
  readBackDelaysMs?: readonly number[];
}

/** A few short tries: enough for an eventually consistent store, bounded well under a check's timeout. */
export const READ_BACK_DELAYS_MS: readonly number[] = [100, 250, 500, 1000];

interface Target {
  kind?: GuardedKind;
  id?: string;
  search: boolean;
}

const key = (kind: GuardedKind, id: string) => `${kind}/${id}`;

export class WriteGuard {
  private readonly markers = new Set<string>();
  private sweepable: ((name: string) => boolean) | undefined;
  /** Resources this run's POSTs were answered with, by kind/id. */
  private readonly created = new Set<string>();
  /** Names this run's POSTs sent, by kind: a resource found by one of them may be adopted. */
  private readonly sentNames = new Set<string>();
  private readonly verified = new Map<string, Promise<Verification>>();
  /** Per group: the writes of this run sent to it, and of those the ones answered. */
  private readonly groupWrites = new Map<string, { sent: number; answered: number }>();
  /** Per group: its latest plain GET, sent when no write to it was in flight, and how many writes had been sent then. */
  private readonly latestRead = new Map<string, { exchange: Exchange; writesSent: number }>();

  constructor(private readonly options: WriteGuardOptions) {}

  /** Names starting with this run prefix are this run's (case-insensitively: some servers fold case). */
  claimRun(prefix: string): void {
    if (!isRunName(prefix)) throw new Error(`a run prefix has the shape scimc-<time>-<random>-, not ${prefix}`);
    this.markers.add(prefix.toLowerCase());
  }

  /**
   * For a sweep: a resource this client did not create may be written to when, read back, its name
   * is a run name that `accept` takes too (old enough, or of the run asked for).
   */
  allowSweep(accept: (name: string) => boolean): void {
    this.sweepable = (name) => isRunName(name) && accept(name);
  }

  /** A resource found by the name a POST of this run sent (the answer named no id, or the wrong one). */
  adopt(kind: GuardedKind, id: string, name: string): boolean {
    if (!this.sentNames.has(key(kind, name.toLowerCase()))) return false;
    this.created.add(key(kind, id));
    return true;
  }

  /** Throws WriteGuardRefusal unless the write may be sent; reads the resource back if need be. */
  async authorize(method: string, path: string, body: unknown): Promise<void> {
    const upper = method.toUpperCase();
    if (upper === 'GET' || upper === 'HEAD') return;
    const target = this.targetOf(path);
    const refuse = (reason: RefusalReason, detail: string, evidence?: Exchange) => new WriteGuardRefusal(upper, path, reason, detail, evidence);
    if (upper === 'POST') {
      if (target?.search === true) return;
      if (target?.kind === undefined || target.id !== undefined) throw refuse('endpoint', 'a POST may only create a user or a group, or search');
      await this.checkMembers(upper, path, target.kind, body);
      return;
    }
    if (upper !== 'PUT' && upper !== 'PATCH' && upper !== 'DELETE') throw refuse('endpoint', `${upper} is not a method the suite writes with`);
    if (target?.kind === undefined || target.id === undefined) throw refuse('endpoint', 'only a user or group this run created may be changed');
    // A group's members may have changed since it was read: its deletion is judged on its state now,
    // as a GET shows it that was sent after this run's last write to it (the flow's own, or the guard's).
    const verification = target.kind === 'Groups' && upper === 'DELETE' ? await this.judgeCurrentGroup(target.id) : await this.verify(target.kind, target.id);
    if (!verification.ours) throw refuse(verification.reason, verification.got, verification.exchange);
    await this.checkMembers(upper, path, target.kind, body);
    if (target.kind === 'Groups') this.writesTo(target.id).sent += 1;
  }

  /**
   * Called as a GET is sent: for a plain read of a group (no query, which might leave members out)
   * while no write of this run to it is in flight, returns what takes note of its answer.
   */
  readStarting(path: string, query: Record<string, unknown> | undefined): ((exchange: Exchange) => void) | undefined {
    const target = this.targetOf(path);
    const id = target?.kind === 'Groups' ? target.id : undefined;
    if (id === undefined || path.includes('?') || Object.keys(query ?? {}).length > 0) return undefined;
    const writes = this.writesTo(id);
    if (writes.sent !== writes.answered) return undefined;
    const writesSent = writes.sent;
    return (exchange) => {
      if (exchange.response?.status === 200) this.latestRead.set(key('Groups', id), { exchange, writesSent });
    };
  }

  private writesTo(groupId: string): { sent: number; answered: number } {
    const k = key('Groups', groupId);
    const writes = this.groupWrites.get(k) ?? { sent: 0, answered: 0 };
    this.groupWrites.set(k, writes);
    return writes;
  }

  /**
   * Ours as the latest GET of the group shows it, when no write of this run was sent to it since;
   * otherwise (or when that GET does not show it as ours) as a fresh read does.
   */
  private async judgeCurrentGroup(id: string): Promise<Verification> {
    const read = this.latestRead.get(key('Groups', id));
    if (read !== undefined && read.writesSent === this.writesTo(id).sent && this.created.has(key('Groups', id))) {
      const judged = await this.judge('Groups', id, read.exchange, true, { tries: 1, waitedMs: 0 });
      if (judged.ours) return judged;
    }
    return this.verify('Groups', id, { fresh: true });
  }

  /** Takes note of what a POST created: its answer's id is a candidate, verified before any write. */
  noteSent(method: string, path: string, body: unknown, exchange: Exchange): void {
    const target = this.targetOf(path);
    if (target?.kind === 'Groups' && target.id !== undefined && method.toUpperCase() !== 'POST') this.writesTo(target.id).answered += 1;
    if (method.toUpperCase() !== 'POST' || target?.kind === undefined || target.id !== undefined) return;
    const name = nameOf(target.kind, body);
    if (name !== undefined) this.sentNames.add(key(target.kind, name.toLowerCase()));
    const status = exchange.response?.status;
    if (status === undefined || status < 200 || status >= 300) return;
    const id = createdId(exchange);
    if (id !== undefined) this.created.add(key(target.kind, id));
  }

  /**
   * Reads the resource back and says whether it is this run's. Right after a create, a 404 is tried
   * again a few times (an eventually consistent store); the answer says how long it took.
   */
  verify(kind: GuardedKind, id: string, { fresh = false }: { fresh?: boolean } = {}): Promise<Verification> {
    const cached = this.verified.get(key(kind, id));
    if (cached !== undefined && !fresh) return cached;
    const verification = this.readBack(kind, id);
    this.verified.set(key(kind, id), verification);
    // Only "ours" is kept: a resource that could not be read now may be readable at cleanup.
    void verification.then((v) => {
      if (!v.ours && this.verified.get(key(kind, id)) === verification) this.verified.delete(key(kind, id));
    });
    return verification;
  }

  private async readBack(kind: GuardedKind, id: string): Promise<Verification> {
    const created = this.created.has(key(kind, id));
    if (!created && this.sweepable === undefined) {
      return { ours: false, reason: 'not-created', got: `this run did not create ${kind}/${id}`, tries: 0, waitedMs: 0 };
    }
    const delays = created ? (this.options.readBackDelaysMs ?? READ_BACK_DELAYS_MS) : [];
    let waitedMs = 0;
    for (let tries = 1; ; tries++) {
      const exchange = await this.options.read(`/${kind}/${encodeURIComponent(id)}`);
      const delay = delays[tries - 1];
      if (exchange.response?.status !== 404 || delay === undefined) return this.judge(kind, id, exchange, created, { tries, waitedMs });
      await this.options.sleep(delay);
      waitedMs += delay;
    }
  }

  private async judge(kind: GuardedKind, id: string, exchange: Exchange, created: boolean, effort: { tries: number; waitedMs: number }): Promise<Verification> {
    const status = exchange.response?.status;
    const body = resourceIn(bodyOf(exchange), id);
    const where = `GET /${kind}/${id}`;
    const after = effort.tries > 1 ? ` (${effort.tries} tries over ${effort.waitedMs} ms)` : '';
    if (status === 404) return { ours: false, reason: 'missing', got: `${where} answered 404${after}: no such resource`, exchange, ...effort };
    if (status !== 200 || !isObject(body) || typeof body['id'] !== 'string') {
      return {
        ours: false,
        reason: 'unreadable',
        got: `${where} answered ${status ?? exchange.error?.message ?? 'nothing'}, not the resource: it could not be read back to tell whose it is`,
        exchange,
        ...effort,
      };
    }
    const name = markedName(kind, body);
    const accept = created ? (n: string) => this.isMarked(n) : (n: string) => this.sweepable?.(n) === true;
    if (body['id'] !== id || name === undefined || !accept(name)) {
      const shown = body['id'] !== id ? `the resource with id ${JSON.stringify(body['id'])}` : `${JSON.stringify(name ?? null)}`;
      return {
        ours: false,
        reason: 'foreign',
        got: `${where} answers ${shown}, which is not this run's (no ${created ? 'run prefix' : 'old enough run name'})`,
        exchange,
        ...effort,
      };
    }
    const stranger = kind === 'Groups' ? await this.firstStranger(memberIds(body['members'])) : undefined;
    if (stranger !== undefined) return { ours: false, reason: 'members', got: `the group holds ${stranger}, which is not a test resource`, exchange, ...effort };
    return { ours: true, exchange, ...effort };
  }

  /** The first member that is not one of the run's users (or, for a sweep, not any run's). */
  private async firstStranger(ids: string[]): Promise<string | undefined> {
    const verdicts = await Promise.all(ids.map(async (id) => ({ id, ok: await this.isTestUser(id) })));
    return verdicts.find((v) => !v.ok)?.id;
  }

  private async isTestUser(id: string): Promise<boolean> {
    if (this.created.has(key('Users', id))) return (await this.verify('Users', id)).ours;
    if (this.sweepable === undefined) return false;
    const read = await this.options.read(`/Users/${encodeURIComponent(id)}`);
    const body = read.response?.status === 200 ? bodyOf(read) : undefined;
    return isObject(body) && body['id'] === id && isRunName(markedName('Users', body));
  }

  private isMarked(name: string): boolean {
    const lower = name.toLowerCase();
    return [...this.markers].some((marker) => lower.startsWith(marker));
  }

  /** A group gets only the run's own users as members, whatever the body says. */
  private async checkMembers(method: string, path: string, kind: GuardedKind, body: unknown): Promise<void> {
    if (kind !== 'Groups') return;
    const added = method === 'PATCH' ? patchedMembers(body) : memberIds(isObject(body) ? body['members'] : undefined);
    for (const id of added) {
      const verification = this.created.has(key('Users', id)) ? await this.verify('Users', id) : undefined;
      if (verification?.ours !== true) throw new WriteGuardRefusal(method, path, 'members', `member ${id} is not a user this run created and read back as its own`);
    }
  }

  private targetOf(path: string): Target | undefined {
    let relative = path.split(/[?#]/)[0] ?? '';
    if (/^https?:\/\//i.test(relative)) {
      if (!relative.startsWith(`${this.options.baseUrl}/`)) return undefined;
      relative = relative.slice(this.options.baseUrl.length);
    }
    if (/\/\.search$/.test(relative)) return { search: true };
    const match = /^\/(Users|Groups)(?:\/([^/]+))?\/?$/.exec(relative);
    if (match === null) return undefined;
    const kind = match[1] as GuardedKind;
    if (match[2] === undefined) return { kind, search: false };
    try {
      return { kind, id: decodeURIComponent(match[2]), search: false };
    } catch {
      return undefined;
    }
  }
}

/** The name a resource is known by: a group's displayName; a user's userName, or without one its externalId or displayName. */
export function markedName(kind: GuardedKind, resource: Record<string, unknown>): string | undefined {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  if (kind === 'Groups') return text(resource['displayName']);
  return text(resource['userName']) ?? text(resource['externalId']) ?? text(resource['displayName']);
}

function bodyOf(exchange: Exchange): unknown {
  if (exchange.response === undefined) return undefined;
  const parsed = jsonBody(exchange.response);
  return parsed.kind === 'json' ? parsed.value : undefined;
}

/**
 * The resource itself; for a server that answers GET by id with a ListResponse, the one listed
 * with that id (what is judged is still its id and its name).
 */
function resourceIn(body: unknown, id: string): unknown {
  if (!isObject(body) || !Array.isArray(body['Resources']) || 'id' in body) return body;
  return body['Resources'].find((item: unknown) => isObject(item) && item['id'] === id) ?? body;
}

function nameOf(kind: GuardedKind, body: unknown): string | undefined {
  return isObject(body) ? markedName(kind, body) : undefined;
}

/** The id a creation answer names: the body's `id`, else the last segment of its Location header. */
export function createdId(exchange: Exchange): string | undefined {
  const body = bodyOf(exchange);
  const id = isObject(body) ? body['id'] : undefined;
  if (typeof id === 'string' && id !== '') return id;
  const location = exchange.response?.headers['location'];
  const last = location?.replace(/\/+$/, '').split('/').pop();
  if (last === undefined || last === '') return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return undefined;
  }
}

function memberIds(members: unknown): string[] {
  const list = Array.isArray(members) ? members : members === undefined || members === null ? [] : [members];
  // A member we cannot read an id from is not one we know: it is refused as "unknown".
  return list.map((member) => (isObject(member) && typeof member['value'] === 'string' ? member['value'] : JSON.stringify(member)));
}

/** The member ids a PATCH adds: `add` or `replace` of `members`, or a no-path value with `members`. */
function patchedMembers(body: unknown): string[] {
  const operations = isObject(body) && Array.isArray(body['Operations']) ? body['Operations'] : [];
  return operations.flatMap((operation: unknown) => {
    if (!isObject(operation)) return [];
    const op = String(operation['op']).toLowerCase();
    if (op !== 'add' && op !== 'replace') return [];
    const path = typeof operation['path'] === 'string' ? operation['path'].toLowerCase() : undefined;
    if (path === undefined) {
      const value = operation['value'];
      const members = isObject(value) ? Object.entries(value).find(([name]) => name.toLowerCase() === 'members')?.[1] : undefined;
      return memberIds(members);
    }
    return path.startsWith('members') ? memberIds(operation['value']) : [];
  });
}

/** A raw body as JSON when it is JSON: the guard reads members from it like from any other. */
export function parsedBody(body: string | undefined): unknown {
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
