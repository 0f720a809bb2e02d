import { listedResources, objectBody } from '../checks/answers.js';
import { escapeControl } from '../diagnose/escape.js';
import type { Exchange } from '../http/exchange.js';
import type { ScimClient } from '../http/client.js';
import type { Target } from './target.js';
import {
  describeCleanup,
  emptyReport,
  isRunName,
  NAME_ATTRIBUTE,
  removeResource,
  runStartOf,
  TEST_PREFIX,
  type CleanupReport,
  type CreatedResource,
  type ResourceKind,
} from './test-data.js';

const PAGE = 100;
/** Answers that say there is no such endpoint: 404 (no route) and 501 (not implemented), as src/suite/capabilities.ts reads /Groups. */
const NO_ENDPOINT = new Set([404, 501]);
/** The run prefix at the start of a run name. */
const RUN_OF = /^scimc-[0-9a-z]{8}-[0-9a-f]{6}-/;
/** A sweep reads at most this many pages per resource type, so a huge store cannot hold it up. */
const MAX_PAGES = 100;
/**
 * A sweep leaves younger runs alone: another run against the same server may still be going. Only
 * a named run (`cleanup --run <prefix>`, what an interrupted run does on its way out) has none.
 */
export const SWEEP_GRACE_MS = 60 * 60 * 1000;

export interface SweepOptions {
  /** Leave alone runs that started less than this long ago (they may still be going). */
  olderThanMs: number;
  now?: number;
  /** Only this run's resources (its `scimc-<time>-<random>-` prefix), for an interrupted run's own cleanup. */
  onlyPrefix?: string;
  /**
   * Also look for users by externalId: a broken server may have created the bad-input check's user
   * without a userName, and it carries its run name only there. One more listing, which the cleanup
   * command makes; the sweep at the start of a run does not.
   */
  byExternalId?: boolean;
  /**
   * Told, before anything is removed, what will be; `report` then fills as it goes. An interrupted
   * run's cleanup uses it to say what is still left when it is interrupted in turn.
   */
  onCandidates?: (candidates: readonly CreatedResource[], report: Readonly<CleanupReport>) => void;
}

export interface SweepReport extends CleanupReport {
  /** Resource types that could not be listed, and why: what they hold is unknown. */
  unlisted: Array<{ kind: ResourceKind; reason: string }>;
  /** Resource types the server does not offer (GET /Groups 404 or 501 while /Users lists): nothing of them to sweep, and nothing failed. */
  absent?: Array<{ kind: ResourceKind; reason: string }>;
  /** Leftovers of runs younger than the grace period, left alone. */
  spared: CreatedResource[];
}

/**
 * Finds what earlier, interrupted runs left behind and removes it. Only names with the whole
 * `scimc-<time>-<random>-` shape are touched; the server's filter is used to find candidates, and
 * every candidate is checked again here, so a server that ignores the filter (or answers it with
 * everyone) cannot make the sweep delete anyone else. The client's write guard then reads each
 * candidate back before its DELETE: it must still carry such a name, and a group must hold test
 * users only (one that holds anyone else is left alone, and reported).
 */
export async function sweepLeftovers(client: ScimClient, options: SweepOptions): Promise<SweepReport> {
  const absent: NonNullable<SweepReport['absent']> = [];
  const report: SweepReport = { ...emptyReport(), unlisted: [], absent, spared: [] };
  const cutoff = (options.now ?? Date.now()) - options.olderThanMs;
  const sweepable = (name: string) => (options.onlyPrefix !== undefined ? name.startsWith(options.onlyPrefix) : (runStartOf(name) ?? Number.POSITIVE_INFINITY) <= cutoff);
  client.guard.allowSweep(sweepable);
  // Listed together; removed groups first, as they may hold test users as members.
  const searches: Array<{ kind: ResourceKind; attribute: string }> = [
    { kind: 'Groups', attribute: NAME_ATTRIBUTE.Groups },
    { kind: 'Users', attribute: NAME_ATTRIBUTE.Users },
    ...(options.byExternalId === true ? [{ kind: 'Users' as const, attribute: 'externalId' }] : []),
  ];
  const listings = await Promise.all(searches.map(({ kind, attribute }) => findOurs(client, kind, attribute)));
  const seen = new Set<string>();
  const candidates: CreatedResource[] = [];
  const usersListed = listings.some((listing, index) => searches[index]?.kind === 'Users' && 'found' in listing);
  for (const [index, { kind, attribute }] of searches.entries()) {
    const listing = listings[index] ?? { reason: 'not listed' };
    if ('reason' in listing && usersListed && kind === 'Groups' && listing.status !== undefined && NO_ENDPOINT.has(listing.status)) {
      absent.push({ kind, reason: listing.reason });
      continue;
    }
    if ('reason' in listing) {
      report.unlisted.push({ kind, reason: attribute === NAME_ATTRIBUTE[kind] ? listing.reason : `by ${attribute}: ${listing.reason}` });
      continue;
    }
    for (const resource of listing.found) {
      if (seen.has(resource.id)) continue;
      seen.add(resource.id);
      if (options.onlyPrefix !== undefined && !resource.name.startsWith(options.onlyPrefix)) continue;
      if (sweepable(resource.name)) candidates.push(resource);
      else report.spared.push(resource);
    }
  }
  options.onCandidates?.(candidates, report);
  for (const resource of candidates) await removeResource(client, resource, report);
  return report;
}

/**
 * What `cleanup` sweeps: one named run's resources whatever their age (an interrupted run's own
 * cleanup), or else every run's older than the grace period, since a younger one may still be
 * going. Also by externalId, for a user a broken server created without a userName.
 */
export function cleanupSweepOptions(onlyPrefix: string | undefined): SweepOptions {
  return onlyPrefix === undefined ? { olderThanMs: SWEEP_GRACE_MS, byExternalId: true } : { olderThanMs: Number.NEGATIVE_INFINITY, byExternalId: true, onlyPrefix };
}

/**
 * The sweep at the start of a write run: removes leftovers of runs older than the grace period.
 * Sends nothing at all in a read-only run. Never throws: a failed sweep must not stop the run.
 */
export async function sweepAtStart(client: ScimClient, target: Pick<Target, 'write'>, graceMs = SWEEP_GRACE_MS): Promise<SweepReport | undefined> {
  if (!target.write) return undefined;
  try {
    return await sweepLeftovers(client, { olderThanMs: graceMs });
  } catch (error) {
    return { ...emptyReport(), unlisted: [{ kind: 'Users', reason: (error as Error).message }], absent: [], spared: [] };
  }
}

/**
 * What a sweep did, one line each, for the banner or the cleanup command; [] when there was nothing.
 * A resource type the server does not offer is no failure: it is left out (see `absentLines`).
 */
export function describeSweep(report: SweepReport): string[] {
  // Names, ids and reasons come from the server: each line stays one line, without control characters.
  const lines = report.deleted.map((r) => escapeControl(`deleted ${r.kind === 'Users' ? 'user' : 'group'} ${r.name} (id ${r.id})`));
  lines.push(...describeCleanup(report));
  for (const { kind, reason } of report.unlisted) lines.push(escapeControl(`could not list ${kind} to look for leftovers: ${reason}`));
  if (report.spared.length > 0) {
    const runs = [...new Set(report.spared.map((r) => RUN_OF.exec(r.name)?.[0] ?? r.name))];
    lines.push(
      escapeControl(
        `left alone: ${report.spared.length} resource(s) of runs younger than the grace period, which may still be going: ${runs.join(', ')} (\`cleanup --run <prefix>\` removes one run's now)`,
      ),
    );
  }
  return lines;
}

/** One plain line per resource type the server does not offer, for the cleanup command (the banner says nothing of it). */
export function absentLines(report: Pick<SweepReport, 'absent'>): string[] {
  return (report.absent ?? []).map(({ kind, reason }) => escapeControl(`no ${kind} to sweep: the server does not offer them (${reason})`));
}

/** A listing, or why there is none: `status` when the server answered, to tell a type it does not offer (404, 501). */
type Listing = { found: CreatedResource[] } | { reason: string; status?: number | undefined };

async function findOurs(client: ScimClient, kind: ResourceKind, attribute: string): Promise<Listing> {
  const filtered = await listAll(client, kind, `${attribute} sw "${TEST_PREFIX}"`);
  // A server without `sw` refuses the filter: read everything instead, and pick ours here.
  const listing = 'reason' in filtered ? await listAll(client, kind, undefined) : filtered;
  if ('reason' in listing) return listing;
  const found: CreatedResource[] = [];
  for (const resource of listing.resources) {
    const id = resource['id'];
    const name = resource[attribute];
    // By another attribute, only a resource without a name of its own: never someone else's user.
    const named = resource[NAME_ATTRIBUTE[kind]];
    if (attribute !== NAME_ATTRIBUTE[kind] && typeof named === 'string' && named !== '') continue;
    if (typeof id === 'string' && id !== '' && isRunName(name) && !found.some((r) => r.id === id)) found.push({ kind, id, name });
  }
  return { found };
}

async function listAll(
  client: ScimClient,
  kind: ResourceKind,
  filter: string | undefined,
): Promise<{ resources: Array<Record<string, unknown>> } | { reason: string; status: number | undefined }> {
  const resources: Array<Record<string, unknown>> = [];
  const seen = new Set<string>();
  for (let page = 0; page < MAX_PAGES; page++) {
    const exchange = await client.send({
      path: `/${kind}`,
      query: { ...(filter === undefined ? {} : { filter }), startIndex: page * PAGE + 1, count: PAGE },
    });
    const items = listedResources(exchange);
    if (items === undefined) {
      if (page === 0) return { reason: unlistedReason(exchange), status: exchange.response?.status };
      break;
    }
    let fresh = 0;
    for (const item of items) {
      const id = item['id'];
      if (typeof id === 'string' && seen.has(id)) continue;
      if (typeof id === 'string') seen.add(id);
      resources.push(item);
      fresh += 1;
    }
    const total = objectBody(exchange)?.['totalResults'];
    // A server that ignores startIndex sends the same page again: nothing new means the end.
    if (fresh === 0 || items.length < PAGE || typeof total !== 'number' || (page + 1) * PAGE >= total) break;
  }
  return { resources };
}

function unlistedReason(exchange: Exchange): string {
  if (exchange.response === undefined) return exchange.error?.message ?? 'no answer';
  return `GET ${exchange.request.url} answered ${exchange.response.status}`;
}
