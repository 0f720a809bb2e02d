/**
 * Reads whose answers do not depend on anything the run changes, made once by the global setup
 * (while the workers start up) for every spec file that needs them: no two spec files send the
 * same request for the same answer. The pages of the store are among them: read before any spec
 * file writes, they are the same pages in a read-only and a write run.
 */
import { listedResources } from '../checks/answers.js';
import { MALFORMED_FILTERS } from '../checks/malformed-filters.js';
import { gatherPages, OKTA_PAGE_SIZE, pageOf, type Page } from '../checks/paging.js';
import type { ScimClient } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { isRunName } from './test-data.js';

export interface SharedReads {
  /** Okta's connection probe, GET /Users?startIndex=1&count=2: the preflight's own exchange, which tells whether /Users works (src/suite/capabilities.ts). */
  users: Exchange;
  /** GET /ServiceProviderConfig: what the server says it supports (discovery, query parameters, ETag). */
  serviceProviderConfig: Exchange;
  /** GET /Users/{id} of the first user the preflight listed (errors, discovery), when it listed one. */
  firstUser?: { id: string; exchange: Exchange };
  /** GET /Users?filter=<a malformed filter>: a 400 invalidFilter with a SCIM Error body (errors, filters). */
  malformedFilter: Exchange;
  /**
   * GET /Users?filter=userName eq "<userName>" of that first user: DISCOVERY_FILTER_WORKS, and
   * FILTER_USERNAME_EQ and POST /.search's GET when they filter for the same user.
   */
  firstUserByName?: { filter: string; exchange: Exchange };
  /**
   * GET /Groups?startIndex=1&count=20: the groups the errors, filters and query-parameter checks
   * read. Not Okta's group import probe: the connection check times that one, and asks it again
   * while it is slow.
   */
  groups: Exchange;
  /** Entra's group lookup (groupLookupQuery) for the first listed group (firstListedGroupOf), when there is one: filters and query parameters. */
  groupLookup?: { displayName: string; exchange: Exchange };
  /** GET /ResourceTypes: with the groups above, whether the server offers Groups at all (src/suite/capabilities.ts). */
  resourceTypes: Exchange;
  /**
   * The pages of GET /Users the paging checks judge (src/checks/paging.ts, gatherPages),
   * startIndex=1&count=100 first. Only that first page when suites/paging.spec.ts is not in the run:
   * the other spec files read the first page alone.
   */
  paging: Page[];
}

/** The filter both the errors and the filters checks judge a refusal of. */
export const SHARED_MALFORMED_FILTER = MALFORMED_FILTERS[0] ?? 'userName eq';

/** Groups enough to find one with members among them. */
const GROUPS_LISTED = 20;

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

/** The first group listed, one with members first; leftovers of earlier runs passed over. */
export function firstListedGroupOf(groups: Exchange): Record<string, unknown> | undefined {
  const listed = (listedResources(groups) ?? []).filter((group) => !isRunName(group['displayName']));
  return listed.find((group) => Array.isArray(group['members']) && group['members'].length > 0) ?? listed[0];
}

/** Entra's group lookup, byte for byte (and Microsoft's "Get group by displayName, exclude members"). */
export function groupLookupQuery(displayName: string): Record<string, string> {
  return { excludedAttributes: 'members', filter: `displayName eq ${JSON.stringify(displayName)}` };
}

async function lookUpFirstGroup(client: ScimClient, groups: Exchange): Promise<SharedReads['groupLookup']> {
  const displayName = firstListedGroupOf(groups)?.['displayName'];
  if (typeof displayName !== 'string') return undefined;
  return { displayName, exchange: await client.send({ path: '/Groups', query: groupLookupQuery(displayName) }) };
}

/**
 * `swept` settles when the sweep of earlier runs' leftovers is done, with whether it changed the
 * store. The pages are read beside it, and read again after it when it did, as its deletions move
 * them: a sweep rarely finds anything, and reading after it every time would cost a round trip.
 * `walkPages`: whether the paging checks run, which judge all of the pages; without them only the
 * first page is read.
 */
export async function readShared(client: ScimClient, preflight: Exchange, swept: Promise<boolean> = Promise.resolve(false), walkPages = true): Promise<SharedReads> {
  const user = firstListedUserOf(preflight);
  const [id, userName] = [user?.['id'], user?.['userName']];
  const byName = typeof userName === 'string' ? `userName eq ${JSON.stringify(userName)}` : undefined;
  const pageAt = async (startIndex: number, count: number) => pageOf(await client.send({ path: '/Users', query: { startIndex, count } }), startIndex, count);
  // First beside the sweep, planned from the preflight's page (gatherPages); after a sweep that moved the store, without it.
  const readPages = async (known: Page[]) => (walkPages ? gatherPages(pageAt, known) : [await pageAt(1, OKTA_PAGE_SIZE)]);
  const groupsRead = client.send({ path: '/Groups', query: { startIndex: 1, count: GROUPS_LISTED } });
  const [serviceProviderConfig, malformedFilter, resourceTypes, groups, groupLookup, firstUser, firstUserByName, paging] = await Promise.all([
    client.send({ path: '/ServiceProviderConfig' }),
    client.send({ path: '/Users', query: { filter: SHARED_MALFORMED_FILTER } }),
    client.send({ path: '/ResourceTypes' }),
    groupsRead,
    groupsRead.then((listed) => lookUpFirstGroup(client, listed)),
    typeof id === 'string' && id !== '' ? client.send({ path: `/Users/${encodeURIComponent(id)}` }) : undefined,
    byName === undefined ? undefined : client.send({ path: '/Users', query: { filter: byName } }),
    readPages([pageOf(preflight, 1, PREFLIGHT_COUNT)]).then(async (pages) => ((await swept) ? readPages([]) : pages)),
  ]);
  return {
    users: preflight,
    serviceProviderConfig,
    malformedFilter,
    resourceTypes,
    groups,
    paging,
    ...(groupLookup !== undefined ? { groupLookup } : {}),
    ...(firstUser !== undefined && typeof id === 'string' ? { firstUser: { id, exchange: firstUser } } : {}),
    ...(firstUserByName !== undefined && byName !== undefined ? { firstUserByName: { filter: byName, exchange: firstUserByName } } : {}),
  };
}
