import { isObject, jsonBody } from '../http/exchange.js';
import type { ScimClient } from '../http/client.js';
import { removeResource, runStartOf, TEST_PREFIX, type CleanupReport, type CreatedResource, type ResourceKind } from './test-data.js';

const NAME_ATTRIBUTE: Record<ResourceKind, string> = { Users: 'userName', Groups: 'displayName' };
const PAGE = 100;
/** A sweep reads at most this many pages per resource type, so a huge store cannot hold it up. */
const MAX_PAGES = 100;

export interface SweepOptions {
  /** Leave alone runs that started less than this long ago (they may still be going). */
  olderThanMs: number;
  now?: number;
}

/**
 * Finds what earlier, interrupted runs left behind and removes it. Only names that carry the
 * `scimc-<time>-<random>-` shape are touched; the server's filter is used to find candidates, and
 * every candidate is checked again here, so a server that ignores the filter cannot make the sweep
 * delete anyone else.
 */
export async function sweepLeftovers(client: ScimClient, options: SweepOptions): Promise<CleanupReport> {
  const report: CleanupReport = { deleted: [], deactivated: [], failed: [] };
  const cutoff = (options.now ?? Date.now()) - options.olderThanMs;
  // Groups first: they may hold test users as members.
  for (const kind of ['Groups', 'Users'] as const) {
    for (const resource of await findOurs(client, kind)) {
      const started = runStartOf(resource.name);
      if (started !== undefined && started <= cutoff) await removeResource(client, resource, report);
    }
  }
  return report;
}

async function findOurs(client: ScimClient, kind: ResourceKind): Promise<CreatedResource[]> {
  const attribute = NAME_ATTRIBUTE[kind];
  const found: CreatedResource[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const exchange = await client.send({
      path: `/${kind}`,
      query: { filter: `${attribute} sw "${TEST_PREFIX}"`, startIndex: page * PAGE + 1, count: PAGE },
    });
    const body = exchange.response?.status === 200 ? jsonBody(exchange.response) : undefined;
    if (body?.kind !== 'json' || !isObject(body.value) || !Array.isArray(body.value['Resources'])) break;
    const resources = body.value['Resources'] as unknown[];
    for (const resource of resources) {
      if (!isObject(resource)) continue;
      const id = resource['id'];
      const name = resource[attribute];
      if (typeof id === 'string' && typeof name === 'string' && runStartOf(name) !== undefined) found.push({ kind, id, name });
    }
    const total = body.value['totalResults'];
    if (resources.length < PAGE || typeof total !== 'number' || (page + 1) * PAGE >= total) break;
  }
  return found;
}
