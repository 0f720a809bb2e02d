import { isObject, type Exchange } from '../http/exchange.js';
import { objectBody, statusOf } from './answers.js';
import { defineRules, type Rule } from './rule.js';
import { CheckRun } from './run.js';

/**
 * What a SCIM client library builds its model from: the characteristics of every attribute in
 * GET /Schemas. The JSON Schema (DISCOVERY_SCHEMAS) checks each value on its own; these rules check
 * what RFC 7643 says about values together, which is where libraries that ingest /Schemas stop
 * (SCIMMY's Attribute throws on a binary attribute that is not caseExact).
 */
export const schemaDefinitionRules = defineRules({
  DISCOVERY_SCHEMA_ATTRIBUTES: {
    title: 'every attribute definition in /Schemas is consistent with RFC 7643',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7643 §2.1 (attribute names), §2.3.6 (binary), §2.3.8 (complex), §7 (referenceTypes, subAttributes)',
    requirement:
      'Each attribute has a valid name (a letter, then letters, digits, "-" or "_"; "$ref" is allowed), unique within its parent; a binary attribute is caseExact true with uniqueness "none"; only complex attributes have subAttributes, and none of those is complex itself; referenceTypes appear only on reference attributes.',
    fix: 'Publish /Schemas from the definitions your server really uses and correct the contradicting characteristic: e.g. x509Certificates.value (binary) must say "caseExact": true. Client libraries that ingest /Schemas refuse the whole schema otherwise.',
  },
  DISCOVERY_SCHEMA_SUBATTRIBUTES: {
    title: 'every complex attribute in /Schemas lists its subAttributes',
    requiredBy: { rfc: 'SHOULD' },
    source: 'RFC 7643 §7 ("When an attribute is of type complex, there SHOULD be a corresponding schema attribute subAttributes defined")',
    requirement: 'A complex attribute carries "subAttributes", the definitions of its sub-attributes, so that a client knows what name.givenName or emails.value are.',
    fix: 'Add "subAttributes" to each complex attribute definition, with the same characteristics as a top-level attribute.',
  },
});

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

interface Problems {
  inconsistent: string[];
  noSubAttributes: string[];
}

/**
 * The problems of one list of attribute definitions: a schema's (`parent` is its URN) or a complex
 * attribute's subAttributes (`parent` is that attribute's path).
 */
export function attributeProblems(attributes: unknown, parent: { path: string; isAttribute: boolean }, problems: Problems = { inconsistent: [], noSubAttributes: [] }): Problems {
  if (!Array.isArray(attributes)) return problems;
  const seen = new Set<string>();
  for (const definition of attributes) {
    if (!isObject(definition)) continue;
    const name = typeof definition['name'] === 'string' ? definition['name'] : '';
    const where = parent.isAttribute ? `${parent.path}.${name}` : `${parent.path}:${name}`;
    if (!NAME.test(name) && name !== '$ref') problems.inconsistent.push(`${JSON.stringify(where)}: not a valid attribute name (RFC 7643 §2.1)`);
    if (seen.has(name.toLowerCase())) problems.inconsistent.push(`${where}: defined twice (names are case-insensitive)`);
    seen.add(name.toLowerCase());
    characteristicProblems(definition, where, parent.isAttribute, problems);
  }
  return problems;
}

function characteristicProblems(definition: Record<string, unknown>, where: string, isSubAttribute: boolean, problems: Problems): void {
  const type = definition['type'];
  const subAttributes = definition['subAttributes'];
  if (type === 'binary' && definition['caseExact'] === false) problems.inconsistent.push(`${where}: type binary with "caseExact": false; a binary is case exact (RFC 7643 §2.3.6)`);
  if (type === 'binary' && definition['uniqueness'] !== undefined && definition['uniqueness'] !== 'none') {
    problems.inconsistent.push(`${where}: type binary with "uniqueness": ${JSON.stringify(definition['uniqueness'])}; a binary has no uniqueness (RFC 7643 §2.3.6)`);
  }
  if (definition['referenceTypes'] !== undefined && type !== 'reference')
    problems.inconsistent.push(`${where}: referenceTypes on a ${String(type)} attribute; they apply only to type reference (RFC 7643 §7)`);
  if (type === 'complex' && isSubAttribute)
    problems.inconsistent.push(`${where}: a complex sub-attribute; a complex attribute must not contain complex sub-attributes (RFC 7643 §2.3.8)`);
  if (type !== 'complex' && Array.isArray(subAttributes) && subAttributes.length > 0)
    problems.inconsistent.push(`${where}: subAttributes on a ${String(type)} attribute; only complex attributes have them`);
  if (type === 'complex' && !Array.isArray(subAttributes)) problems.noSubAttributes.push(`${where}: complex, without subAttributes`);
  if (type === 'complex' && !isSubAttribute) attributeProblems(subAttributes, { path: where, isAttribute: true }, problems);
}

/** GET /Schemas: every listed schema's attribute definitions. */
export function checkSchemaAttributes(exchange: Exchange): CheckRun {
  const run = new CheckRun();
  const resources = statusOf(exchange) === 200 ? objectBody(exchange)?.['Resources'] : undefined;
  if (!Array.isArray(resources)) {
    for (const rule of Object.values(schemaDefinitionRules)) run.skip(rule, 'GET /Schemas did not answer a list of schema definitions (see DISCOVERY_SCHEMAS)');
    return run;
  }
  const problems: Problems = { inconsistent: [], noSubAttributes: [] };
  for (const schema of resources) {
    if (isObject(schema)) attributeProblems(schema['attributes'], { path: String(schema['id']), isAttribute: false }, problems);
  }
  expectNone(run, schemaDefinitionRules.DISCOVERY_SCHEMA_ATTRIBUTES, problems.inconsistent, exchange);
  expectNone(run, schemaDefinitionRules.DISCOVERY_SCHEMA_SUBATTRIBUTES, problems.noSubAttributes, exchange);
  return run;
}

function expectNone(run: CheckRun, rule: Rule, problems: string[], exchange: Exchange): void {
  run.expect(rule, problems.length === 0, () => ({ got: problems.map((problem) => `- ${problem}`).join('\n'), exchange }));
}
