/**
 * SCIM_USER_TEMPLATE: attributes a team's server needs on every user (an employee number, an
 * extension it requires, a department), in the spirit of Okta's and Entra's attribute mappings. The
 * template is merged into every user the suite creates; what the suite sets itself wins, so each
 * test user keeps its run-marked userName, and the attributes a check sends on purpose stay as sent.
 */
import { readFileSync } from 'node:fs';

export type UserTemplate = Record<string, unknown>;

/**
 * Attributes a template may not set: the run marker (userName), what the server assigns (id, meta,
 * groups), what the checks change on purpose (active, password), and externalId, by which Entra's
 * checks match one user and nobody else.
 */
export const TEMPLATE_RESERVED = ['userName', 'id', 'meta', 'groups', 'active', 'password', 'externalId'] as const;

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The template in the file, or the sentence that says what is wrong with it (for a ConfigError). */
export function readUserTemplate(path: string): UserTemplate | string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return `SCIM_USER_TEMPLATE "${path}" cannot be read: set it to a JSON file of the attributes every test user needs, e.g. {"title":"Tester"}.`;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `SCIM_USER_TEMPLATE "${path}" is not JSON (${(error as Error).message}): it holds one JSON object of User attributes.`;
  }
  return userTemplateProblem(path, value) ?? (value as UserTemplate);
}

/** Why a parsed template cannot be used, or undefined. */
export function userTemplateProblem(path: string, value: unknown): string | undefined {
  if (!isPlainObject(value)) return `SCIM_USER_TEMPLATE "${path}" must hold one JSON object of User attributes, e.g. {"title":"Tester"}.`;
  const reserved = TEMPLATE_RESERVED.filter((name) => Object.keys(value).some((key) => key.toLowerCase() === name.toLowerCase()));
  if (reserved.length > 0) {
    return `SCIM_USER_TEMPLATE "${path}" sets ${reserved.join(', ')}, which the suite sets itself (its run marker, or what its checks change): remove ${reserved.length === 1 ? 'it' : 'them'}.`;
  }
  const schemas = value['schemas'];
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.every((schema) => typeof schema === 'string'))) {
    return `SCIM_USER_TEMPLATE "${path}" has "schemas" that is not a list of URNs.`;
  }
  return undefined;
}

/** `base` with `extra` filled in where it has nothing: objects are merged member by member, anything else of `base` wins. */
function fillIn(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const own = merged[key];
    if (own === undefined) merged[key] = value;
    else if (isPlainObject(own) && isPlainObject(value)) merged[key] = fillIn(own, value);
  }
  return merged;
}

/**
 * A user the suite is about to create, with the template merged in. Every extension attribute (a
 * key that is a schema URN) has its schema listed in `schemas`, as RFC 7643 §3 requires. Merging
 * twice gives the same body.
 */
export function withUserTemplate(body: Record<string, unknown>, template: UserTemplate | undefined): Record<string, unknown> {
  if (template === undefined) return body;
  const { schemas: templateSchemas, ...attributes } = template;
  const merged = fillIn(body, attributes);
  const listed = [...(Array.isArray(body['schemas']) ? body['schemas'] : []), ...(Array.isArray(templateSchemas) ? templateSchemas : [])];
  const extensions = Object.keys(merged).filter((key) => key.startsWith('urn:'));
  const schemas = [...new Set([...listed, ...extensions])];
  return schemas.length === 0 ? merged : { ...merged, schemas };
}
