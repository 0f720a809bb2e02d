import { randomUUID } from 'node:crypto';
import type { Exchange } from './http/exchange.js';
import type { ScimClient } from './http/client.js';

/** The requests the identity providers send when an admin tests the connection, byte for byte. */
export const OKTA_HEADERS = {
  accept: 'application/scim+json',
  'accept-charset': 'utf-8',
  'user-agent': 'Okta SCIM Client 1.0.0',
};

/** Okta's "Test Connector Configuration": constant parameters, the store may be empty. */
export function oktaConnectionProbe(client: ScimClient): Promise<Exchange> {
  return client.send({ path: '/Users', query: { startIndex: 1, count: 2 }, headers: OKTA_HEADERS });
}

/** Entra's "Test Connection": a filter on the matching attribute for a random GUID. */
export function entraConnectionProbe(client: ScimClient): Promise<Exchange> {
  return client.send({ path: '/Users', query: { filter: `userName eq "${randomUUID()}"` } });
}

/** Okta's group import page and its SPEC test's GET /Groups. */
export function groupsProbe(client: ScimClient): Promise<Exchange> {
  return client.send({ path: '/Groups', query: { startIndex: 1, count: 100 }, headers: OKTA_HEADERS });
}
