import { describe, expect, test } from 'vitest';
import { createScimService, inProcessClient, type InProcessResponse, type ServiceOptions } from '../../src/reference-server/index.js';

type Resource = Record<string, unknown>;
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function serverWith(options: ServiceOptions = {}) {
  return inProcessClient(createScimService(options));
}

function listed(response: InProcessResponse): Resource[] {
  return (response.json as { Resources: Resource[] }).Resources;
}

function userNames(response: InProcessResponse): unknown[] {
  return listed(response).map((user) => user['userName']);
}

/** Five users, created in this order, with enough variety for filters and sorting. */
function fiveUsers(): Resource[] {
  return [
    {
      userName: 'alice@example.com',
      externalId: 'EXT-1',
      displayName: 'Alice',
      name: { givenName: 'Alice', familyName: 'Zeta' },
      emails: [
        { value: 'alice@example.com', type: 'work', primary: true },
        { value: 'alice@home.example', type: 'home' },
      ],
      title: 'Engineer',
      active: true,
      [ENTERPRISE]: { department: 'R&D', employeeNumber: '7' },
    },
    {
      userName: 'Bob@Example.com',
      externalId: 'ext-2',
      name: { givenName: 'bob', familyName: 'Young' },
      emails: [{ value: 'bob@home.example', type: 'home' }],
      active: false,
    },
    { userName: 'carol@example.org', name: { givenName: 'Carol', familyName: 'Xu' }, active: true, title: 'Manager' },
    { userName: 'dave@example.org', emails: [{ value: 'dave@example.org', type: 'work' }], active: true },
    { userName: 'eve@example.net', active: false, [ENTERPRISE]: { department: 'Sales' } },
  ];
}

describe('list response shape (RFC 7644 §3.4.2, Okta connection test)', () => {
  test('an empty store answers with a complete ListResponse and Resources: []', () => {
    const response = serverWith()('GET', '/Users', { query: 'startIndex=1&count=2' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(response.json).toStrictEqual({ schemas: [LIST_RESPONSE], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  test('an empty group collection answers with a complete ListResponse', () => {
    const response = serverWith()('GET', '/Groups', { query: 'startIndex=1&count=100' });
    expect(response.json).toStrictEqual({ schemas: [LIST_RESPONSE], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  test('the collection name matches case-insensitively (Microsoft calls /users)', () => {
    const send = serverWith({ seed: { users: fiveUsers() } });
    expect(send('GET', '/users').status).toBe(200);
    expect(userNames(send('GET', '/users'))).toHaveLength(5);
  });

  test('a filter for a user that does not exist is an empty ListResponse (Entra test connection)', () => {
    const send = serverWith({ seed: { users: fiveUsers() } });
    const response = send('GET', '/Users', { query: { filter: 'userName eq "6f7a1c3e-0000-4000-8000-000000000000"' } });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ totalResults: 0, itemsPerPage: 0, Resources: [] });
  });
});

describe('paging (RFC 7644 §3.4.2.4)', () => {
  const send = serverWith({ seed: { users: fiveUsers() }, maxResults: 3 });

  test.for([
    { name: 'the first page of two', query: 'startIndex=1&count=2', startIndex: 1, names: ['alice@example.com', 'Bob@Example.com'] },
    { name: 'a middle page', query: 'startIndex=3&count=2', startIndex: 3, names: ['carol@example.org', 'dave@example.org'] },
    { name: 'the last, partial page', query: 'startIndex=5&count=2', startIndex: 5, names: ['eve@example.net'] },
    { name: 'a page past the end is empty', query: 'startIndex=9&count=2', startIndex: 9, names: [] },
    { name: 'startIndex below 1 is treated as 1', query: 'startIndex=0&count=1', startIndex: 1, names: ['alice@example.com'] },
    { name: 'a negative startIndex is treated as 1', query: 'startIndex=-4&count=1', startIndex: 1, names: ['alice@example.com'] },
    { name: 'a non-numeric startIndex is treated as 1', query: 'startIndex=abc&count=1', startIndex: 1, names: ['alice@example.com'] },
    { name: 'count=0 returns no resources, only totalResults', query: 'count=0', startIndex: 1, names: [] },
    { name: 'a negative count is treated as 0', query: 'count=-1', startIndex: 1, names: [] },
    {
      name: 'a count above maxResults is capped at maxResults',
      query: 'count=100',
      startIndex: 1,
      names: ['alice@example.com', 'Bob@Example.com', 'carol@example.org'],
    },
    {
      name: 'no count returns at most maxResults',
      query: '',
      startIndex: 1,
      names: ['alice@example.com', 'Bob@Example.com', 'carol@example.org'],
    },
  ])('$name', ({ query, startIndex, names }) => {
    const response = send('GET', '/Users', { query });
    expect(response.json).toMatchObject({ totalResults: 5, startIndex, itemsPerPage: names.length });
    expect(userNames(response)).toStrictEqual(names);
  });

  test('paging numbers are JSON integers', () => {
    const body = send('GET', '/Users', { query: 'startIndex=2&count=2' }).json as Resource;
    for (const field of ['totalResults', 'startIndex', 'itemsPerPage']) expect(Number.isInteger(body[field])).toBe(true);
  });

  test('pages walked one by one list every user once, in creation order (Okta import)', () => {
    const seen = [1, 2, 3, 4, 5].flatMap((startIndex) => userNames(send('GET', '/Users', { query: `startIndex=${startIndex}&count=1` })));
    expect(seen).toStrictEqual(fiveUsers().map((user) => user['userName']));
  });
});

describe('filters (RFC 7644 §3.4.2.2)', () => {
  const send = serverWith({ seed: { users: fiveUsers() } });

  test.for([
    { filter: 'userName eq "carol@example.org"', names: ['carol@example.org'] },
    { filter: 'userName ne "carol@example.org"', names: ['alice@example.com', 'Bob@Example.com', 'dave@example.org', 'eve@example.net'] },
    { filter: 'userName co "example.org"', names: ['carol@example.org', 'dave@example.org'] },
    { filter: 'userName sw "B"', names: ['Bob@Example.com'] },
    { filter: 'userName ew ".net"', names: ['eve@example.net'] },
    { filter: 'title pr', names: ['alice@example.com', 'carol@example.org'] },
    { filter: 'userName gt "d"', names: ['dave@example.org', 'eve@example.net'] },
    { filter: 'userName ge "dave@example.org"', names: ['dave@example.org', 'eve@example.net'] },
    { filter: 'userName lt "bob@example.com"', names: ['alice@example.com'] },
    { filter: 'userName le "bob@example.com"', names: ['alice@example.com', 'Bob@Example.com'] },
    { filter: 'active eq false', names: ['Bob@Example.com', 'eve@example.net'] },
    { filter: 'title pr and active eq true', names: ['alice@example.com', 'carol@example.org'] },
    { filter: 'userName sw "a" or userName sw "e"', names: ['alice@example.com', 'eve@example.net'] },
    { filter: 'not (userName co "example.org")', names: ['alice@example.com', 'Bob@Example.com', 'eve@example.net'] },
    { filter: '(userName sw "a" or userName sw "b") and active eq true', names: ['alice@example.com'] },
    { filter: 'name.familyName eq "xu"', names: ['carol@example.org'] },
    { filter: 'emails co "home.example"', names: ['alice@example.com', 'Bob@Example.com'] },
    { filter: 'emails[type eq "work"].value eq "DAVE@example.org"', names: ['dave@example.org'] },
    // The home address of alice contains "alice" but is not her work email, so the value path must hold both tests together.
    { filter: 'emails[type eq "home"].value eq "alice@example.com"', names: [] },
    { filter: 'emails[type eq "work" and value co "alice"]', names: ['alice@example.com'] },
    { filter: 'active eq true and emails[type eq "work"].value ew "example.org"', names: ['dave@example.org'] },
    { filter: 'emails[type eq "home"].value sw "bob" or userName eq "eve@example.net"', names: ['Bob@Example.com', 'eve@example.net'] },
    { filter: `${ENTERPRISE}:department eq "sales"`, names: ['eve@example.net'] },
    { filter: 'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "eve@example.net"', names: ['eve@example.net'] },
    { filter: 'meta.created gt "2020-01-01T00:00:00Z"', names: ['alice@example.com', 'Bob@Example.com', 'carol@example.org', 'dave@example.org', 'eve@example.net'] },
    { filter: 'meta.created lt "2020-01-01T00:00:00Z"', names: [] },
    { filter: 'nickName eq "nobody"', names: [] },
  ])('$filter', ({ filter, names }) => {
    const response = send('GET', '/Users', { query: { filter } });
    expect(response.status).toBe(200);
    expect(userNames(response)).toStrictEqual(names);
  });

  test.for([
    { name: 'userName is compared case-insensitively (caseExact false)', filter: 'userName eq "BOB@example.COM"', names: ['Bob@Example.com'] },
    { name: 'attribute names and operators are case-insensitive', filter: 'USERNAME EQ "carol@example.org"', names: ['carol@example.org'] },
    { name: 'externalId is compared case-sensitively (caseExact true)', filter: 'externalId eq "ext-1"', names: [] },
    { name: 'externalId matches with the exact case', filter: 'externalId eq "EXT-1"', names: ['alice@example.com'] },
    { name: 'name.givenName is case-insensitive', filter: 'name.givenName eq "BOB"', names: ['Bob@Example.com'] },
  ])('$name', ({ filter, names }) => {
    expect(userNames(send('GET', '/Users', { query: { filter } }))).toStrictEqual(names);
  });

  test('a filter on id is exact', () => {
    const [first] = listed(send('GET', '/Users', { query: 'count=1' }));
    const id = String(first?.['id']);
    expect(userNames(send('GET', '/Users', { query: { filter: `id eq "${id}"` } }))).toStrictEqual(['alice@example.com']);
    expect(userNames(send('GET', '/Users', { query: { filter: `id eq "${id.toUpperCase()}"` } }))).toStrictEqual([]);
  });

  test.for([
    { name: 'a filter that does not parse', filter: 'userName eq' },
    { name: 'an operator that does not exist', filter: 'userName xx "a"' },
    { name: 'an unbalanced parenthesis', filter: '(userName eq "a"' },
    { name: 'a dangling and', filter: 'userName eq "a" and' },
    { name: 'an ordering operator on a boolean', filter: 'active gt true' },
    { name: 'a complex attribute compared as a whole', filter: 'name eq "Alice"' },
  ])('$name is 400 invalidFilter', ({ filter }) => {
    const response = send('GET', '/Users', { query: { filter } });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ status: '400', scimType: 'invalidFilter' });
  });

  test('an invalid filter is 400 even when the store is empty', () => {
    expect(serverWith()('GET', '/Users', { query: { filter: 'userName xx "a"' } }).status).toBe(400);
  });

  test('Groups are found by displayName, case-insensitively, with members excluded (Entra)', () => {
    const sendGroups = serverWith({ seed: { groups: [{ displayName: 'Sales' }, { displayName: 'Engineering' }] } });
    const response = sendGroups('GET', '/Groups', { query: { filter: 'displayName eq "engineering"', excludedAttributes: 'members' } });
    expect(listed(response).map((group) => group['displayName'])).toStrictEqual(['Engineering']);
  });
});

describe('sorting (RFC 7644 §3.4.2.3)', () => {
  const send = serverWith({ seed: { users: fiveUsers() } });

  test('sortBy orders case-insensitively for a caseExact=false attribute', () => {
    expect(userNames(send('GET', '/Users', { query: 'sortBy=userName' }))).toStrictEqual([
      'alice@example.com',
      'Bob@Example.com',
      'carol@example.org',
      'dave@example.org',
      'eve@example.net',
    ]);
  });

  test('sortOrder=descending reverses the order', () => {
    expect(userNames(send('GET', '/Users', { query: 'sortBy=userName&sortOrder=descending' }))).toStrictEqual([
      'eve@example.net',
      'dave@example.org',
      'carol@example.org',
      'Bob@Example.com',
      'alice@example.com',
    ]);
  });

  test('sortBy a sub-attribute puts unassigned values last when ascending', () => {
    expect(userNames(send('GET', '/Users', { query: 'sortBy=name.familyName' }))).toStrictEqual([
      'carol@example.org',
      'Bob@Example.com',
      'alice@example.com',
      'dave@example.org',
      'eve@example.net',
    ]);
  });

  test('sortBy a multi-valued attribute uses its primary value', () => {
    const names = userNames(send('GET', '/Users', { query: 'sortBy=emails&sortOrder=descending' }));
    expect(names.slice(0, 3)).toStrictEqual(['carol@example.org', 'eve@example.net', 'dave@example.org']);
  });
});

describe('attributes and excludedAttributes (RFC 7644 §3.4.2.5)', () => {
  const send = serverWith({ seed: { users: fiveUsers() } });

  test('attributes returns only those, plus id and schemas', () => {
    const [first] = listed(send('GET', '/Users', { query: 'count=1&attributes=userName,name.givenName' }));
    expect(Object.keys(first ?? {}).sort()).toStrictEqual(['id', 'name', 'schemas', 'userName']);
    expect(first?.['name']).toStrictEqual({ givenName: 'Alice' });
  });

  test('attributes accepts an extension attribute by its full URN path', () => {
    const [first] = listed(send('GET', '/Users', { query: `count=1&attributes=${ENTERPRISE}:department` }));
    expect(first?.[ENTERPRISE]).toStrictEqual({ department: 'R&D' });
    expect(first?.['userName']).toBeUndefined();
  });

  test('excludedAttributes removes those and keeps the rest', () => {
    const [first] = listed(send('GET', '/Users', { query: 'count=1&excludedAttributes=emails,name.familyName,meta' }));
    expect(first?.['emails']).toBeUndefined();
    expect(first?.['meta']).toBeUndefined();
    expect(first?.['name']).toStrictEqual({ givenName: 'Alice' });
    expect(first?.['userName']).toBe('alice@example.com');
  });

  test('excludedAttributes cannot remove id', () => {
    const [first] = listed(send('GET', '/Users', { query: 'count=1&excludedAttributes=id,schemas' }));
    expect(first?.['id']).toEqual(expect.any(String));
    expect(first?.['schemas']).toBeDefined();
  });
});

describe('POST .search (RFC 7644 §3.4.3)', () => {
  const send = serverWith({ seed: { users: fiveUsers(), groups: [{ displayName: 'Everyone' }] } });
  const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

  test('/Users/.search takes the query from the body', () => {
    const response = send('POST', '/Users/.search', {
      body: { schemas: [SEARCH], filter: 'active eq true', sortBy: 'userName', sortOrder: 'descending', startIndex: 1, count: 2, attributes: ['userName'] },
    });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 3, itemsPerPage: 2 });
    expect(userNames(response)).toStrictEqual(['dave@example.org', 'carol@example.org']);
  });

  test('/.search searches users and groups together', () => {
    const response = send('POST', '/.search', { body: { schemas: [SEARCH], filter: 'displayName pr' } });
    expect(listed(response).map((resource) => resource['displayName'])).toStrictEqual(['Alice', 'Everyone']);
  });

  test('a SearchRequest without its schema is 400 invalidSyntax', () => {
    const response = send('POST', '/Users/.search', { body: { filter: 'active eq true' } });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ scimType: 'invalidSyntax' });
  });

  test('GET on .search is 405', () => {
    expect(send('GET', '/Users/.search').status).toBe(405);
  });
});
