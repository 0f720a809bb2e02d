import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createScimService, demoSeed, serve, startReferenceServer, type ReferenceServer } from '../../src/reference-server/index.js';

describe('startReferenceServer over HTTP', () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer({ token: 'http-test-token', seed: demoSeed() });
  });
  afterAll(() => server.close());
  const authorization = 'Bearer http-test-token';

  test('the base URL is on loopback and ends with the base path', () => {
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
  });

  test("Okta's connection probe gets a ListResponse with integer paging fields", async () => {
    const response = await request(`${server.baseUrl}/Users?startIndex=1&count=2`, {
      headers: { authorization, accept: 'application/scim+json', 'user-agent': 'Okta SCIM Client 1.0.0' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(await response.body.json()).toMatchObject({ totalResults: 3, startIndex: 1, itemsPerPage: 2 });
  });

  test('a POST answers 201 with a Location on the address the client used', async () => {
    const response = await request(`${server.baseUrl}/Users`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ userName: 'http@example.com' }),
    });
    const created = (await response.body.json()) as { id: string };
    expect(response.statusCode).toBe(201);
    expect(response.headers['location']).toBe(`${server.baseUrl}/Users/${created.id}`);
  });

  test('a missing token is 401 with a Bearer challenge', async () => {
    const response = await request(`${server.baseUrl}/Users`);
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="scim"');
    expect(await response.body.json()).toMatchObject({ status: '401' });
  });

  test('a body over 1 MiB is 413 with a SCIM Error', async () => {
    const response = await request(`${server.baseUrl}/Users`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ userName: 'big@example.com', title: 'x'.repeat(1024 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(await response.body.json()).toMatchObject({ status: '413' });
  });
});

describe('serve', () => {
  test('a handler that throws is answered with a 500 SCIM Error, and the server keeps serving', async () => {
    let calls = 0;
    const server = await serve(() => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      return { status: 204, headers: {} };
    });
    try {
      const failed = await request(`${server.origin}/scim/v2/Users`);
      expect(failed.statusCode).toBe(500);
      expect(await failed.body.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '500' });
      const next = await request(`${server.origin}/scim/v2/Users`);
      await next.body.dump();
      expect(next.statusCode).toBe(204);
    } finally {
      await server.close();
    }
  });

  test('close() returns even while a client holds a keep-alive connection open', async () => {
    const server = await serve(createScimService().handle);
    const response = await request(`${server.origin}/scim/v2/Users`, { headers: { connection: 'keep-alive' } });
    await response.body.dump();
    await expect(server.close()).resolves.toBeUndefined();
  });

  test('the request reaches the handler with path, query, lower-cased headers and body', async () => {
    const seen: unknown[] = [];
    const server = await serve((scimRequest) => {
      seen.push({ ...scimRequest, query: scimRequest.query.toString() });
      return { status: 204, headers: {} };
    });
    try {
      const response = await request(`${server.origin}/scim/v2/Users?filter=userName%20eq%20%22a%22`, {
        method: 'PUT',
        headers: { 'X-Custom': 'yes' },
        body: '{"a":"é"}',
      });
      await response.body.dump();
      expect(seen[0]).toMatchObject({
        method: 'PUT',
        path: '/scim/v2/Users',
        query: 'filter=userName+eq+%22a%22',
        headers: expect.objectContaining({ 'x-custom': 'yes' }),
        body: '{"a":"é"}',
      });
    } finally {
      await server.close();
    }
  });
});
