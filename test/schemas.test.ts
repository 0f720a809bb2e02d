import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

import { describeIssues, validateMessage, type MessageKind } from '../src/schemas.js';
import { VALIDATORS_FILE, validatorsSource } from '../src/validators-source.js';

const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

// RFC 7643 §8.1: the minimal user.
const minimalUser = {
  schemas: [USER],
  id: '2819c223-7f76-453a-919d-413861904646',
  userName: 'bjensen@example.com',
  meta: {
    resourceType: 'User',
    created: '2010-01-23T04:56:22Z',
    lastModified: '2011-05-13T04:42:34Z',
    version: 'W/"3694e05e9dff590"',
    location: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646',
  },
};

// RFC 7643 §8.2 and §8.3: the full user with the enterprise extension.
const enterpriseUser = {
  schemas: [USER, ENTERPRISE_USER],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: '701984',
  userName: 'bjensen@example.com',
  name: {
    formatted: 'Ms. Barbara J Jensen, III',
    familyName: 'Jensen',
    givenName: 'Barbara',
    middleName: 'Jane',
    honorificPrefix: 'Ms.',
    honorificSuffix: 'III',
  },
  displayName: 'Babs Jensen',
  nickName: 'Babs',
  profileUrl: 'https://login.example.com/bjensen',
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  addresses: [
    {
      streetAddress: '100 Universal City Plaza',
      locality: 'Hollywood',
      region: 'CA',
      postalCode: '91608',
      country: 'USA',
      formatted: '100 Universal City Plaza\nHollywood, CA 91608 USA',
      type: 'work',
      primary: true,
    },
  ],
  phoneNumbers: [{ value: '555-555-5555', type: 'work' }],
  ims: [{ value: 'someaimhandle', type: 'aim' }],
  photos: [{ value: 'https://photos.example.com/profilephoto/72930000000Ccne/F', type: 'photo' }],
  userType: 'Employee',
  title: 'Tour Guide',
  preferredLanguage: 'en-US',
  locale: 'en-US',
  timezone: 'America/Los_Angeles',
  active: true,
  groups: [
    {
      value: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
      $ref: 'https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a',
      display: 'Tour Guides',
    },
  ],
  x509Certificates: [{ value: 'MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx' }],
  [ENTERPRISE_USER]: {
    employeeNumber: '701984',
    costCenter: '4130',
    organization: 'Universal Studios',
    division: 'Theme Park',
    department: 'Tour Operations',
    manager: {
      value: '26118915-6090-4610-87e4-49d8ca9f808d',
      $ref: '../Users/26118915-6090-4610-87e4-49d8ca9f808d',
      displayName: 'John Smith',
    },
  },
  meta: minimalUser.meta,
};

// RFC 7643 §8.4.
const group = {
  schemas: [GROUP],
  id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
  displayName: 'Tour Guides',
  members: [
    {
      value: '2819c223-7f76-453a-919d-413861904646',
      $ref: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646',
      display: 'Babs Jensen',
    },
  ],
  meta: {
    resourceType: 'Group',
    created: '2010-01-23T04:56:22Z',
    lastModified: '2011-05-13T04:42:34Z',
    version: 'W/"3694e05e9dff592"',
    location: 'https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a',
  },
};

// The answer Okta's connection test needs from an empty store (SCIM-CLIENTS.md).
const emptyListResponse = { schemas: [LIST_RESPONSE], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] };

interface ValidCase {
  name: string;
  kind: MessageKind;
  value: unknown;
}

const validCases: ValidCase[] = [
  {
    name: 'the RFC 7644 §3.4.2 ListResponse',
    kind: 'listResponse',
    value: {
      schemas: [LIST_RESPONSE],
      totalResults: 2,
      Resources: [
        { id: '2819c223-7f76-453a-919d-413861904646', userName: 'bjensen' },
        { id: 'c75ad752-64ae-4823-840d-ffa80929976c', userName: 'jsmith' },
      ],
    },
  },
  { name: 'an empty ListResponse with Resources []', kind: 'listResponse', value: emptyListResponse },
  {
    name: 'a ListResponse page with extra members',
    kind: 'listResponse',
    value: { ...emptyListResponse, totalResults: 1, itemsPerPage: 1, Resources: [minimalUser], vendorCursor: 'x' },
  },
  {
    name: 'the RFC 7644 §3.12 404 Error',
    kind: 'error',
    value: { schemas: [ERROR], detail: 'Resource 2819c223-7f76-453a-919d-413861904646 not found', status: '404' },
  },
  {
    name: 'the RFC 7644 §3.12 mutability Error',
    kind: 'error',
    value: { schemas: [ERROR], scimType: 'mutability', detail: "Attribute 'id' is readOnly", status: '400' },
  },
  { name: 'the RFC 7643 §8.1 minimal User', kind: 'user', value: minimalUser },
  { name: 'the RFC 7643 §8.3 enterprise User', kind: 'user', value: enterpriseUser },
  {
    name: 'a User with a custom extension',
    kind: 'user',
    value: { ...minimalUser, 'urn:example:custom:2.0:User': { badge: 42 } },
  },
  { name: 'the RFC 7643 §8.4 Group', kind: 'group', value: group },
  {
    name: 'a Group Okta creates with no members',
    kind: 'group',
    value: { schemas: [GROUP], id: 'g1', displayName: 'Everyone', members: [] },
  },
  {
    name: 'the RFC 7643 §8.5 ServiceProviderConfig',
    kind: 'serviceProviderConfig',
    value: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      documentationUri: 'http://example.com/help/scim.html',
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: true },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [
        {
          name: 'OAuth Bearer Token',
          description: 'Authentication scheme using the OAuth Bearer Token Standard',
          specUri: 'http://www.rfc-editor.org/info/rfc6750',
          documentationUri: 'http://example.com/help/oauth.html',
          type: 'oauthbearertoken',
          primary: true,
        },
        {
          name: 'HTTP Basic',
          description: 'Authentication scheme using the HTTP Basic Standard',
          specUri: 'http://www.rfc-editor.org/info/rfc2617',
          type: 'httpbasic',
        },
      ],
      meta: {
        location: 'https://example.com/v2/ServiceProviderConfig',
        resourceType: 'ServiceProviderConfig',
        created: '2010-01-23T04:56:22Z',
        lastModified: '2011-05-13T04:42:34Z',
        version: 'W/"3694e05e9dff594"',
      },
    },
  },
  {
    name: 'the RFC 7643 §8.6 User ResourceType',
    kind: 'resourceType',
    value: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schema: USER,
      schemaExtensions: [{ schema: ENTERPRISE_USER, required: true }],
      meta: { location: 'https://example.com/v2/ResourceTypes/User', resourceType: 'ResourceType' },
    },
  },
  {
    name: 'the RFC 7643 §8.7.1 Group schema, with its relative meta.location',
    kind: 'schemaDefinition',
    value: {
      id: GROUP,
      name: 'Group',
      description: 'Group',
      attributes: [
        {
          name: 'displayName',
          type: 'string',
          multiValued: false,
          description: 'A human-readable name for the Group. REQUIRED.',
          required: false,
          caseExact: false,
          mutability: 'readWrite',
          returned: 'default',
          uniqueness: 'none',
        },
        {
          name: 'members',
          type: 'complex',
          multiValued: true,
          description: 'A list of members of the Group.',
          required: false,
          subAttributes: [
            { name: 'value', type: 'string', multiValued: false, mutability: 'immutable', returned: 'default' },
            {
              name: '$ref',
              type: 'reference',
              referenceTypes: ['User', 'Group'],
              multiValued: false,
              mutability: 'immutable',
            },
            {
              name: 'type',
              type: 'string',
              multiValued: false,
              canonicalValues: ['User', 'Group'],
              mutability: 'immutable',
            },
          ],
          mutability: 'readWrite',
          returned: 'default',
        },
      ],
      meta: { resourceType: 'Schema', location: '/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group' },
    },
  },
  {
    name: 'the RFC 7644 §3.5.2.1 PatchOp adding a member',
    kind: 'patchOp',
    value: {
      schemas: [PATCH_OP],
      Operations: [
        {
          op: 'add',
          path: 'members',
          value: [{ display: 'Babs Jensen', value: '2819c223-7f76-453a-919d-413861904646' }],
        },
      ],
    },
  },
  {
    name: 'the RFC 7644 §3.5.2.2 PatchOp removing one member',
    kind: 'patchOp',
    value: {
      schemas: [PATCH_OP],
      Operations: [{ op: 'remove', path: 'members[value eq "2819c223-7f76-453a-919d-413861904646"]' }],
    },
  },
  {
    name: "Okta's path-less deactivation PatchOp",
    kind: 'patchOp',
    value: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] },
  },
  {
    name: "Entra's capitalised PatchOp",
    kind: 'patchOp',
    value: {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Remove', path: 'members', value: [{ value: 'id' }] },
      ],
    },
  },
];

test('schemas/validators.cjs is compiled from the schemas as they are now (else: npm run validators)', () => {
  expect(readFileSync(VALIDATORS_FILE, 'utf8') === validatorsSource()).toBe(true);
});

describe('valid messages', () => {
  test.for(validCases)('$name passes', ({ kind, value }) => {
    expect(validateMessage(kind, value)).toEqual([]);
  });

  test('describeIssues of no issues is the empty string', () => {
    expect(describeIssues([])).toBe('');
  });
});

interface InvalidCase {
  name: string;
  kind: MessageKind;
  value: unknown;
  path: string;
  keyword: string;
  /** Words the message must contain, so it names the member and the rule. */
  says: string[];
}

const invalidCases: InvalidCase[] = [
  {
    name: 'a ListResponse without totalResults fails',
    kind: 'listResponse',
    value: { schemas: [LIST_RESPONSE], Resources: [] },
    path: '/totalResults',
    keyword: 'required',
    says: ['totalResults is missing', 'RFC 7644 §3.4.2'],
  },
  {
    name: 'a negative totalResults fails',
    kind: 'listResponse',
    value: { ...emptyListResponse, totalResults: -1 },
    path: '/totalResults',
    keyword: 'minimum',
    says: ['totalResults is the number -1', 'non-negative'],
  },
  {
    name: 'a fractional totalResults fails',
    kind: 'listResponse',
    value: { ...emptyListResponse, totalResults: 1.5 },
    path: '/totalResults',
    keyword: 'type',
    says: ['totalResults is the number 1.5', 'JSON integer'],
  },
  {
    name: 'startIndex 0 fails',
    kind: 'listResponse',
    value: { ...emptyListResponse, startIndex: 0 },
    path: '/startIndex',
    keyword: 'minimum',
    says: ['startIndex is the number 0', 'at least 1'],
  },
  {
    name: 'itemsPerPage as a string fails',
    kind: 'listResponse',
    value: { ...emptyListResponse, itemsPerPage: '0' },
    path: '/itemsPerPage',
    keyword: 'type',
    says: ['itemsPerPage is the string "0"', 'JSON integer'],
  },
  {
    name: 'Resources as an object fails',
    kind: 'listResponse',
    value: { ...emptyListResponse, Resources: {} },
    path: '/Resources',
    keyword: 'type',
    says: ['Resources is an object: {}', 'array'],
  },
  {
    name: 'a Resources entry that is not an object fails',
    kind: 'listResponse',
    value: { ...emptyListResponse, totalResults: 1, Resources: ['bjensen'] },
    path: '/Resources/0',
    keyword: 'type',
    says: ['Resources[0] is the string "bjensen"', 'resource object'],
  },
  {
    name: 'a ListResponse without schemas fails',
    kind: 'listResponse',
    value: { totalResults: 0, Resources: [] },
    path: '/schemas',
    keyword: 'required',
    says: ['schemas is missing', LIST_RESPONSE],
  },
  {
    name: 'schemas as a bare string fails',
    kind: 'listResponse',
    value: { ...emptyListResponse, schemas: LIST_RESPONSE },
    path: '/schemas',
    keyword: 'type',
    says: [`schemas is the string "${LIST_RESPONSE}"`, 'an array containing'],
  },
  {
    name: 'an empty schemas array fails',
    kind: 'listResponse',
    value: { ...emptyListResponse, schemas: [] },
    path: '/schemas',
    keyword: 'contains',
    says: [`schemas does not contain "${LIST_RESPONSE}"`, 'received []'],
  },
  {
    name: 'an Error without status fails',
    kind: 'error',
    value: { schemas: [ERROR], detail: 'nope' },
    path: '/status',
    keyword: 'required',
    says: ['status is missing', 'JSON string'],
  },
  {
    name: 'a status that is not three digits fails',
    kind: 'error',
    value: { schemas: [ERROR], status: 'Not Found' },
    path: '/status',
    keyword: 'pattern',
    says: ['status is the string "Not Found"', 'three digits'],
  },
  {
    name: 'an Error with the ListResponse URN fails',
    kind: 'error',
    value: { schemas: [LIST_RESPONSE], status: '404' },
    path: '/schemas',
    keyword: 'contains',
    says: [`schemas does not contain "${ERROR}"`],
  },
  {
    name: 'a numeric detail fails',
    kind: 'error',
    value: { schemas: [ERROR], status: '500', detail: 500 },
    path: '/detail',
    keyword: 'type',
    says: ['detail is the number 500', 'string'],
  },
  {
    name: 'a User without userName fails',
    kind: 'user',
    value: { schemas: [USER], id: '1' },
    path: '/userName',
    keyword: 'required',
    says: ['userName is missing', 'RFC 7643 §4.1.1'],
  },
  {
    name: 'a User with an empty id fails',
    kind: 'user',
    value: { ...minimalUser, id: '' },
    path: '/id',
    keyword: 'minLength',
    says: ['id is the empty string ""', 'non-empty'],
  },
  {
    name: 'a numeric id fails',
    kind: 'user',
    value: { ...minimalUser, id: 42 },
    path: '/id',
    keyword: 'type',
    says: ['id is the number 42', 'string'],
  },
  {
    name: 'active "True" as Entra sends it fails against the RFC',
    kind: 'user',
    value: { ...minimalUser, active: 'True' },
    path: '/active',
    keyword: 'type',
    says: ['active is the string "True"', 'JSON boolean'],
  },
  {
    name: 'a single email object instead of an array fails',
    kind: 'user',
    value: { ...minimalUser, emails: { value: 'bjensen@example.com' } },
    path: '/emails',
    keyword: 'type',
    says: ['emails is an object: {"value":"bjensen@example.com"}', 'JSON array'],
  },
  {
    name: 'primary "true" on an email fails',
    kind: 'user',
    value: { ...minimalUser, emails: [{ value: 'bjensen@example.com', primary: 'true' }] },
    path: '/emails/0/primary',
    keyword: 'type',
    says: ['emails[0].primary is the string "true"', 'JSON boolean'],
  },
  {
    name: 'name as a string fails',
    kind: 'user',
    value: { ...minimalUser, name: 'Barbara Jensen' },
    path: '/name',
    keyword: 'type',
    says: ['name is the string "Barbara Jensen"', 'complex object'],
  },
  {
    name: 'a numeric givenName fails',
    kind: 'user',
    value: { ...minimalUser, name: { givenName: 7 } },
    path: '/name/givenName',
    keyword: 'type',
    says: ['name.givenName is the number 7'],
  },
  {
    name: 'a profileUrl that is not a URI fails',
    kind: 'user',
    value: { ...minimalUser, profileUrl: 'my profile' },
    path: '/profileUrl',
    keyword: 'format',
    says: ['profileUrl is the string "my profile"', 'URI'],
  },
  {
    name: 'an enterprise manager that is a string fails, named by its SCIM attribute path',
    kind: 'user',
    value: { ...minimalUser, [ENTERPRISE_USER]: { manager: 'John Smith' } },
    path: `/${ENTERPRISE_USER}/manager`,
    keyword: 'type',
    says: [`${ENTERPRISE_USER}:manager is the string "John Smith"`],
  },
  {
    name: 'a Group member without value fails',
    kind: 'group',
    value: { ...group, members: [{ display: 'Babs Jensen' }] },
    path: '/members/0/value',
    keyword: 'required',
    says: ['members[0].value is missing', 'id of the member'],
  },
  {
    name: 'a Group without displayName fails',
    kind: 'group',
    value: { schemas: [GROUP], id: 'g1' },
    path: '/displayName',
    keyword: 'required',
    says: ['displayName is missing', 'RFC 7643 §4.2'],
  },
  {
    name: 'a ServiceProviderConfig with supported "true" fails',
    kind: 'serviceProviderConfig',
    value: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: 'true' },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 100 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [],
    },
    path: '/patch/supported',
    keyword: 'type',
    says: ['patch.supported is the string "true"', 'JSON boolean'],
  },
  {
    name: 'a ServiceProviderConfig without filter.maxResults fails',
    kind: 'serviceProviderConfig',
    value: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'Bearer' }],
    },
    path: '/filter/maxResults',
    keyword: 'required',
    says: ['filter.maxResults is missing', 'RFC 7643 §5'],
  },
  {
    name: 'a ResourceType without endpoint fails',
    kind: 'resourceType',
    value: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], name: 'User', schema: USER },
    path: '/endpoint',
    keyword: 'required',
    says: ['endpoint is missing', '"/Users"'],
  },
  {
    name: 'a schema extension with required "false" fails',
    kind: 'resourceType',
    value: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      name: 'User',
      endpoint: '/Users',
      schema: USER,
      schemaExtensions: [{ schema: ENTERPRISE_USER, required: 'false' }],
    },
    path: '/schemaExtensions/0/required',
    keyword: 'type',
    says: ['schemaExtensions[0].required is the string "false"', 'JSON boolean'],
  },
  {
    name: 'an unknown attribute type in a nested sub-attribute fails',
    kind: 'schemaDefinition',
    value: {
      id: GROUP,
      attributes: [{ name: 'members', type: 'complex', multiValued: true, subAttributes: [{ name: 'value', type: 'text', multiValued: false }] }],
    },
    path: '/attributes/0/subAttributes/0/type',
    keyword: 'enum',
    says: ['attributes[0].subAttributes[0].type is the string "text"', 'dateTime'],
  },
  {
    name: 'an unknown returned value fails',
    kind: 'schemaDefinition',
    value: { id: USER, attributes: [{ name: 'userName', type: 'string', multiValued: false, returned: 'sometimes' }] },
    path: '/attributes/0/returned',
    keyword: 'enum',
    says: ['attributes[0].returned is the string "sometimes"', 'always, never, default, request'],
  },
  {
    name: 'a PatchOp with an unknown op fails',
    kind: 'patchOp',
    value: { schemas: [PATCH_OP], Operations: [{ op: 'merge', value: {} }] },
    path: '/Operations/0/op',
    keyword: 'pattern',
    says: ['Operations[0].op is the string "merge"', 'case-insensitively'],
  },
  {
    name: 'a PatchOp remove without path fails',
    kind: 'patchOp',
    value: { schemas: [PATCH_OP], Operations: [{ op: 'remove' }] },
    path: '/Operations/0/path',
    keyword: 'required',
    says: ['Operations[0].path is missing', 'noTarget'],
  },
  {
    name: 'a PatchOp replace without value fails',
    kind: 'patchOp',
    value: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active' }] },
    path: '/Operations/0/value',
    keyword: 'required',
    says: ['Operations[0].value is missing', 'add and replace'],
  },
  {
    name: 'a PatchOp with no operations fails',
    kind: 'patchOp',
    value: { schemas: [PATCH_OP], Operations: [] },
    path: '/Operations',
    keyword: 'minItems',
    says: ['Operations is an empty array', 'non-empty'],
  },
];

describe('invalid messages', () => {
  test.for(invalidCases)('$name', ({ kind, value, path, keyword, says }) => {
    const issues = validateMessage(kind, value);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path, keyword });
    for (const words of says) expect(issues[0]?.message).toContain(words);
  });

  test.for([
    ['listResponse', 'ListResponse'],
    ['error', 'SCIM Error'],
    ['user', 'User'],
    ['group', 'Group'],
    ['serviceProviderConfig', 'ServiceProviderConfig'],
    ['resourceType', 'ResourceType'],
    ['schemaDefinition', 'Schema definition'],
    ['patchOp', 'PatchOp request'],
  ] as const)('a non-object body fails as one issue naming %s', ([kind, label]) => {
    const issues = validateMessage(kind, 'OK');
    expect(issues).toEqual([{ path: '', keyword: 'type', message: expect.stringContaining(`the body is the string "OK"; a ${label} is a JSON object`) }]);
  });

  test('a long received value is cut to about 60 characters', () => {
    const issues = validateMessage('error', { schemas: [ERROR], status: '400', detail: { text: 'x'.repeat(200) } });
    expect(issues[0]?.message).toMatch(/^detail is an object: \{"text":"x+…; /);
    expect(issues[0]?.message.indexOf('…')).toBeLessThan(90);
  });

  test('the password value is never echoed', () => {
    const issues = validateMessage('user', { ...minimalUser, password: 't1meMa$heen' });
    expect(describeIssues(issues)).not.toContain('t1meMa$heen');
  });
});

describe('messages a person reads', () => {
  test('numbers sent as strings give one sentence per member', () => {
    const issues = validateMessage('listResponse', {
      schemas: [LIST_RESPONSE],
      totalResults: '1',
      startIndex: '1',
      itemsPerPage: '1',
      Resources: [minimalUser],
    });
    expect(issues.map((issue) => issue.path)).toEqual(['/totalResults', '/startIndex', '/itemsPerPage']);
    expect(describeIssues(issues)).toMatchInlineSnapshot(`
      "- totalResults is the string "1"; RFC 7644 §3.4.2 requires totalResults, a non-negative JSON integer (not a string): the number of results the query matched
      - startIndex is the string "1"; RFC 7644 §3.4.2 requires startIndex, when paging, to be a JSON integer of at least 1 (not a string): the 1-based index of the first result returned
      - itemsPerPage is the string "1"; RFC 7644 §3.4.2 requires itemsPerPage, when paging, to be a non-negative JSON integer (not a string): the number of resources returned in this page"
    `);
  });

  test('a missing Resources says Okta needs it even when empty', () => {
    expect(describeIssues(validateMessage('listResponse', { schemas: [LIST_RESPONSE], totalResults: 0 }))).toMatchInlineSnapshot(
      `"- Resources is missing; RFC 7644 §3.4.2 requires Resources, an array of resource objects, whenever totalResults is non-zero; Okta requires it always, so send "Resources": [] when nothing matched"`,
    );
  });

  test('a wrong schemas URN is one sentence naming the URN', () => {
    expect(validateMessage('listResponse', { ...emptyListResponse, schemas: [ERROR] })).toMatchInlineSnapshot(`
      [
        {
          "keyword": "contains",
          "message": "schemas does not contain "urn:ietf:params:scim:api:messages:2.0:ListResponse"; received ["urn:ietf:params:scim:api:messages:2.0:Error"] (RFC 7644 §3.4.2)",
          "path": "/schemas",
        },
      ]
    `);
  });

  test('a null body is one sentence', () => {
    expect(validateMessage('listResponse', null)).toMatchInlineSnapshot(`
      [
        {
          "keyword": "type",
          "message": "the body is null; a ListResponse is a JSON object (RFC 7644 §3.4.2)",
          "path": "",
        },
      ]
    `);
  });

  test('a bare array body is one sentence', () => {
    expect(describeIssues(validateMessage('listResponse', [minimalUser]))).toMatchInlineSnapshot(
      `"- the body is an array: [{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],…; a ListResponse is a JSON object (RFC 7644 §3.4.2)"`,
    );
  });

  test('active "false" as a string names the member and the RFC', () => {
    expect(describeIssues(validateMessage('user', { ...minimalUser, active: 'false' }))).toMatchInlineSnapshot(
      `"- active is the string "false"; RFC 7643 §4.1.1 requires active to be a JSON boolean, true or false (not the string "true" or "false"); Okta and Entra deactivate users by setting it to false"`,
    );
  });

  test('status as a number asks for a JSON string', () => {
    expect(describeIssues(validateMessage('error', { schemas: [ERROR], status: 404, detail: 'User not found' }))).toMatchInlineSnapshot(
      `"- status is the number 404; RFC 7644 §3.12 requires status, the HTTP status code as a JSON string of three digits, e.g. "404" (not the number 404)"`,
    );
  });

  test('a password in a response is reported without its value', () => {
    expect(validateMessage('user', { ...minimalUser, password: 't1meMa$heen' })).toMatchInlineSnapshot(`
      [
        {
          "keyword": "not",
          "message": "password is present; RFC 7643 §4.1.1 defines password as returned "never": a server must not include it in any response",
          "path": "/password",
        },
      ]
    `);
  });

  test('a scimType outside the RFC list names the allowed values', () => {
    expect(describeIssues(validateMessage('error', { schemas: [ERROR], status: '409', scimType: 'conflict' }))).toMatchInlineSnapshot(
      `"- scimType is the string "conflict"; RFC 7644 §3.12 allows scimType only from its list: invalidFilter, tooMany, uniqueness, mutability, invalidSyntax, invalidPath, noTarget, invalidValue, invalidVers, sensitive"`,
    );
  });

  test('a bad date-time in meta names meta.created', () => {
    expect(describeIssues(validateMessage('user', { ...minimalUser, meta: { ...minimalUser.meta, created: '23/01/2010' } }))).toMatchInlineSnapshot(
      `"- meta.created is the string "23/01/2010"; RFC 7643 §3.1 requires meta.created to be an RFC 3339 date-time string, e.g. "2011-08-01T18:29:49.793Z""`,
    );
  });

  test('several problems in one body are listed one a line', () => {
    expect(describeIssues(validateMessage('user', { schemas: [GROUP], id: 7, active: 'false', userName: 'bjensen' }))).toMatchInlineSnapshot(`
      "- schemas does not contain "urn:ietf:params:scim:schemas:core:2.0:User"; received ["urn:ietf:params:scim:schemas:core:2.0:Group"] (RFC 7643 §3)
      - id is the number 7; RFC 7643 §3.1 requires id, a non-empty string assigned by the service provider (returned always)
      - active is the string "false"; RFC 7643 §4.1.1 requires active to be a JSON boolean, true or false (not the string "true" or "false"); Okta and Entra deactivate users by setting it to false"
    `);
  });
});
