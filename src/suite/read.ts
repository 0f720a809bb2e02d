/**
 * What the read-path suites share: one test per rule that can also be skipped with a stated reason
 * (a feature the server does not advertise, a check that needs writes, too little data), the
 * ServiceProviderConfig read once per spec file, and the users and groups the checks look at.
 */
import { readFeatures, type Features } from '../checks/discovery.js';
import type { ScimClient } from '../http/client.js';
import { isObject, jsonBody, type Exchange } from '../http/exchange.js';
import { once } from './spec.js';

/** GET /ServiceProviderConfig, once per spec file: what the server says it supports. */
export function featuresOnce(client: ScimClient): () => Promise<Features> {
  return once(async () => readFeatures(await client.send({ path: '/ServiceProviderConfig' })));
}

/** The resources of a list answer, or [] when it is not one. */
export function resourcesIn(exchange: Exchange): Record<string, unknown>[] {
  const response = exchange.response;
  if (response === undefined) return [];
  const body = jsonBody(response);
  if (body.kind !== 'json' || !isObject(body.value) || !Array.isArray(body.value['Resources'])) return [];
  return body.value['Resources'].filter(isObject);
}

/** The JSON object of an answer, or undefined. */
export function objectIn(exchange: Exchange): Record<string, unknown> | undefined {
  const response = exchange.response;
  if (response === undefined) return undefined;
  const body = jsonBody(response);
  return body.kind === 'json' && isObject(body.value) ? body.value : undefined;
}

/** The reason given when a read-only run finds too little to judge a rule with. */
export function tooLittle(what: string): string {
  return `${what}; set SCIM_WRITE=true to let the suite create its own test users (prefix scimc-, removed afterwards)`;
}
