import { describe, expect, test } from 'vitest';
import {
  BULK_NOT_SENT,
  checkAdvertisedBulk,
  checkDiscoveryFilterForbidden,
  checkDiscoveryItem,
  checkDiscoveryQueryIgnored,
  checkSchemasComplete,
  readFeatures,
} from '../../src/checks/discovery.js';
import { checkAcceptJson } from '../../src/checks/protocol.js';
import { createScimService, demoSeed } from '../../src/reference-server/index.js';
import { inProcessClient } from '../../src/reference-server/in-process.js';
import { exchangeOf } from '../support/exchange.js';

type List = { Resources: Array<Record<string, unknown>>; totalResults: number; itemsPerPage: number };

const send = inProcessClient(createScimService({ seed: demoSeed() }));
const answer = (path: string, query?: Record<string, string>) => {
  const response = send('GET', path, query === undefined ? {} : { query });
  return exchangeOf({ status: response.status, headers: response.headers, raw: response.body ?? '' });
};
const schemasList = () => structuredClone(send('GET', '/Schemas').json) as List;
const codes = (run: { findings: Array<{ code: string }> }) => run.findings.map((f) => f.code);
const keep = (list: List, test: (schema: Record<string, unknown>) => boolean): List => {
  const kept = list.Resources.filter(test);
  return { ...list, Resources: kept, totalResults: kept.length, itemsPerPage: kept.length };
};

describe('/Schemas against /ResourceTypes (RFC 7644 §4)', () => {
  test('the reference server defines every schema its resource types name', () => {
    const run = checkSchemasComplete(answer('/ResourceTypes'), answer('/Schemas'));
    expect(run.findings).toEqual([]);
    expect(run.checked.has('DISCOVERY_SCHEMAS_COMPLETE')).toBe(true);
  });

  test('a missing extension schema is reported by its URN', () => {
    const withoutExtension = keep(schemasList(), (schema) => !String(schema['id']).includes(':extension:'));
    const run = checkSchemasComplete(answer('/ResourceTypes'), exchangeOf({ body: withoutExtension }));
    expect(codes(run)).toEqual(['DISCOVERY_SCHEMAS_COMPLETE']);
    expect(run.findings[0]?.got).toMatch(/^\/ResourceTypes names urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User, which/);
  });

  test('a missing core User schema is left to DISCOVERY_SCHEMAS, not reported twice', () => {
    const withoutUser = keep(schemasList(), (schema) => !String(schema['id']).endsWith(':core:2.0:User'));
    expect(codes(checkSchemasComplete(answer('/ResourceTypes'), exchangeOf({ body: withoutUser })))).toEqual([]);
  });

  test('paging applied to /Schemas is DISCOVERY_QUERY_IGNORED; the reference server ignores it', () => {
    expect(codes(checkDiscoveryQueryIgnored(answer('/Schemas'), answer('/Schemas', { startIndex: '2', count: '1' })))).toEqual([]);
    const paged = { ...schemasList(), Resources: schemasList().Resources.slice(1, 2) };
    expect(codes(checkDiscoveryQueryIgnored(answer('/Schemas'), exchangeOf({ body: paged })))).toEqual(['DISCOVERY_QUERY_IGNORED']);
  });

  test('a filter answered 200 is DISCOVERY_FILTER_FORBIDDEN; the reference server answers 403', () => {
    expect(codes(checkDiscoveryFilterForbidden(answer('/ResourceTypes', { filter: 'name eq "User"' })))).toEqual([]);
    expect(codes(checkDiscoveryFilterForbidden(answer('/ResourceTypes')))).toEqual(['DISCOVERY_FILTER_FORBIDDEN']);
  });
});

describe('a variant of a discovery GET is judged only where the plain GET of its endpoint answers (control before blame)', () => {
  const missing = exchangeOf({ status: 404, body: {} });
  const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';

  test('without /ResourceTypes, its filter is not judged: DISCOVERY_RESOURCE_TYPES names the cause', () => {
    const run = checkDiscoveryFilterForbidden(missing, missing);
    expect(codes(run)).toEqual([]);
    expect(run.skipped.get('DISCOVERY_FILTER_FORBIDDEN')).toBe('not judged: GET /ResourceTypes itself answered 404 (see DISCOVERY_RESOURCE_TYPES)');
  });

  test('a /ResourceTypes that answers, and a filter on it answered 200, still fails DISCOVERY_FILTER_FORBIDDEN', () => {
    expect(codes(checkDiscoveryFilterForbidden(answer('/ResourceTypes'), answer('/ResourceTypes')))).toEqual(['DISCOVERY_FILTER_FORBIDDEN']);
  });

  test('without /Schemas, /Schemas/{id} is not judged: DISCOVERY_SCHEMAS names the cause', () => {
    const run = checkDiscoveryItem(missing, 'schemaDefinition', USER_URN, missing);
    expect(codes(run)).toEqual([]);
    expect(run.skipped.get('DISCOVERY_SCHEMA_BY_ID')).toBe('not judged: GET /Schemas itself answered 404 (see DISCOVERY_SCHEMAS)');
  });

  test('a /Schemas that answers, and its /{id} answered 404, still fails DISCOVERY_SCHEMA_BY_ID; the reference server passes', () => {
    expect(codes(checkDiscoveryItem(missing, 'schemaDefinition', USER_URN, answer('/Schemas')))).toEqual(['DISCOVERY_SCHEMA_BY_ID']);
    expect(codes(checkDiscoveryItem(answer(`/Schemas/${USER_URN}`), 'schemaDefinition', USER_URN, answer('/Schemas')))).toEqual([]);
  });

  test('without /ServiceProviderConfig, Accept: application/json is not judged: DISCOVERY_SPC_VALID names the cause', () => {
    const run = checkAcceptJson(missing, missing);
    expect(codes(run)).toEqual([]);
    expect(run.skipped.get('HTTP_ACCEPT_APPLICATION_JSON')).toBe('not judged: GET /ServiceProviderConfig itself answered 404 (see DISCOVERY_SPC_VALID)');
  });

  test('a /ServiceProviderConfig that answers, and Accept: application/json refused with 406, still fails HTTP_ACCEPT_APPLICATION_JSON', () => {
    expect(codes(checkAcceptJson(exchangeOf({ status: 406, body: { detail: 'no' } }), answer('/ServiceProviderConfig')))).toEqual(['HTTP_ACCEPT_APPLICATION_JSON']);
  });
});

describe('/Bulk (RFC 7644 §3.7), which the write guard lets no request reach', () => {
  test('advertised, it is skipped as not sent, saying why', () => {
    const bulk = readFeatures(exchangeOf({ body: { bulk: { supported: true, maxOperations: 10, maxPayloadSize: 1000 } } }));
    const run = checkAdvertisedBulk(bulk);
    expect(codes(run)).toEqual([]);
    expect(run.skipped.get('DISCOVERY_BULK_WORKS')).toBe(BULK_NOT_SENT);
  });

  test('not advertised, it is skipped as not offered', () => {
    const run = checkAdvertisedBulk(readFeatures(exchangeOf({ body: { bulk: { supported: false } } })));
    expect(run.skipped.get('DISCOVERY_BULK_WORKS')).toMatch(/does not advertise bulk/);
  });
});
