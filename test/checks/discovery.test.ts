import { describe, expect, test } from 'vitest';
import { advertised, checkAdvertisedEtag, checkMaxResults, maxResultsToProbe, checkResourceTypes, checkServiceProviderConfig, readFeatures } from '../../src/checks/discovery.js';
import { LIST_RESPONSE_URN } from '../../src/checks/list-response.js';
import { checkProjection, checkSearch, checkSort } from '../../src/checks/query-params.js';
import { createScimService, demoSeed } from '../../src/reference-server/index.js';
import { inProcessClient } from '../../src/reference-server/in-process.js';
import { exchangeOf } from '../support/exchange.js';

const send = inProcessClient(createScimService({ seed: demoSeed() }));
const spc = send('GET', '/ServiceProviderConfig').json as Record<string, unknown>;
const features = (config: Record<string, unknown> = spc) => readFeatures(exchangeOf({ body: config }));
const list = (resources: object[], total = resources.length) => ({
  schemas: [LIST_RESPONSE_URN],
  totalResults: total,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});
const codes = (run: { findings: Array<{ code: string }> }) => run.findings.map((f) => f.code);

describe('the ServiceProviderConfig', () => {
  test("the reference server's is valid and advertises PATCH", () => {
    expect(codes(checkServiceProviderConfig(exchangeOf({ body: spc })))).toEqual([]);
  });

  test('a missing feature makes it invalid', () => {
    const { etag: _etag, ...rest } = spc;
    expect(codes(checkServiceProviderConfig(exchangeOf({ body: rest })))).toEqual(['DISCOVERY_SPC_VALID']);
  });

  test('a 404 says what came back instead', () => {
    const run = checkServiceProviderConfig(exchangeOf({ status: 404, body: { detail: 'no' } }));
    expect(run.findings[0]?.got).toMatch(/answered 404.*\(HTTP_STATUS: /);
    expect(run.skipped.get('DISCOVERY_PATCH_ADVERTISED')).toMatch(/could not be read/);
  });

  test('a feature not advertised gives the reason to skip', () => {
    expect(advertised(features({ ...spc, sort: { supported: false } }), 'sort')).toEqual({
      supported: false,
      reason: 'the ServiceProviderConfig does not advertise sort (sort.supported is false)',
    });
  });
});

describe('what is advertised against what the server does', () => {
  test('an ETag that If-None-Match does not honour is reported', () => {
    const first = exchangeOf({ body: {}, headers: { etag: 'W/"1"' } });
    expect(codes(checkAdvertisedEtag(features(), { first, conditional: exchangeOf({ body: {} }) }))).toEqual(['DISCOVERY_ETAG_WORKS']);
    expect(codes(checkAdvertisedEtag(features(), { first, conditional: exchangeOf({ status: 304, raw: '' }) }))).toEqual([]);
  });

  test('a page over maxResults is reported, and a store too small to show it is skipped', () => {
    const config = features({ ...spc, filter: { supported: true, maxResults: 2 } });
    expect(codes(checkMaxResults(config, exchangeOf({ body: list([{ id: 'a' }, { id: 'b' }, { id: 'c' }]) })))).toEqual(['DISCOVERY_FILTER_MAX_RESULTS']);
    expect(checkMaxResults(config, exchangeOf({ body: list([{ id: 'a' }]) })).skipped.get('DISCOVERY_FILTER_MAX_RESULTS')).toMatch(/cannot be observed/);
  });

  test('the cap is not probed when the store held no more users than it before the run wrote, and is when it held more', () => {
    const config = features({ ...spc, filter: { supported: true, maxResults: 2 } });
    expect(maxResultsToProbe(config, 2)).toMatch(/the server holds 2 users, not more than filter.maxResults 2: the cap cannot be observed/);
    expect(maxResultsToProbe(config, 3)).toBe(2);
    expect(maxResultsToProbe(config)).toBe(2);
  });

  test('sort is skipped with the reason when it is not advertised', () => {
    const run = checkSort(features({ ...spc, sort: { supported: false } }), 'not sent');
    expect(run.skipped.get('QUERY_SORT')).toMatch(/does not advertise sort/);
  });

  test('an unsorted descending answer is reported', () => {
    const users = (...names: string[]) => exchangeOf({ body: list(names.map((userName, i) => ({ id: String(i), userName }))) });
    expect(codes(checkSort(features(), { ascending: users('ada', 'Grace', 'linus'), descending: users('linus', 'Grace', 'ada') }))).toEqual([]);
    expect(codes(checkSort(features(), { ascending: users('ada', 'Grace', 'linus'), descending: users('ada', 'Grace', 'linus') }))).toEqual(['QUERY_SORT']);
  });

  test('POST /.search answered 501 is a stated skip, not a finding', () => {
    const run = checkSearch(features(), { get: exchangeOf({ body: list([]) }), post: exchangeOf({ status: 501, body: {} }) });
    expect(run.skipped.get('QUERY_SEARCH')).toMatch(/answered 501: the server does not offer \/.search/);
  });
});

describe('discovery lists and writes', () => {
  test('a User resource type at "/users" is reported', () => {
    const types = send('GET', '/ResourceTypes').json as { Resources: Array<Record<string, unknown>> };
    const lowered = types.Resources.map((type) => ({ ...type, endpoint: String(type['endpoint']).toLowerCase() }));
    expect(codes(checkResourceTypes(exchangeOf({ body: types })))).toEqual([]);
    expect(codes(checkResourceTypes(exchangeOf({ body: list(lowered) })))).toEqual(['DISCOVERY_RESOURCE_TYPES']);
  });
});

describe('attributes and excludedAttributes', () => {
  const ada = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u1', userName: 'ada', emails: [{ value: 'a@x' }] };
  const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g1', displayName: 'Eng', members: [{ value: 'u1' }] };
  const evidence = (overrides: Partial<Parameters<typeof checkProjection>[0]> = {}) => ({
    attributes: [exchangeOf({ body: list([{ schemas: ada.schemas, id: 'u1', userName: 'ada' }]) })],
    excluded: [exchangeOf({ body: list([{ schemas: ada.schemas, id: 'u1', userName: 'ada' }]) })],
    groups: [exchangeOf({ body: { schemas: group.schemas, id: 'g1', displayName: 'Eng' } })],
    ...overrides,
  });

  test('answers that honour them have no findings', () => {
    expect(codes(checkProjection(evidence()))).toEqual([]);
  });

  test.for([
    ['attributes ignored', { attributes: [exchangeOf({ body: list([ada]) })] }, 'QUERY_ATTRIBUTES'],
    ['the id dropped', { attributes: [exchangeOf({ body: list([{ schemas: ada.schemas, userName: 'ada' }]) })] }, 'QUERY_ALWAYS_RETURNED'],
    ['excludedAttributes ignored', { excluded: [exchangeOf({ body: list([ada]) })] }, 'QUERY_EXCLUDED_ATTRIBUTES'],
    ['members still sent', { groups: [exchangeOf({ body: group })] }, 'QUERY_EXCLUDE_MEMBERS'],
  ] as const)('%s is reported as %s', ([, change, code]) => {
    expect(codes(checkProjection(evidence(change)))).toEqual([code]);
  });

  test('control: an empty array or null is an attribute not returned (RFC 7643 §2.5), so it passes', () => {
    for (const value of [[], null]) {
      const excluded = [exchangeOf({ body: list([{ schemas: ada.schemas, id: 'u1', userName: 'ada', emails: value }]) })];
      const groups = [exchangeOf({ body: { ...group, members: value } })];
      expect(codes(checkProjection(evidence({ excluded, groups })))).toEqual([]);
    }
  });
});
