/**
 * What the read-path suites share: the ServiceProviderConfig read once per spec file, the resources
 * of a list answer, and the reason given when a read-only run finds too little data.
 */
import { readFeatures, type Features } from '../checks/discovery.js';
import type { ScimClient } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { listedResources } from '../checks/answers.js';
import { once } from './spec.js';

/** GET /ServiceProviderConfig, once per spec file: what the server says it supports. */
export function featuresOnce(client: ScimClient): () => Promise<Features> {
  return once(async () => readFeatures(await client.send({ path: '/ServiceProviderConfig' })));
}

/** The resources of a list answer, or [] when it is not one. */
export function resourcesIn(exchange: Exchange): Record<string, unknown>[] {
  return listedResources(exchange) ?? [];
}

/** The reason given when a read-only run finds too little to judge a rule with. */
export function tooLittle(what: string): string {
  return `${what}; set SCIM_WRITE=true to let the suite create its own test users (prefix scimc-, removed afterwards)`;
}
