import { describe, expect, test } from 'vitest';
import { createScimService, demoSeed, inProcessClient, type InProcessResponse } from '../../src/reference-server/index.js';

type Resource = Record<string, unknown>;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const [ADA, GRACE, LINUS] = demoSeed().users.map((user) => String((user as Resource)['id']));
const ENGINEERING = String((demoSeed().groups[0] as Resource)['id']);

function demoServer() {
  return inProcessClient(createScimService({ seed: demoSeed() }));
}

function body(response: InProcessResponse): Resource {
  return response.json as Resource;
}

function patch(...operations: unknown[]) {
  return { body: { schemas: [PATCH_OP], Operations: operations } };
}

function memberIds(send: ReturnType<typeof demoServer>): unknown[] {
  const members = body(send('GET', `/Groups/${ENGINEERING}`))['members'];
  return Array.isArray(members) ? members.map((member) => (member as Resource)['value']) : [];
}

describe('PATCH on users (RFC 7644 §3.5.2)', () => {
  test('answers 200 with the resource and a new version', () => {
    const send = demoServer();
    const response = send('PATCH', `/Users/${ADA}`, patch({ op: 'replace', path: 'title', value: 'Countess' }));
    expect(response.status).toBe(200);
    expect(body(response)).toMatchObject({ id: ADA, title: 'Countess', meta: { version: 'W/"2"' } });
    expect(response.headers['etag']).toBe('W/"2"');
  });

  test('Okta deactivates with a no-path replace of active', () => {
    const send = demoServer();
    const response = send('PATCH', `/Users/${ADA}`, patch({ op: 'replace', value: { active: false } }));
    expect(body(response)['active']).toBe(false);
    // Okta never deletes: the deactivated user must stay findable.
    const found = body(send('GET', '/Users', { query: { filter: 'userName eq "ada.lovelace@example.com"' } }));
    expect(found['totalResults']).toBe(1);
  });

  test('Entra sends capitalised ops and booleans as strings', () => {
    const send = demoServer();
    const response = send('PATCH', `/Users/${ADA}`, patch({ op: 'Replace', path: 'active', value: 'False' }));
    expect(response.status).toBe(200);
    expect(body(response)['active']).toBe(false);
  });

  test("Entra's no-path replace with dotted and extension-prefixed keys updates just those sub-attributes", () => {
    const send = demoServer();
    const response = send(
      'PATCH',
      `/Users/${ADA}`,
      patch({ op: 'replace', value: { 'name.givenName': 'Augusta', [`${ENTERPRISE}:department`]: 'Mathematics', 'emails[type eq "work"].value': 'augusta@example.com' } }),
    );
    expect(body(response)['name']).toStrictEqual({ givenName: 'Augusta', familyName: 'Lovelace', formatted: 'Ada Lovelace' });
    expect(body(response)[ENTERPRISE]).toMatchObject({ department: 'Mathematics', employeeNumber: '1815' });
    expect(body(response)['emails']).toStrictEqual([{ value: 'augusta@example.com', type: 'work', primary: true }]);
  });

  test('a replace of a complex attribute keeps the sub-attributes it does not name', () => {
    const send = demoServer();
    const response = send('PATCH', `/Users/${ADA}`, patch({ op: 'replace', path: 'name', value: { familyName: 'King' } }));
    expect(body(response)['name']).toMatchObject({ givenName: 'Ada', familyName: 'King' });
  });

  test("Entra's replace of a work email the user does not have adds it", () => {
    const send = demoServer();
    send('PATCH', `/Users/${GRACE}`, patch({ op: 'remove', path: 'emails' }));
    const response = send('PATCH', `/Users/${GRACE}`, patch({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'grace@example.com' }));
    expect(body(response)['emails']).toStrictEqual([{ type: 'work', value: 'grace@example.com' }]);
  });

  test('an add of a primary email makes the email that was primary not primary (RFC 7644 §3.5.2)', () => {
    const send = demoServer();
    const response = send('PATCH', `/Users/${ADA}`, patch({ op: 'add', path: 'emails', value: [{ value: 'ada@home.example', type: 'home', primary: true }] }));
    expect(response.status).toBe(200);
    expect(body(response)['emails']).toStrictEqual([
      { value: 'ada.lovelace@example.com', type: 'work', primary: false },
      { value: 'ada@home.example', type: 'home', primary: true },
    ]);
  });

  test('an extension attribute is replaced by its full path', () => {
    const send = demoServer();
    const response = send('PATCH', `/Users/${GRACE}`, patch({ op: 'add', path: `${ENTERPRISE}:manager`, value: { value: ADA } }));
    expect(body(response)[ENTERPRISE]).toStrictEqual({ manager: { value: ADA } });
    expect(body(response)['schemas']).toContain(ENTERPRISE);
  });

  test('remove with a value filter removes just the matching values', () => {
    const send = demoServer();
    send('PATCH', `/Users/${LINUS}`, patch({ op: 'add', path: 'emails', value: [{ value: 'linus@home.example', type: 'home' }] }));
    const response = send('PATCH', `/Users/${LINUS}`, patch({ op: 'remove', path: 'emails[type eq "HOME"]' }));
    expect(body(response)['emails']).toStrictEqual([{ value: 'linus.pauling@example.com', type: 'work', primary: true }]);
  });

  test('a value filter with a colon in it works (scim-patch alone would misread the path)', () => {
    const send = demoServer();
    send('PATCH', `/Users/${LINUS}`, patch({ op: 'add', path: 'phoneNumbers', value: [{ value: 'tel:+1-201-555-0123', type: 'work' }] }));
    const response = send('PATCH', `/Users/${LINUS}`, patch({ op: 'replace', path: 'phoneNumbers[value eq "tel:+1-201-555-0123"].type', value: 'mobile' }));
    expect(response.status).toBe(200);
    expect(body(response)['phoneNumbers']).toStrictEqual([{ value: 'tel:+1-201-555-0123', type: 'mobile' }]);
  });

  test('a password change is accepted and the password is not echoed', () => {
    const response = demoServer()('PATCH', `/Users/${ADA}`, patch({ op: 'replace', path: 'password', value: 'n3w-Secret' }));
    expect(response.status).toBe(200);
    expect(response.body).not.toContain('n3w-Secret');
    expect(body(response)['meta']).toMatchObject({ version: 'W/"2"' });
  });

  test('a userName taken by another user (in another case) is 409', () => {
    const send = demoServer();
    const response = send('PATCH', `/Users/${ADA}`, patch({ op: 'replace', path: 'userName', value: 'GRACE.hopper@example.com' }));
    expect(response.status).toBe(409);
    expect(response.json).toMatchObject({ scimType: 'uniqueness' });
  });

  test.for([
    { name: 'an op that does not exist', operation: { op: 'merge', path: 'title', value: 'x' }, scimType: 'invalidSyntax' },
    { name: 'a path naming no attribute', operation: { op: 'replace', path: 'favouriteColour', value: 'x' }, scimType: 'invalidPath' },
    { name: 'a path naming no sub-attribute', operation: { op: 'replace', path: 'name.nickname', value: 'x' }, scimType: 'invalidPath' },
    { name: 'a malformed path', operation: { op: 'replace', path: 'emails[type eq "work"', value: 'x' }, scimType: 'invalidPath' },
    { name: 'a filter that does not parse', operation: { op: 'remove', path: 'emails[type xx "work"]' }, scimType: 'invalidFilter' },
    { name: 'a remove without a path', operation: { op: 'remove' }, scimType: 'noTarget' },
    { name: 'a replace matching no value', operation: { op: 'replace', path: 'emails[type eq "fax"]', value: { value: 'x' } }, scimType: 'noTarget' },
    { name: 'an add without a value', operation: { op: 'add', path: 'title' }, scimType: 'invalidValue' },
    { name: 'a value of the wrong type', operation: { op: 'replace', path: 'active', value: 'maybe' }, scimType: 'invalidValue' },
    { name: 'a no-path replace whose value is not an object', operation: { op: 'replace', value: 'x' }, scimType: 'invalidValue' },
    { name: 'removing a required attribute', operation: { op: 'remove', path: 'userName' }, scimType: 'mutability' },
    { name: 'a replace of a sub-attribute whose sw filter matches no value', operation: { op: 'replace', path: 'emails[type sw "fax"].value', value: 'x' }, scimType: 'noTarget' },
    { name: 'a read-only attribute', operation: { op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }, scimType: 'mutability' },
  ])('$name is 400 $scimType', ({ operation, scimType }) => {
    const response = demoServer()('PATCH', `/Users/${ADA}`, patch(operation));
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ status: '400', scimType });
  });

  test.for([
    { name: 'a body without the PatchOp schema', request: { body: { Operations: [{ op: 'replace', path: 'title', value: 'x' }] } } },
    { name: 'a body without Operations', request: { body: { schemas: [PATCH_OP] } } },
    { name: 'a body that is not JSON', request: { body: '{"schemas":' } },
  ])('$name is 400 invalidSyntax', ({ request }) => {
    expect(demoServer()('PATCH', `/Users/${ADA}`, request).json).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  });

  test('a PATCH that fails leaves the resource as it was', () => {
    const send = demoServer();
    send('PATCH', `/Users/${ADA}`, patch({ op: 'replace', path: 'title', value: 'Countess' }, { op: 'replace', path: 'active', value: 'maybe' }));
    expect(body(send('GET', `/Users/${ADA}`))).toMatchObject({ meta: { version: 'W/"1"' } });
    expect(body(send('GET', `/Users/${ADA}`))['title']).toBeUndefined();
  });
});

describe('PATCH on groups (Okta and Entra membership forms)', () => {
  test('answers 204 with no body (Entra), and the change is made', () => {
    const send = demoServer();
    const response = send('PATCH', `/Groups/${ENGINEERING}`, patch({ op: 'add', path: 'members', value: [{ value: GRACE }] }));
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expect(memberIds(send)).toStrictEqual([ADA, GRACE]);
  });

  test('answers 200 with the group when the client asks for attributes', () => {
    const response = demoServer()('PATCH', `/Groups/${ENGINEERING}`, {
      ...patch({ op: 'add', path: 'members', value: [{ value: GRACE }] }),
      query: 'attributes=members',
    });
    expect(response.status).toBe(200);
    expect(body(response)['members']).toHaveLength(2);
  });

  test('Entra adds members with a capitalised op', () => {
    const send = demoServer();
    send('PATCH', `/Groups/${ENGINEERING}`, patch({ op: 'Add', path: 'members', value: [{ value: GRACE }, { value: LINUS }] }));
    expect(memberIds(send)).toStrictEqual([ADA, GRACE, LINUS]);
  });

  test('adding a member twice keeps one', () => {
    const send = demoServer();
    send('PATCH', `/Groups/${ENGINEERING}`, patch({ op: 'add', path: 'members', value: [{ value: ADA, display: 'Ada' }] }));
    expect(memberIds(send)).toStrictEqual([ADA]);
  });

  test('Okta removes a member with path members[value eq "id"]', () => {
    const send = demoServer();
    send('PATCH', `/Groups/${ENGINEERING}`, patch({ op: 'add', path: 'members', value: [{ value: GRACE }] }));
    send('PATCH', `/Groups/${ENGINEERING}`, patch({ op: 'remove', path: `members[value eq "${ADA}"]` }));
    expect(memberIds(send)).toStrictEqual([GRACE]);
  });

  test('Entra removes members with path members and a value list', () => {
    const send = demoServer();
    send('PATCH', `/Groups/${ENGINEERING}`, patch({ op: 'add', path: 'members', value: [{ value: GRACE }, { value: LINUS }] }));
    send('PATCH', `/Groups/${ENGINEERING}`, patch({ op: 'Remove', path: 'members', value: [{ value: ADA }, { value: LINUS }] }));
    expect(memberIds(send)).toStrictEqual([GRACE]);
  });

  test('removing a member that is not there changes nothing', () => {
    const send = demoServer();
    const response = send('PATCH', `/Groups/${ENGINEERING}`, patch({ op: 'remove', path: `members[value eq "${GRACE}"]` }));
    expect(response.status).toBe(204);
    expect(response.headers['etag']).toBe('W/"1"');
    expect(memberIds(send)).toStrictEqual([ADA]);
  });

  test('Okta replaces the whole member list', () => {
    const send = demoServer();
    send('PATCH', `/Groups/${ENGINEERING}`, patch({ op: 'replace', path: 'members', value: [{ value: LINUS }] }));
    expect(memberIds(send)).toStrictEqual([LINUS]);
  });

  test('Okta renames a group with a no-path replace that includes the id', () => {
    const send = demoServer();
    const response = send('PATCH', `/Groups/${ENGINEERING}`, patch({ op: 'replace', value: { id: ENGINEERING, displayName: 'R&D' } }));
    expect(response.status).toBe(204);
    expect(body(send('GET', `/Groups/${ENGINEERING}`))).toMatchObject({ id: ENGINEERING, displayName: 'R&D', meta: { version: 'W/"2"' } });
  });

  test('removing all members with path members leaves none', () => {
    const send = demoServer();
    send('PATCH', `/Groups/${ENGINEERING}`, patch({ op: 'remove', path: 'members' }));
    expect(memberIds(send)).toStrictEqual([]);
  });

  test('adding a member that does not exist is 400 invalidValue', () => {
    const response = demoServer()('PATCH', `/Groups/${ENGINEERING}`, patch({ op: 'add', path: 'members', value: [{ value: 'ghost' }] }));
    expect(response.json).toMatchObject({ status: '400', scimType: 'invalidValue' });
  });

  test("a membership change shows in the user's groups", () => {
    const send = demoServer();
    send('PATCH', `/Groups/${ENGINEERING}`, patch({ op: 'add', path: 'members', value: [{ value: GRACE }] }));
    expect(body(send('GET', `/Users/${GRACE}`))['groups']).toStrictEqual([expect.objectContaining({ value: ENGINEERING, display: 'Engineering' })]);
  });
});
