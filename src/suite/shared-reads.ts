/**
 * Reads whose answers do not depend on anything the run changes, made once by the global setup
 * (while the workers start up) for every spec file that needs them: no two spec files send the
 * same request for the same answer.
 */
import { listedResources } from '../checks/answers.js';
import { MALFORMED_FILTERS } from '../checks/malformed-filters.js';
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
  /** GET /ResourceTypes and GET /Groups?startIndex=1&count=1: whether the server offers Groups at all (src/suite/capabilities.ts). */
  resourceTypes: Exchange;
  groups: Exchange;
}

/** The filter both the errors and the filters checks judge a refusal of. */
export const SHARED_MALFORMED_FILTER = MALFORMED_FILTERS[0] ?? 'userName eq';

/**
 * The first user Okta's connection probe listed (GET /Users?startIndex=1&count=2, the preflight's
 * request), for checks that read any user. Leftovers of earlier runs are passed over: the sweep may
 * remove them meanwhile.
 */
export function firstListedUserOf(preflight: Exchange): Record<string, unknown> | undefined {
  return (listedResources(preflight) ?? []).find((user) => !isRunName(user['userName']));
}

export async function readShared(client: ScimClient, preflight: Exchange): Promise<SharedReads> {
  const id = firstListedUserOf(preflight)?.['id'];
  const [serviceProviderConfig, malformedFilter, resourceTypes, groups, firstUser] = await Promise.all([
    client.send({ path: '/ServiceProviderConfig' }),
    client.send({ path: '/Users', query: { filter: SHARED_MALFORMED_FILTER } }),
    client.send({ path: '/ResourceTypes' }),
    client.send({ path: '/Groups', query: { startIndex: 1, count: 1 } }),
    typeof id === 'string' && id !== '' ? client.send({ path: `/Users/${encodeURIComponent(id)}` }) : undefined,
  ]);
  return { serviceProviderConfig, malformedFilter, resourceTypes, groups, ...(firstUser !== undefined && typeof id === 'string' ? { firstUser: { id, exchange: firstUser } } : {}) };
}
