import { isObject, type Exchange } from '../http/exchange.js';
import { defineRules, type Rule } from './rule.js';
import { CheckRun, DOES_NOT_APPLY } from './run.js';

/**
 * RFC 7643 rules about the resources a server returns, judged on the users it lists anyway (the
 * preflight's page): no extra request, and nothing the run wrote. Rules about values few users hold
 * (certificates, address countries) are skipped when no listed user holds one.
 */
export const representationRules = defineRules({
  RESOURCE_PRIMARY_ONCE: {
    title: 'a multi-valued attribute has at most one value with primary true',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7643 §2.4 ("The primary attribute value true MUST appear no more than once")',
    requirement: 'In emails, phoneNumbers, addresses and every other multi-valued attribute of a returned resource, at most one value carries "primary": true.',
    fix: 'When a value is made primary, set primary false on the others (RFC 7644 §3.5.2 asks the same of PATCH).',
  },
  RESOURCE_NO_DUPLICATE_VALUES: {
    title: 'a multi-valued attribute repeats no (type, value) pair',
    requiredBy: { rfc: 'SHOULD' },
    source: 'RFC 7643 §2.4 ("Service providers SHOULD NOT return the same (type, value) combination more than once per attribute")',
    requirement: 'No two values of one multi-valued attribute have the same type and value.',
    fix: 'De-duplicate multi-valued attributes when storing them (a client that adds an existing email again must not create a second copy).',
  },
  RESOURCE_ID_NOT_BULKID: {
    title: 'no id contains the reserved word "bulkId"',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7643 §3.1 ("The string bulkId is a reserved keyword and MUST NOT be used within any unique identifier value")',
    requirement: 'The ids the server issues never contain "bulkId", which bulk requests use to refer to resources not yet created.',
    fix: 'Issue ids without the substring "bulkId" (a UUID never has it).',
  },
  RESOURCE_SCHEMAS_DECLARED: {
    title: 'a resource lists in "schemas" only its resource type\'s schemas, each once, required extensions included',
    requiredBy: { rfc: 'MUST' },
    source:
      'RFC 7643 §3 ("schemas MUST only contain values defined as schema and schemaExtensions for the resource\'s defined resourceType"; "Duplicate values MUST NOT be included"), §6 (a required extension MUST be included)',
    requirement:
      'Each value of a user\'s "schemas" is the User resource type\'s schema or one of its schemaExtensions in /ResourceTypes, none twice, and every extension marked required is there.',
    fix: 'Build "schemas" from the resource type: its core schema, plus the URN of each extension the resource holds attributes of.',
  },
  RESOURCE_REFERENCE_URI: {
    title: 'every "$ref" and meta.location of a returned resource is a URI',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7643 §2.3.7 (a reference is a URI), §3.1 (meta.location: "The URI of the resource being returned"); RFC 3986 §2, §4.1',
    requirement:
      'Each "$ref" (groups, members, manager and any other reference) and meta.location is a string made only of the characters RFC 3986 allows in a URI reference; an absolute one parses as a URI.',
    fix: 'Build references with a URL library from the base URL and the id (percent-encode what the id holds), never by pasting display names or raw ids with spaces into them.',
  },
  RESOURCE_BINARY_BASE64: {
    title: 'an x509Certificates value is base64',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7643 §2.3.6 (binary: "MUST be base64 encoded"), §4.1.2 (x509Certificates: one DER-encoded certificate, "which MUST be base64 encoded")',
    requirement: 'The "value" of each x509Certificates entry is base64 (RFC 4648 §4, or base64url §5): the DER bytes encoded, not PEM with its BEGIN CERTIFICATE lines, not hex.',
    fix: 'Store and return the DER certificate base64-encoded; strip the PEM armour and line breaks.',
  },
  RESOURCE_COUNTRY_ALPHA2: {
    title: 'an address country is an ISO 3166-1 alpha-2 code',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7643 §4.1.2 (addresses.country: "When specified, the value MUST be in ISO 3166-1 alpha-2 code format")',
    requirement: 'The "country" of each address, when present, is two letters, e.g. "US" or "SE", not "Germany" or "USA".',
    fix: 'Map country names to their alpha-2 code when storing an address (and refuse or convert what a client sends in another form).',
  },
});

const NOT_MULTI_VALUED = new Set(['schemas']);

/** The multi-valued attributes of a resource, extension attributes included, by their path. */
function multiValuedAttributes(resource: Record<string, unknown>): Array<[string, unknown[]]> {
  const found: Array<[string, unknown[]]> = [];
  for (const [name, value] of Object.entries(resource)) {
    if (Array.isArray(value) && !NOT_MULTI_VALUED.has(name)) found.push([name, value]);
    else if (name.startsWith('urn:') && isObject(value)) {
      for (const [sub, subValue] of Object.entries(value)) if (Array.isArray(subValue)) found.push([`${name}:${sub}`, subValue]);
    }
  }
  return found;
}

function multiValuedProblems(resource: Record<string, unknown>): { primary: string[]; duplicates: string[] } {
  const primary: string[] = [];
  const duplicates: string[] = [];
  const who = `user ${String(resource['id'])}`;
  for (const [path, values] of multiValuedAttributes(resource)) {
    const objects = values.filter(isObject);
    const primaries = objects.filter((value) => value['primary'] === true).length;
    if (primaries > 1) primary.push(`${who}: ${path} has ${primaries} values with primary true`);
    const pairs = objects.filter((value) => value['value'] !== undefined).map((value) => JSON.stringify([value['type'] ?? null, value['value']]));
    const repeated = [...new Set(pairs.filter((pair, index) => pairs.indexOf(pair) !== index))];
    if (repeated.length > 0) duplicates.push(`${who}: ${path} repeats ${repeated.join(', ')}`);
  }
  return { primary, duplicates };
}

/** The schema URNs the User resource type declares, or undefined when /ResourceTypes does not say. */
export interface DeclaredSchemas {
  allowed: string[];
  required: string[];
}

export function declaredUserSchemas(resourceTypes: unknown[]): DeclaredSchemas | undefined {
  // A User type at "/users" is DISCOVERY_RESOURCE_TYPES' finding; its schemas are still the User's.
  const user = resourceTypes.find((type) => isObject(type) && String(type['endpoint']).toLowerCase() === '/users');
  if (!isObject(user) || typeof user['schema'] !== 'string') return undefined;
  const extensions = (Array.isArray(user['schemaExtensions']) ? user['schemaExtensions'] : []).filter(isObject);
  const urn = (extension: Record<string, unknown>) => (typeof extension['schema'] === 'string' ? [extension['schema']] : []);
  return {
    allowed: [user['schema'], ...extensions.flatMap(urn)],
    required: extensions.filter((extension) => extension['required'] === true).flatMap(urn),
  };
}

function schemasProblems(resource: Record<string, unknown>, declared: DeclaredSchemas): string[] {
  const who = `user ${String(resource['id'])}`;
  const schemas = Array.isArray(resource['schemas']) ? resource['schemas'].map(String) : [];
  const allowed = new Set(declared.allowed.map((urn) => urn.toLowerCase()));
  const lowered = schemas.map((urn) => urn.toLowerCase());
  return [
    ...schemas.filter((urn) => !allowed.has(urn.toLowerCase())).map((urn) => `${who}: "schemas" holds ${urn}, which the User resource type does not declare`),
    ...schemas.filter((urn, index) => lowered.indexOf(urn.toLowerCase()) !== index).map((urn) => `${who}: "schemas" holds ${urn} twice`),
    ...declared.required.filter((urn) => !lowered.includes(urn.toLowerCase())).map((urn) => `${who}: the required extension ${urn} is missing from "schemas"`),
  ];
}

/** Every value found under `key` anywhere in `value`, with the path that leads to it. */
function valuesUnder(value: unknown, key: string, path = ''): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.flatMap((item) => valuesUnder(item, key, path));
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([name, sub]) => {
    const here = path === '' ? name : `${path}.${name}`;
    return name === key ? [[here, sub] as [string, unknown]] : valuesUnder(sub, key, here);
  });
}

// RFC 3986 §2: unreserved, reserved and percent-encoded characters; nothing else belongs in a URI reference.
const URI_REFERENCE = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$/;
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

function isUriReference(value: unknown): boolean {
  if (typeof value !== 'string' || !URI_REFERENCE.test(value)) return false;
  if (!HAS_SCHEME.test(value)) return true;
  return URL.canParse(value);
}

function referenceProblems(resource: Record<string, unknown>): string[] {
  const who = `user ${String(resource['id'])}`;
  const meta = isObject(resource['meta']) ? resource['meta'] : {};
  const references: Array<[string, unknown]> = [...valuesUnder(resource, '$ref'), ...('location' in meta ? [['meta.location', meta['location']] as [string, unknown]] : [])];
  return references.filter(([, value]) => !isUriReference(value)).map(([path, value]) => `${who}: ${path} is ${JSON.stringify(value)}, not a URI`);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** The x509Certificates values of the listed users, and those that are not base64. */
function certificateProblems(users: Record<string, unknown>[]): { seen: number; problems: string[] } {
  const values = users.flatMap((user) =>
    (Array.isArray(user['x509Certificates']) ? user['x509Certificates'] : []).filter(isObject).map((entry) => [user['id'], entry['value']] as const),
  );
  const wrong = values.filter(([, value]) => typeof value !== 'string' || value === '' || !(BASE64.test(value) || BASE64URL.test(value)));
  return { seen: values.length, problems: wrong.map(([id, value]) => `user ${String(id)}: x509Certificates value ${JSON.stringify(value).slice(0, 80)} is not base64`) };
}

/** The address countries of the listed users, and those that are not two letters. */
function countryProblems(users: Record<string, unknown>[]): { seen: number; problems: string[] } {
  const countries = users.flatMap((user) =>
    (Array.isArray(user['addresses']) ? user['addresses'] : [])
      .filter((address) => isObject(address) && 'country' in address)
      .map((address) => [user['id'], (address as Record<string, unknown>)['country']] as const),
  );
  const wrong = countries.filter(([, country]) => typeof country !== 'string' || !/^[A-Za-z]{2}$/.test(country));
  return { seen: countries.length, problems: wrong.map(([id, country]) => `user ${String(id)}: address country ${JSON.stringify(country)} is not an alpha-2 code`) };
}

/**
 * A rule about values few users have: judged when a listed user has one. When none does, the rule
 * does not apply (DOES_NOT_APPLY), and the rest of its area can still work.
 */
function expectNoneIfSeen(run: CheckRun, rule: Rule, found: { seen: number; problems: string[] }, what: string, exchange: Exchange): void {
  if (found.seen === 0) run.skip(rule, `${DOES_NOT_APPLY}no listed user has ${what}`);
  else expectNone(run, rule, found.problems, exchange);
}

/**
 * The users of a list answer (`page`) against RFC 7643 §2.4, §3 and §3.1. `declared` is what
 * /ResourceTypes says of the User type, or why that is not known.
 */
export function checkRepresentations(page: Exchange, users: Record<string, unknown>[], declared: DeclaredSchemas | string): CheckRun {
  const run = new CheckRun();
  if (users.length === 0) {
    for (const rule of Object.values(representationRules)) run.skip(rule, 'the server lists no user to look at');
    return run;
  }
  const multiValued = users.map(multiValuedProblems);
  expectNone(
    run,
    representationRules.RESOURCE_PRIMARY_ONCE,
    multiValued.flatMap((problems) => problems.primary),
    page,
  );
  expectNone(
    run,
    representationRules.RESOURCE_NO_DUPLICATE_VALUES,
    multiValued.flatMap((problems) => problems.duplicates),
    page,
  );
  const bulkIds = users.filter((user) => String(user['id']).includes('bulkId')).map((user) => `the id ${JSON.stringify(user['id'])} contains "bulkId"`);
  expectNone(run, representationRules.RESOURCE_ID_NOT_BULKID, bulkIds, page);
  if (typeof declared === 'string') run.skip(representationRules.RESOURCE_SCHEMAS_DECLARED, declared);
  else
    expectNone(
      run,
      representationRules.RESOURCE_SCHEMAS_DECLARED,
      users.flatMap((user) => schemasProblems(user, declared)),
      page,
    );
  checkValueFormats(run, page, users);
  return run;
}

/** RFC 7643 §2.3.6, §2.3.7 and §4.1.2: references, binaries and countries in their formats. */
function checkValueFormats(run: CheckRun, page: Exchange, users: Record<string, unknown>[]): void {
  const references = users.map((user) => referenceProblems(user));
  const seen = users.filter((user) => valuesUnder(user, '$ref').length > 0 || (isObject(user['meta']) && 'location' in user['meta'])).length;
  expectNoneIfSeen(run, representationRules.RESOURCE_REFERENCE_URI, { seen, problems: references.flat() }, 'a "$ref" or a meta.location', page);
  expectNoneIfSeen(run, representationRules.RESOURCE_BINARY_BASE64, certificateProblems(users), 'x509Certificates', page);
  expectNoneIfSeen(run, representationRules.RESOURCE_COUNTRY_ALPHA2, countryProblems(users), 'an address with a country', page);
}

function expectNone(run: CheckRun, rule: Rule, problems: string[], exchange: Exchange): void {
  run.expect(rule, problems.length === 0, () => ({ got: problems.map((problem) => `- ${problem}`).join('\n'), exchange }));
}
