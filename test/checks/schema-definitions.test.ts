import { describe, expect, test } from 'vitest';
import { checkSchemaAttributes } from '../../src/checks/schema-definitions.js';
import { createScimService, demoSeed } from '../../src/reference-server/index.js';
import { inProcessClient } from '../../src/reference-server/in-process.js';
import { exchangeOf } from '../support/exchange.js';

interface Definition {
  name: string;
  type: string;
  subAttributes?: Definition[];
  [characteristic: string]: unknown;
}
interface SchemasList {
  Resources: Array<{ id: string; attributes: Definition[] }>;
}

const send = inProcessClient(createScimService({ seed: demoSeed() }));
const reference = () => structuredClone(send('GET', '/Schemas').json) as SchemasList;
const codes = (body: unknown) => checkSchemaAttributes(exchangeOf({ body })).findings.map((f) => f.code);

/** The reference server's /Schemas with one attribute of the User schema changed. */
function withUserAttribute(name: string, change: (definition: Definition) => void): SchemasList {
  const list = reference();
  const definition = list.Resources.find((schema) => schema.id.endsWith(':core:2.0:User'))?.attributes.find((a) => a.name === name);
  if (definition === undefined) throw new Error(`no ${name} in the reference User schema`);
  change(definition);
  return list;
}

describe('attribute definitions in /Schemas', () => {
  test("the reference server's /Schemas is consistent", () => {
    const run = checkSchemaAttributes(exchangeOf({ body: reference() }));
    expect(run.findings).toEqual([]);
    expect([...run.checked]).toEqual(['DISCOVERY_SCHEMA_ATTRIBUTES', 'DISCOVERY_SCHEMA_SUBATTRIBUTES']);
  });

  test('a binary sub-attribute that is not caseExact is reported, naming its path', () => {
    const broken = withUserAttribute('x509Certificates', (definition) => {
      const value = definition.subAttributes?.find((sub) => sub.name === 'value');
      if (value !== undefined) value.caseExact = false;
    });
    const run = checkSchemaAttributes(exchangeOf({ body: broken }));
    expect(run.findings.map((f) => f.code)).toEqual(['DISCOVERY_SCHEMA_ATTRIBUTES']);
    expect(run.findings[0]?.got).toContain('urn:ietf:params:scim:schemas:core:2.0:User:x509Certificates.value: type binary with "caseExact": false');
  });

  test('a complex sub-attribute, referenceTypes on a string and a bad name are each reported', () => {
    const nested = withUserAttribute('name', (definition) => {
      definition.subAttributes?.push({ name: 'nested', type: 'complex', subAttributes: [] });
    });
    const misplaced = withUserAttribute('title', (definition) => {
      definition.referenceTypes = ['User'];
    });
    const badName = withUserAttribute('nickName', (definition) => {
      definition.name = '1nick';
    });
    expect([codes(nested), codes(misplaced), codes(badName)]).toEqual([['DISCOVERY_SCHEMA_ATTRIBUTES'], ['DISCOVERY_SCHEMA_ATTRIBUTES'], ['DISCOVERY_SCHEMA_ATTRIBUTES']]);
  });

  test('a complex attribute without subAttributes is the SHOULD finding only, not blamed as inconsistent', () => {
    const bare = withUserAttribute('name', (definition) => {
      delete definition.subAttributes;
    });
    expect(codes(bare)).toEqual(['DISCOVERY_SCHEMA_SUBATTRIBUTES']);
  });

  test('a /Schemas that is not a list skips both rules with the reason', () => {
    const run = checkSchemaAttributes(exchangeOf({ status: 404, body: { detail: 'no' } }));
    expect(run.findings).toEqual([]);
    expect(run.skipped.get('DISCOVERY_SCHEMA_ATTRIBUTES')).toMatch(/see DISCOVERY_SCHEMAS/);
  });
});
