/**
 * Reads whose answers do not depend on anything the run changes, made once by the global setup
 * (while the workers start up) for every spec file that needs them: no two spec files send the
 * same request for the same answer. The pages of the store are among them: read before any spec
 * file writes, they are the same pages in a read-only and a write run.
 */
import { listedResources } from '../checks/answers.js';
import { MALFORMED_FILTERS } from '../checks/malformed-filters.js';
import { gatherPages, pageOf, type Page } from '../checks/paging.js';
import type { ScimClient } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { isRunName } from './test-data.js';

export interface SharedReads {
  /** GET /ServiceProviderConfig: what the server says it supports (discovery, query parameters, ETag). */
  serviceProviderConfig: Exchange;
  /** GET /Users/{id} of the first user the preflight listed (errors, discovery), when it listed one. */
  firstUser?: { id: string; exchange: Exchange };
  /** GET /Users?filter=<a malformed filter>: a 400 invalidFilter with a SCIM Error body (errors, filters). */
  malformedFilter: Exchange;
  /** The pages of GET /Users the paging checks judge (src/checks/paging.ts, gatherPages), startIndex=1&count=100 first. */
  paging: Page[];
}

/** The filter both the errors and the filters checks judge a refusal of. */
export const SHARED_MALFORMED_FILTER = MALFORMED_FILTERS[0] ?? 'userName eq';

/** The preflight asked for startIndex=1&count=2 (Okta's connection probe). */
const PREFLIGHT_COUNT = 2;

/**
 * The first user Okta's connection probe listed (GET /Users?startIndex=1&count=2, the preflight's
 * request), for checks that read any user. Leftovers of earlier runs are passed over: the sweep may
 * remove them meanwhile.
 */
export function firstListedUserOf(preflight: Exchange): Record<string, unknown> | undefined {
  return (listedResources(preflight) ?? []).find((user) => !isRunName(user['userName']));
}

/**
 * `swept` settles when the sweep of earlier runs' leftovers is done: the pages are read after it,
 * as its deletions would move them.
 */
export async function readShared(client: ScimClient, preflight: Exchange, swept: Promise<unknown> = Promise.resolve()): Promise<SharedReads> {
  const id = firstListedUserOf(preflight)?.['id'];
  const pageAt = async (startIndex: number, count: number) => pageOf(await client.send({ path: '/Users', query: { startIndex, count } }), startIndex, count);
  const [serviceProviderConfig, malformedFilter, firstUser, paging] = await Promise.all([
    client.send({ path: '/ServiceProviderConfig' }),
    client.send({ path: '/Users', query: { filter: SHARED_MALFORMED_FILTER } }),
    typeof id === 'string' && id !== '' ? client.send({ path: `/Users/${encodeURIComponent(id)}` }) : undefined,
    swept.then(() => gatherPages(pageAt, [pageOf(preflight, 1, PREFLIGHT_COUNT)])),
  ]);
  return {
    serviceProviderConfig,
    malformedFilter,
    paging,
    ...(firstUser !== undefined && typeof id === 'string' ? { firstUser: { id, exchange: firstUser } } : {}),
  };
}
