import { describe, expect, test } from 'vitest';
import { createScimService, inProcessClient, type InProcessResponse } from '../../src/reference-server/index.js';

type Resource = Record<string, unknown>;
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const send = inProcessClient(createScimService({ maxResults: 50 }));

function body(response: InProcessResponse): Resource {
  return response.json as Resource;
}

function resources(response: InProcessResponse): Resource[] {
  return body(response)['Resources'] as Resource[];
}

describe('/ServiceProviderConfig (RFC 7643 §5)', () => {
  const config = body(send('GET', '/ServiceProviderConfig'));

  test('advertises what the server does', () => {
    expect(config).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 50 },
      changePassword: { supported: true },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken', name: expect.any(String), description: expect.any(String) })],
      meta: { resourceType: 'ServiceProviderConfig', location: 'http://scim.example.test/scim/v2/ServiceProviderConfig' },
    });
  });

  test('is served as application/scim+json', () => {
    expect(send('GET', '/ServiceProviderConfig').headers['content-type']).toBe('application/scim+json; charset=utf-8');
  });
});

describe('/ResourceTypes (RFC 7643 §6)', () => {
  test('lists User, with the enterprise extension, and Group', () => {
    const response = send('GET', '/ResourceTypes');
    expect(body(response)).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 2, startIndex: 1, itemsPerPage: 2 });
    expect(resources(response)).toStrictEqual([
      expect.objectContaining({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        schema: USER,
        schemaExtensions: [{ schema: ENTERPRISE, required: false }],
        meta: { resourceType: 'ResourceType', location: 'http://scim.example.test/scim/v2/ResourceTypes/User' },
      }),
      expect.objectContaining({ id: 'Group', name: 'Group', endpoint: '/Groups', schema: GROUP }),
    ]);
  });

  test.for(['User', 'Group'])('/ResourceTypes/%s answers with that resource type', (name) => {
    expect(body(send('GET', `/ResourceTypes/${name}`))).toMatchObject({ id: name, name });
  });

  test('an unknown resource type is 404', () => {
    expect(send('GET', '/ResourceTypes/Device').json).toMatchObject({ status: '404' });
  });
});

describe('/Schemas (RFC 7643 §7, §8.7.1)', () => {
  test('lists the User, EnterpriseUser and Group schemas', () => {
    const listed = resources(send('GET', '/Schemas'));
    expect(listed.map((schema) => schema['id'])).toStrictEqual([USER, ENTERPRISE, GROUP]);
    expect(listed[0]).toMatchObject({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], name: 'User', description: 'User Account' });
  });

  test('describes each attribute fully, sub-attributes included', () => {
    const user = body(send('GET', `/Schemas/${USER}`));
    const attributes = user['attributes'] as Resource[];
    const userName = attributes.find((attribute) => attribute['name'] === 'userName');
    expect(userName).toStrictEqual({
      name: 'userName',
      type: 'string',
      multiValued: false,
      description: expect.any(String),
      required: true,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'server',
    });
    const emails = attributes.find((attribute) => attribute['name'] === 'emails');
    expect((emails?.['subAttributes'] as Resource[]).map((sub) => sub['name'])).toStrictEqual(['value', 'display', 'type', 'primary']);
    expect(attributes.find((attribute) => attribute['name'] === 'password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
  });

  test('an unknown schema is 404', () => {
    expect(send('GET', '/Schemas/urn:example:nope').status).toBe(404);
  });
});

describe('what the server refuses', () => {
  test.for([
    ['POST', '/ServiceProviderConfig'],
    ['PUT', '/ResourceTypes/User'],
    ['DELETE', '/Schemas'],
    ['PATCH', '/ServiceProviderConfig'],
  ])('%s %s is 405 with Allow: GET', ([method = '', path = '']) => {
    const response = send(method, path, { body: {} });
    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe('GET');
    expect(response.json).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '405' });
  });

  test.for([
    ['DELETE', '/Users', 'GET, POST'],
    ['POST', '/Users/some-id', 'GET, PUT, PATCH, DELETE'],
    ['GET', '/.search', 'POST'],
  ])('%s %s is 405 with Allow: %s', ([method = '', path = '', allow]) => {
    const response = send(method, path);
    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe(allow);
  });

  test.for(['/Bulk', '/Me'])('%s is 501 Not Implemented', (path) => {
    const response = send('POST', path, { body: {} });
    expect(response.status).toBe(501);
    expect(response.json).toMatchObject({ status: '501', detail: expect.any(String) });
  });

  test.for(['/Devices', '/Users/some-id/extra', '/Users/Users'])('"%s" under the base path is 404 with an Error body', (path) => {
    expect(send('GET', path).json).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
  });

  test.for(['', '/'])('GET "%s" under the base path is a query over every resource type (RFC 7644 §3.4.2.1)', (path) => {
    const service = createScimService();
    const local = inProcessClient(service);
    local('POST', '/Users', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'root-query-user' } });
    local('POST', '/Groups', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'root-query-group' } });
    const all = local('GET', path).json as { totalResults: number; Resources: Array<Record<string, unknown>> };
    expect(all.Resources.map((resource) => resource['userName'] ?? resource['displayName'])).toEqual(['root-query-user', 'root-query-group']);
    const filtered = local('GET', path, { query: 'filter=userName eq "root-query-user"' }).json as { Resources: Array<Record<string, unknown>> };
    expect(filtered.Resources.map((resource) => resource['userName'])).toEqual(['root-query-user']);
    expect(local('DELETE', path).json).toMatchObject({ status: '404' });
  });

  test('a path outside the base path is 404, even without a token', () => {
    const guarded = createScimService({ token: 't' });
    const response = guarded.handle({ method: 'GET', path: '/', query: new URLSearchParams(), headers: {}, body: '' });
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ status: '404' });
  });

  test('a filter on a discovery endpoint is refused with 403 (RFC 7644 §4)', () => {
    expect(send('GET', '/Schemas', { query: 'filter=id eq "x"' }).status).toBe(403);
  });

  test('a custom basePath is honoured', () => {
    const custom = inProcessClient(createScimService({ basePath: '/api/scim/' }), { basePath: '/api/scim' });
    expect(custom('GET', '/Users').status).toBe(200);
  });
});
