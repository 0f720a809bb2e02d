import { describe, expect, test } from 'vitest';
import { createScimService, demoSeed, inProcessClient, type InProcessResponse, type ServiceOptions } from '../../src/reference-server/index.js';

type Resource = Record<string, unknown>;
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function serverWith(options: ServiceOptions = {}) {
  const service = createScimService(options);
  return { service, send: inProcessClient(service) };
}

function body(response: InProcessResponse): Resource {
  return response.json as Resource;
}

/** What Okta sends on create (SCIM-CLIENTS.md). */
function oktaUser(userName = 'isaac.brock@example.com'): Resource {
  return {
    schemas: [USER],
    userName,
    name: { givenName: 'Isaac', familyName: 'Brock' },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: 'Isaac Brock',
    locale: 'en-US',
    externalId: '00ujl29u0le5T6Aj10h7',
    groups: [],
    password: '1mz050nq',
    active: true,
  };
}

describe('POST (RFC 7644 §3.3)', () => {
  test('creating a user answers 201 with the full resource', () => {
    const { send } = serverWith();
    const response = send('POST', '/Users', { body: oktaUser() });
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(body(response)).toMatchObject({
      schemas: [USER],
      id: expect.any(String),
      userName: 'isaac.brock@example.com',
      name: { givenName: 'Isaac', familyName: 'Brock' },
      emails: [{ primary: true, value: 'isaac.brock@example.com', type: 'work' }],
      active: true,
      externalId: '00ujl29u0le5T6Aj10h7',
      meta: { resourceType: 'User', version: 'W/"1"' },
    });
  });

  test('the Location header equals meta.location, an absolute URL built from the Host header', () => {
    const { send } = serverWith();
    const response = send('POST', '/Users', { body: oktaUser(), headers: { host: 'idp.example.test:8443' } });
    const meta = body(response)['meta'] as Resource;
    expect(response.headers['location']).toBe(meta['location']);
    expect(meta['location']).toBe(`http://idp.example.test:8443/scim/v2/Users/${String(body(response)['id'])}`);
  });

  test('meta carries created and lastModified from the clock', () => {
    const { send } = serverWith({ now: () => new Date('2024-05-06T07:08:09.000Z') });
    const meta = body(send('POST', '/Users', { body: oktaUser() }))['meta'];
    expect(meta).toMatchObject({ created: '2024-05-06T07:08:09.000Z', lastModified: '2024-05-06T07:08:09.000Z' });
  });

  test('the password is stored but never returned', () => {
    const { send, service } = serverWith();
    const created = send('POST', '/Users', { body: oktaUser() });
    const id = String(body(created)['id']);
    expect(created.body).not.toContain('1mz050nq');
    expect(send('GET', `/Users/${id}`).body).not.toContain('1mz050nq');
    expect(send('GET', '/Users').body).not.toContain('1mz050nq');
    expect(JSON.stringify(service.store.snapshot())).not.toContain('1mz050nq');
  });

  test('a client-supplied id and meta are ignored', () => {
    const { send } = serverWith();
    const response = send('POST', '/Users', { body: { ...oktaUser(), id: 'mine', meta: { created: '1999-01-01T00:00:00Z' } } });
    expect(body(response)['id']).not.toBe('mine');
    expect((body(response)['meta'] as Resource)['created']).not.toBe('1999-01-01T00:00:00Z');
  });

  test('unknown attributes are dropped', () => {
    const { send } = serverWith();
    expect(body(send('POST', '/Users', { body: { ...oktaUser(), favouriteColour: 'teal' } }))['favouriteColour']).toBeUndefined();
  });

  test('active sent as the string "True" is stored as a JSON boolean (Entra)', () => {
    const { send } = serverWith();
    expect(body(send('POST', '/Users', { body: { ...oktaUser(), active: 'True' } }))['active']).toBe(true);
    expect(body(send('POST', '/Users', { body: { ...oktaUser('b@example.com'), active: 'false' } }))['active']).toBe(false);
  });

  test('the enterprise extension is kept and listed in schemas', () => {
    const { send } = serverWith();
    const response = send('POST', '/Users', { body: { ...oktaUser(), [ENTERPRISE]: { department: 'Tour', manager: { value: 'm1' } } } });
    expect(body(response)['schemas']).toStrictEqual([USER, ENTERPRISE]);
    expect(body(response)[ENTERPRISE]).toStrictEqual({ department: 'Tour', manager: { value: 'm1' } });
  });

  test.for([
    { name: 'a missing userName', user: { name: { givenName: 'x' } }, scimType: 'invalidValue' },
    { name: 'an empty userName', user: { userName: '' }, scimType: 'invalidValue' },
    { name: 'name as a string', user: { userName: 'a@b.c', name: 'Ada' }, scimType: 'invalidValue' },
    { name: 'emails as an object', user: { userName: 'a@b.c', emails: { value: 'a@b.c' } }, scimType: 'invalidValue' },
    { name: 'active as "yes"', user: { userName: 'a@b.c', active: 'yes' }, scimType: 'invalidValue' },
    {
      name: 'two primary emails',
      user: {
        userName: 'a@b.c',
        emails: [
          { value: 'a', primary: true },
          { value: 'b', primary: true },
        ],
      },
      scimType: 'invalidValue',
    },
    { name: 'a JSON array as the body', user: [], scimType: 'invalidSyntax' },
  ])('$name is 400 $scimType', ({ user, scimType }) => {
    const response = serverWith().send('POST', '/Users', { body: user });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType });
  });

  test.for([
    { name: 'a body that is not JSON', text: 'userName=bob' },
    { name: 'truncated JSON', text: '{"userName": "bob"' },
    { name: 'an empty body', text: '' },
  ])('$name is 400 invalidSyntax', ({ text }) => {
    const response = serverWith().send('POST', '/Users', { body: text });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  });

  test('a duplicate userName in a different case is 409 uniqueness', () => {
    const { send } = serverWith();
    send('POST', '/Users', { body: oktaUser('Dup@Example.com') });
    const response = send('POST', '/Users', { body: oktaUser('dup@example.COM') });
    expect(response.status).toBe(409);
    expect(response.json).toMatchObject({ status: '409', scimType: 'uniqueness' });
  });

  test('a duplicate group displayName is 409 uniqueness', () => {
    const { send } = serverWith();
    send('POST', '/Groups', { body: { displayName: 'Band' } });
    expect(send('POST', '/Groups', { body: { displayName: 'band' } }).status).toBe(409);
  });

  test('a group without displayName is 400 invalidValue', () => {
    expect(serverWith().send('POST', '/Groups', { body: { members: [] } }).json).toMatchObject({ scimType: 'invalidValue' });
  });

  test('a group member that does not exist is 400 invalidValue', () => {
    const response = serverWith().send('POST', '/Groups', { body: { displayName: 'Band', members: [{ value: 'nobody' }] } });
    expect(response.json).toMatchObject({ status: '400', scimType: 'invalidValue' });
  });
});

describe('GET one resource (RFC 7644 §3.4.1)', () => {
  const { send } = serverWith({ seed: demoSeed() });
  const adaId = String((demoSeed().users[0] as Resource)['id']);

  test('answers with the resource itself, not a ListResponse', () => {
    const response = send('GET', `/Users/${adaId}`);
    expect(response.status).toBe(200);
    expect(body(response)).toMatchObject({ id: adaId, userName: 'ada.lovelace@example.com' });
    expect(body(response)['Resources']).toBeUndefined();
  });

  test('an unknown id is 404 with an Error body whose detail is set (Okta SPEC test)', () => {
    const response = send('GET', '/Users/010101');
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: expect.any(String) });
  });

  test('a user lists the groups it belongs to', () => {
    const groups = body(send('GET', `/Users/${adaId}`))['groups'];
    expect(groups).toStrictEqual([expect.objectContaining({ display: 'Engineering', type: 'direct' })]);
  });

  test('group members carry display, $ref and type', () => {
    const group = body(send('GET', '/Groups', { query: 'count=1' }))['Resources'] as Resource[];
    expect(group[0]?.['members']).toStrictEqual([{ value: adaId, display: 'Ada Lovelace', $ref: `http://scim.example.test/scim/v2/Users/${adaId}`, type: 'User' }]);
  });

  test('attributes applies to a single resource too', () => {
    expect(Object.keys(body(send('GET', `/Users/${adaId}`, { query: 'attributes=userName' }))).sort()).toStrictEqual(['id', 'schemas', 'userName']);
  });
});

describe('ETags (RFC 7644 §3.14)', () => {
  test('a single resource carries its version as the ETag header', () => {
    const { send } = serverWith();
    const created = send('POST', '/Users', { body: oktaUser() });
    expect(created.headers['etag']).toBe('W/"1"');
    expect(send('GET', `/Users/${String(body(created)['id'])}`).headers['etag']).toBe('W/"1"');
  });

  test('If-None-Match with the current version is 304 without a body', () => {
    const { send } = serverWith();
    const id = String(body(send('POST', '/Users', { body: oktaUser() }))['id']);
    const response = send('GET', `/Users/${id}`, { headers: { 'If-None-Match': 'W/"1"' } });
    expect(response.status).toBe(304);
    expect(response.body).toBeUndefined();
  });

  test('If-None-Match with an old version returns the resource', () => {
    const { send } = serverWith();
    const id = String(body(send('POST', '/Users', { body: oktaUser() }))['id']);
    send('PUT', `/Users/${id}`, { body: { ...oktaUser(), displayName: 'Changed' } });
    expect(send('GET', `/Users/${id}`, { headers: { 'If-None-Match': 'W/"1"' } }).status).toBe(200);
  });

  test.for(['PUT', 'PATCH', 'DELETE'])('%s with a stale If-Match is 412', (method) => {
    const { send } = serverWith();
    const id = String(body(send('POST', '/Users', { body: oktaUser() }))['id']);
    send('PUT', `/Users/${id}`, { body: { ...oktaUser(), displayName: 'Changed' } });
    const patch = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] };
    const response = send(method, `/Users/${id}`, { body: method === 'PATCH' ? patch : oktaUser(), headers: { 'If-Match': 'W/"1"' } });
    expect(response.status).toBe(412);
    expect(response.json).toMatchObject({ status: '412', detail: expect.any(String) });
  });

  test("a user's version changes when it joins or leaves a group, or its group is renamed or deleted: its groups changed", () => {
    const { send } = serverWith();
    const member = String(body(send('POST', '/Users', { body: oktaUser() }))['id']);
    const bystander = String(body(send('POST', '/Users', { body: oktaUser('bystander@example.com') }))['id']);
    const etag = (id: string) => send('GET', `/Users/${id}`).headers['etag'];
    const group = String(
      body(send('POST', '/Groups', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Singers', members: [{ value: member }] } }))['id'],
    );
    expect(etag(member)).toBe('W/"2"');
    const patch = (operation: object) => send('PATCH', `/Groups/${group}`, { body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [operation] } });
    patch({ op: 'replace', path: 'displayName', value: 'Choir' });
    expect(etag(member)).toBe('W/"3"');
    patch({ op: 'add', path: 'members', value: [{ value: bystander }] });
    expect([etag(member), etag(bystander)]).toEqual(['W/"3"', 'W/"2"']);
    expect(send('GET', `/Users/${member}`, { headers: { 'If-None-Match': 'W/"1"' } }).status).toBe(200);
    send('DELETE', `/Groups/${group}`);
    expect([etag(member), etag(bystander)]).toEqual(['W/"4"', 'W/"3"']);
  });

  test('PUT with the current If-Match succeeds and bumps the version', () => {
    const { send } = serverWith();
    const id = String(body(send('POST', '/Users', { body: oktaUser() }))['id']);
    const response = send('PUT', `/Users/${id}`, { body: { ...oktaUser(), title: 'Singer' }, headers: { 'If-Match': 'W/"1"' } });
    expect(response.status).toBe(200);
    expect(response.headers['etag']).toBe('W/"2"');
  });
});

describe('PUT (RFC 7644 §3.5.1)', () => {
  test('replaces the resource, keeping id and meta.created', () => {
    let clock = new Date('2024-01-01T00:00:00.000Z');
    const { send } = serverWith({ now: () => clock });
    const created = body(send('POST', '/Users', { body: oktaUser() }));
    clock = new Date('2024-02-01T00:00:00.000Z');
    const response = send('PUT', `/Users/${String(created['id'])}`, { body: { userName: 'isaac.brock@example.com', title: 'Singer', id: 'ignored' } });
    expect(response.status).toBe(200);
    expect(body(response)).toMatchObject({ id: created['id'], title: 'Singer', meta: { created: '2024-01-01T00:00:00.000Z', lastModified: '2024-02-01T00:00:00.000Z' } });
    expect(body(response)['name']).toBeUndefined();
  });

  test("renaming to another user's userName is 409", () => {
    const { send } = serverWith();
    send('POST', '/Users', { body: oktaUser('taken@example.com') });
    const id = String(body(send('POST', '/Users', { body: oktaUser('free@example.com') }))['id']);
    expect(send('PUT', `/Users/${id}`, { body: oktaUser('TAKEN@example.com') }).status).toBe(409);
  });

  test('a PUT of an unknown id is 404', () => {
    expect(serverWith().send('PUT', '/Users/nope', { body: oktaUser() }).status).toBe(404);
  });
});

describe('DELETE (RFC 7644 §3.6)', () => {
  test('answers 204, and a second delete 404', () => {
    const { send } = serverWith();
    const id = String(body(send('POST', '/Users', { body: oktaUser() }))['id']);
    const first = send('DELETE', `/Users/${id}`);
    expect(first.status).toBe(204);
    expect(first.body).toBeUndefined();
    expect(send('GET', `/Users/${id}`).status).toBe(404);
    expect(send('DELETE', `/Users/${id}`).status).toBe(404);
  });

  test('deleting a user removes it from its groups', () => {
    const { send, service } = serverWith({ seed: demoSeed() });
    const adaId = String((demoSeed().users[0] as Resource)['id']);
    send('DELETE', `/Users/${adaId}`);
    expect((service.store.snapshot().groups[0] as Resource)['members']).toStrictEqual([]);
  });
});

describe('authentication (RFC 7644 §2)', () => {
  const { send } = serverWith({ token: 's3cret' });

  test.for([
    { name: 'no Authorization header', headers: {}, challenge: 'Bearer realm="scim"' },
    { name: 'a wrong token', headers: { authorization: 'Bearer wrong' }, challenge: 'Bearer realm="scim", error="invalid_token"' },
    { name: 'another scheme', headers: { authorization: 'Basic czNjcmV0' }, challenge: 'Bearer realm="scim"' },
  ])('$name is 401 with an Error body and a Bearer challenge', ({ headers, challenge }) => {
    const response = send('GET', '/Users', { headers });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(challenge);
    expect(response.json).toMatchObject({ status: '401', detail: expect.any(String) });
  });

  test.for(['/ServiceProviderConfig', '/Schemas', '/ResourceTypes', '/Groups', '/Users/x'])('%s needs the token too', (path) => {
    expect(send('GET', path).status).toBe(401);
  });

  test('the right token is let in, whatever the case of "Bearer"', () => {
    expect(send('GET', '/Users', { headers: { authorization: 'bearer s3cret' } }).status).toBe(200);
  });
});

describe('store', () => {
  test('snapshot returns deep copies in creation order', () => {
    const { send, service } = serverWith();
    send('POST', '/Users', { body: oktaUser('one@example.com') });
    send('POST', '/Users', { body: oktaUser('two@example.com') });
    const snapshot = service.store.snapshot();
    expect(snapshot.users.map((user) => (user as Resource)['userName'])).toStrictEqual(['one@example.com', 'two@example.com']);
    (snapshot.users[0] as Resource)['userName'] = 'changed';
    expect((service.store.snapshot().users[0] as Resource)['userName']).toBe('one@example.com');
  });

  test('reset brings back the seed and forgets the rest', () => {
    const { send, service } = serverWith({ seed: demoSeed() });
    send('POST', '/Users', { body: oktaUser() });
    send('DELETE', `/Groups/${String((demoSeed().groups[0] as Resource)['id'])}`);
    service.store.reset();
    const snapshot = service.store.snapshot();
    expect(snapshot.users).toHaveLength(3);
    expect(snapshot.groups).toHaveLength(1);
  });

  test('the demo seed has three users, one with the enterprise extension, and a group of one', () => {
    const { service } = serverWith({ seed: demoSeed() });
    const { users, groups } = service.store.snapshot();
    expect(users.filter((user) => ENTERPRISE in user)).toHaveLength(1);
    expect((groups[0] as Resource)['members']).toHaveLength(1);
  });
});
