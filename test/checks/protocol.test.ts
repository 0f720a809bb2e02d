import { describe, expect, test } from 'vitest';
import { readFeatures } from '../../src/checks/discovery.js';
import { LIST_RESPONSE_URN } from '../../src/checks/list-response.js';
import { checkAcceptJson, checkBooleanOrdering, checkFreshResource, checkMe, checkSortDefault, checkTransportSecurity } from '../../src/checks/protocol.js';
import { createScimService, demoSeed } from '../../src/reference-server/index.js';
import { inProcessClient } from '../../src/reference-server/in-process.js';
import { exchangeOf } from '../support/exchange.js';

const send = inProcessClient(createScimService({ seed: demoSeed() }));
const answer = (path: string, request: { query?: Record<string, string>; headers?: Record<string, string> } = {}) => {
  const response = send('GET', path, request);
  return exchangeOf({ status: response.status, headers: response.headers, raw: response.body ?? '' });
};
const spc = send('GET', '/ServiceProviderConfig').json as Record<string, unknown>;
const features = (config: Record<string, unknown> = spc) => readFeatures(exchangeOf({ body: config }));
const codes = (run: { findings: Array<{ code: string }> }) => run.findings.map((f) => f.code);
const list = (...userNames: string[]) =>
  exchangeOf({
    body: {
      schemas: [LIST_RESPONSE_URN],
      totalResults: userNames.length,
      startIndex: 1,
      itemsPerPage: userNames.length,
      Resources: userNames.map((userName, i) => ({ id: String(i), userName })),
    },
  });

describe('read-only RFC 7644 probes', () => {
  test('the reference server passes each probe', () => {
    const runs = [
      checkBooleanOrdering(features(), answer('/Users', { query: { filter: 'active gt true' } })),
      checkSortDefault(features(), answer('/Users', { query: { sortBy: 'userName' } })),
      checkAcceptJson(answer('/ServiceProviderConfig', { headers: { accept: 'application/json' } })),
      checkMe(answer('/Me')),
    ];
    expect(runs.flatMap(codes)).toEqual([]);
    expect(runs.flatMap((run) => [...run.checked])).toEqual([
      'FILTER_BOOLEAN_ORDERING_REFUSED',
      'QUERY_SORT_DEFAULT_ASCENDING',
      'HTTP_ACCEPT_APPLICATION_JSON',
      'ME_UNSUPPORTED_NOT_IMPLEMENTED',
    ]);
  });

  test('active gt true answered with a list is FILTER_BOOLEAN_ORDERING_REFUSED; a 400 with another scimType names it', () => {
    expect(codes(checkBooleanOrdering(features(), list('ada')))).toEqual(['FILTER_BOOLEAN_ORDERING_REFUSED']);
    const other = checkBooleanOrdering(features(), exchangeOf({ status: 400, body: { scimType: 'invalidValue' } }));
    expect(other.findings[0]?.got).toMatch(/scimType "invalidValue"/);
  });

  test('sortBy alone answered descending is QUERY_SORT_DEFAULT_ASCENDING; letter case is not an order', () => {
    expect(codes(checkSortDefault(features(), list('linus', 'Grace', 'ada')))).toEqual(['QUERY_SORT_DEFAULT_ASCENDING']);
    expect(codes(checkSortDefault(features(), list('ada', 'Grace', 'linus')))).toEqual([]);
  });

  test('features not advertised, and too few users, are skipped with the reason', () => {
    expect(checkSortDefault(features({ ...spc, sort: { supported: false } }), 'not sent').skipped.get('QUERY_SORT_DEFAULT_ASCENDING')).toMatch(/does not advertise sort/);
    expect(checkSortDefault(features(), list('ada')).skipped.get('QUERY_SORT_DEFAULT_ASCENDING')).toMatch(/fewer than two users/);
    expect(checkBooleanOrdering(features({ ...spc, filter: { supported: false, maxResults: 0 } }), 'not sent').skipped.get('FILTER_BOOLEAN_ORDERING_REFUSED')).toMatch(
      /does not advertise filter/,
    );
  });

  test('a 406 to Accept: application/json and a 404 to /Me are reported; a redirect from /Me is fine', () => {
    expect(codes(checkAcceptJson(exchangeOf({ status: 406, body: { detail: 'no' } })))).toEqual(['HTTP_ACCEPT_APPLICATION_JSON']);
    expect(codes(checkMe(exchangeOf({ status: 404, body: { detail: 'no' } })))).toEqual(['ME_UNSUPPORTED_NOT_IMPLEMENTED']);
    expect(codes(checkMe(exchangeOf({ status: 308, raw: '', headers: { location: '/Users/1' } })))).toEqual([]);
  });
});

describe('TRANSPORT_TLS: the base URL (RFC 7644 §7.2)', () => {
  test('a plain-http base URL off loopback is TRANSPORT_TLS, and an https one passes', () => {
    const plain = checkTransportSecurity('http://scim.example.com/scim/v2');
    expect(codes(plain)).toEqual(['TRANSPORT_TLS']);
    expect(plain.findings[0]?.got).toBe('The base URL is http://scim.example.com/scim/v2: no transport-layer security.');
    const secure = checkTransportSecurity('https://scim.example.com/scim/v2');
    expect([codes(secure), [...secure.checked]]).toEqual([[], ['TRANSPORT_TLS']]);
  });

  test('plain http on loopback is skipped with the reason, not passed and not failed', () => {
    for (const base of ['http://127.0.0.1:3000/scim/v2', 'http://localhost:8080/scim', 'http://[::1]:3000/scim/v2']) {
      const run = checkTransportSecurity(base);
      expect([codes(run), run.checked.size]).toEqual([[], 0]);
      expect(run.skipped.get('TRANSPORT_TLS')).toMatch(/plain http on loopback/);
    }
  });

  test('a base URL that is wrong in another way (it names /Users) is not blamed on TRANSPORT_TLS', () => {
    expect(codes(checkTransportSecurity('https://scim.example.com/scim/v2/Users'))).toEqual([]);
  });
});

describe('RESOURCE_CREATED_UNMODIFIED: the 201 to a create (RFC 7643 §3.1)', () => {
  const created = () => {
    const response = send('POST', '/Users', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `fresh-${Math.random()}@example.com` } });
    return { status: response.status, body: response.json as Record<string, unknown> };
  };
  const withMeta = (meta: Record<string, unknown>) => {
    const { status, body } = created();
    return exchangeOf({ status, body: { ...body, meta: { ...(body['meta'] as Record<string, unknown>), ...meta } } });
  };

  test("the reference server's 201 passes", () => {
    const { status, body } = created();
    const run = checkFreshResource(exchangeOf({ status, body }));
    expect([status, codes(run), [...run.checked]]).toEqual([201, [], ['RESOURCE_CREATED_UNMODIFIED']]);
  });

  test('a lastModified later than created is RESOURCE_CREATED_UNMODIFIED; the same instant written differently is not', () => {
    const later = checkFreshResource(withMeta({ created: '2026-01-01T00:00:00Z', lastModified: '2026-01-01T00:00:01Z' }));
    expect(codes(later)).toEqual(['RESOURCE_CREATED_UNMODIFIED']);
    expect(later.findings[0]?.got).toContain('"2026-01-01T00:00:01Z"');
    expect(codes(checkFreshResource(withMeta({ created: '2026-01-01T00:00:00Z', lastModified: '2026-01-01T00:00:00.000Z' })))).toEqual([]);
  });

  test('a create that failed, or meta without dates, is skipped naming the check that judges it, not blamed here', () => {
    const conflict = checkFreshResource(exchangeOf({ status: 409, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409' } }));
    expect([codes(conflict), conflict.skipped.get('RESOURCE_CREATED_UNMODIFIED')]).toEqual([[], expect.stringContaining('USER_CREATE_STATUS')]);
    const undated = checkFreshResource(withMeta({ created: undefined, lastModified: 'yesterday' }));
    expect([codes(undated), undated.skipped.get('RESOURCE_CREATED_UNMODIFIED')]).toEqual([[], expect.stringContaining('USER_CREATE_META')]);
  });
});
