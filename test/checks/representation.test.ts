import { describe, expect, test } from 'vitest';
import { checkRepresentations, declaredUserSchemas } from '../../src/checks/representation.js';
import { createScimService, demoSeed } from '../../src/reference-server/index.js';
import { inProcessClient } from '../../src/reference-server/in-process.js';
import { exchangeOf } from '../support/exchange.js';

type User = Record<string, unknown>;

const send = inProcessClient(createScimService({ seed: demoSeed() }));
const users = () => structuredClone((send('GET', '/Users', { query: { startIndex: '1', count: '2' } }).json as { Resources: User[] }).Resources);
const resourceTypes = (send('GET', '/ResourceTypes').json as { Resources: unknown[] }).Resources;
const declared = declaredUserSchemas(resourceTypes);
if (declared === undefined) throw new Error('the reference server declares no User resource type');
const page = exchangeOf({ body: {} });
const codes = (listed: User[], schemas = declared) => checkRepresentations(page, listed, schemas).findings.map((f) => f.code);

/** The first listed user, changed. */
function changed(change: (user: User) => void): User[] {
  const listed = users();
  const first = listed[0];
  if (first === undefined) throw new Error('the demo seed lists no user');
  change(first);
  return listed;
}

describe('the users a server lists (RFC 7643 §2.4, §3)', () => {
  test("the reference server's users pass every rule", () => {
    const run = checkRepresentations(page, users(), declared);
    expect(run.findings).toEqual([]);
    expect([...run.checked].sort()).toEqual([
      'RESOURCE_ID_NOT_BULKID',
      'RESOURCE_NO_DUPLICATE_VALUES',
      'RESOURCE_PRIMARY_ONCE',
      'RESOURCE_REFERENCE_URI',
      'RESOURCE_SCHEMAS_DECLARED',
    ]);
    // The demo users hold no certificate and no address: nothing to judge, said so.
    expect(run.skipped.get('RESOURCE_BINARY_BASE64')).toBe('does not apply: no listed user has x509Certificates');
    expect(run.skipped.get('RESOURCE_COUNTRY_ALPHA2')).toBe('does not apply: no listed user has an address with a country');
  });

  test('two primary emails are RESOURCE_PRIMARY_ONCE, and only that', () => {
    const listed = changed((user) => {
      user['emails'] = [
        { value: 'a@example.com', type: 'work', primary: true },
        { value: 'b@example.com', type: 'home', primary: true },
      ];
    });
    expect(codes(listed)).toEqual(['RESOURCE_PRIMARY_ONCE']);
  });

  test('the same work email twice is RESOURCE_NO_DUPLICATE_VALUES, and only that', () => {
    const listed = changed((user) => {
      user['emails'] = [
        { value: 'a@example.com', type: 'work', primary: true },
        { value: 'a@example.com', type: 'work' },
      ];
    });
    expect(codes(listed)).toEqual(['RESOURCE_NO_DUPLICATE_VALUES']);
  });

  test('an id with "bulkId" in it is RESOURCE_ID_NOT_BULKID', () => {
    expect(codes(changed((user) => (user['id'] = 'bulkId-7')))).toEqual(['RESOURCE_ID_NOT_BULKID']);
  });

  test('an undeclared schema, a duplicate one and a missing required extension are RESOURCE_SCHEMAS_DECLARED', () => {
    const undeclared = changed((user) => (user['schemas'] = [...(user['schemas'] as string[]), 'urn:example:custom']));
    const twice = changed((user) => (user['schemas'] = [...(user['schemas'] as string[]), ...(user['schemas'] as string[])]));
    const required = { ...declared, required: ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'] };
    const withoutExtension = changed((user) => (user['schemas'] = ['urn:ietf:params:scim:schemas:core:2.0:User']));
    expect([codes(undeclared), codes(twice), codes(withoutExtension, required)]).toEqual([
      ['RESOURCE_SCHEMAS_DECLARED'],
      ['RESOURCE_SCHEMAS_DECLARED'],
      ['RESOURCE_SCHEMAS_DECLARED'],
    ]);
  });

  test('no listed user skips every rule with the reason, and an unknown resource type skips only the schemas rule', () => {
    expect(checkRepresentations(page, [], declared).skipped.get('RESOURCE_PRIMARY_ONCE')).toBe('the server lists no user to look at');
    const run = checkRepresentations(page, users(), 'no User type');
    expect(run.skipped.get('RESOURCE_SCHEMAS_DECLARED')).toBe('no User type');
    expect(run.checked.has('RESOURCE_PRIMARY_ONCE')).toBe(true);
  });

  test('a "$ref" with a space, or a meta.location that is no URI, is RESOURCE_REFERENCE_URI, and only that', () => {
    const spaced = changed((user) => (user['groups'] = [{ value: 'g1', $ref: 'https://example.com/Groups/Engineering Team' }]));
    const location = changed((user) => (user['meta'] = { ...(user['meta'] as User), location: 'http://[broken' }));
    const notString = changed((user) => (user['groups'] = [{ value: 'g1', $ref: 7 }]));
    expect([codes(spaced), codes(location), codes(notString)]).toEqual([['RESOURCE_REFERENCE_URI'], ['RESOURCE_REFERENCE_URI'], ['RESOURCE_REFERENCE_URI']]);
    expect(checkRepresentations(page, spaced, declared).findings[0]?.got).toContain('groups.$ref');
  });

  test('relative references, URNs and percent-encoded ids are URIs: not RESOURCE_REFERENCE_URI', () => {
    const relative = changed((user) => (user['groups'] = [{ value: 'g 1', $ref: '../Groups/g%201' }]));
    const urn = changed((user) => (user['groups'] = [{ value: 'g1', $ref: 'urn:example:group:g1' }]));
    expect([codes(relative), codes(urn)]).toEqual([[], []]);
  });

  test('a PEM certificate is RESOURCE_BINARY_BASE64, and a base64 one is not', () => {
    const pem = changed((user) => (user['x509Certificates'] = [{ value: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' }]));
    const base64 = changed((user) => (user['x509Certificates'] = [{ value: 'MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAw' }]));
    const base64url = changed((user) => (user['x509Certificates'] = [{ value: 'MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEF_-8' }]));
    expect([codes(pem), codes(base64), codes(base64url)]).toEqual([['RESOURCE_BINARY_BASE64'], [], []]);
  });

  test('a country name is RESOURCE_COUNTRY_ALPHA2, and a code is not', () => {
    const named = changed((user) => (user['addresses'] = [{ type: 'work', country: 'Germany' }]));
    const coded = changed(
      (user) =>
        (user['addresses'] = [
          { type: 'work', country: 'DE' },
          { type: 'home', locality: 'Bonn' },
        ]),
    );
    expect([codes(named), codes(coded)]).toEqual([['RESOURCE_COUNTRY_ALPHA2'], []]);
  });

  test('a server that breaks something else is not blamed for references, certificates or countries', () => {
    const listed = changed((user) => {
      user['x509Certificates'] = [{ value: 'MIIDQzCCAqygAwIBAgICEAAw' }];
      user['addresses'] = [{ country: 'SE' }];
      user['emails'] = [
        { value: 'a@example.com', type: 'work', primary: true },
        { value: 'b@example.com', type: 'home', primary: true },
      ];
    });
    const run = checkRepresentations(page, listed, declared);
    expect(codes(listed)).toEqual(['RESOURCE_PRIMARY_ONCE']);
    expect(['RESOURCE_REFERENCE_URI', 'RESOURCE_BINARY_BASE64', 'RESOURCE_COUNTRY_ALPHA2'].every((code) => run.checked.has(code))).toBe(true);
  });
});
