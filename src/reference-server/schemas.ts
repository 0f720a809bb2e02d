/**
 * The schema definitions (RFC 7643 §4, §7, §8.7.1) are the single source of truth for the server:
 * /Schemas publishes them, and validation, filtering (caseExact), sorting, projection and PATCH paths
 * all read them, so what the server advertises is what it does.
 */

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'binary' | 'complex';

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
}

export interface SchemaDefinition {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

export const SCHEMA_URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
} as const;

export const MESSAGE_URN = {
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  searchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
} as const;

type AttributeOptions = Partial<Omit<AttributeDefinition, 'name' | 'type'>>;

function attribute(name: string, type: AttributeType, options: AttributeOptions = {}): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description: '',
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

function complex(name: string, subAttributes: AttributeDefinition[], options: AttributeOptions = {}): AttributeDefinition {
  return attribute(name, 'complex', { ...options, subAttributes });
}

/**
 * What RFC 7643 fixes for a value of each type: a binary is case exact (§2.3.6), and a reference names
 * what it may point to (§7, as §8.7.1 does for photos.value). Client libraries that ingest /Schemas
 * refuse a binary attribute that says otherwise.
 */
const VALUE_CHARACTERISTICS: Partial<Record<AttributeType, AttributeOptions>> = {
  binary: { caseExact: true },
  reference: { referenceTypes: ['external'] },
};

/** The value/display/type/primary shape RFC 7643 §2.4 gives most multi-valued attributes. */
function multiValued(
  name: string,
  description: string,
  valueType: AttributeType = 'string',
  types: string[] = ['work', 'home', 'other'],
  extra: AttributeDefinition[] = [],
): AttributeDefinition {
  return complex(
    name,
    [
      attribute('value', valueType, { description: `The ${name} value.`, ...VALUE_CHARACTERISTICS[valueType] }),
      attribute('display', 'string', { description: 'A human-readable name, primarily used for display purposes.' }),
      attribute('type', 'string', { description: 'A label indicating the function of the value.', canonicalValues: types }),
      attribute('primary', 'boolean', { description: 'Indicates the preferred value; true at most once.' }),
      ...extra,
    ],
    { multiValued: true, description },
  );
}

/** Attributes every resource has (RFC 7643 §3.1); not listed in the schema definitions themselves. */
export const COMMON_ATTRIBUTES: AttributeDefinition[] = [
  attribute('id', 'string', {
    description: 'A unique identifier for the resource, assigned by the service provider.',
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  attribute('externalId', 'string', {
    description: 'An identifier for the resource as defined by the provisioning client.',
    caseExact: true,
  }),
  complex(
    'meta',
    [
      attribute('resourceType', 'string', { caseExact: true, mutability: 'readOnly' }),
      attribute('created', 'dateTime', { mutability: 'readOnly' }),
      attribute('lastModified', 'dateTime', { mutability: 'readOnly' }),
      attribute('location', 'reference', { caseExact: true, mutability: 'readOnly', referenceTypes: ['uri'] }),
      attribute('version', 'string', { caseExact: true, mutability: 'readOnly' }),
    ],
    { description: 'Resource metadata.', mutability: 'readOnly' },
  ),
];

export const USER_SCHEMA: SchemaDefinition = {
  id: SCHEMA_URN.user,
  name: 'User',
  description: 'User Account',
  attributes: [
    attribute('userName', 'string', {
      description: 'Unique identifier for the User, typically used to sign in. Compared case-insensitively.',
      required: true,
      uniqueness: 'server',
    }),
    complex(
      'name',
      [
        attribute('formatted', 'string', { description: 'The full name, formatted for display.' }),
        attribute('familyName', 'string', { description: 'The family name (last name).' }),
        attribute('givenName', 'string', { description: 'The given name (first name).' }),
        attribute('middleName', 'string', { description: 'The middle name(s).' }),
        attribute('honorificPrefix', 'string', { description: 'The honorific prefix(es), e.g. "Ms.".' }),
        attribute('honorificSuffix', 'string', { description: 'The honorific suffix(es), e.g. "III".' }),
      ],
      { description: "The components of the user's real name." },
    ),
    attribute('displayName', 'string', { description: 'The name of the User, suitable for display to end-users.' }),
    attribute('nickName', 'string', { description: 'The casual way to address the user.' }),
    attribute('profileUrl', 'reference', { description: "A URL of the User's online profile.", referenceTypes: ['external'] }),
    attribute('title', 'string', { description: 'The user\'s title, such as "Vice President".' }),
    attribute('userType', 'string', { description: 'The relationship between the organization and the user.' }),
    attribute('preferredLanguage', 'string', { description: "The User's preferred written or spoken language." }),
    attribute('locale', 'string', { description: 'The User\'s default location for localization, e.g. "en-US".' }),
    attribute('timezone', 'string', { description: 'The User\'s time zone, e.g. "America/Los_Angeles".' }),
    attribute('active', 'boolean', { description: "The User's administrative status." }),
    attribute('password', 'string', {
      description: "The User's cleartext password. Write-only: never returned.",
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValued('emails', 'Email addresses for the user.'),
    multiValued('phoneNumbers', 'Phone numbers for the User.', 'string', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multiValued('ims', 'Instant messaging addresses for the User.'),
    multiValued('photos', 'URLs of photos of the User.', 'reference', ['photo', 'thumbnail']),
    complex(
      'addresses',
      [
        attribute('formatted', 'string', { description: 'The full mailing address, formatted for display.' }),
        attribute('streetAddress', 'string', { description: 'The full street address component.' }),
        attribute('locality', 'string', { description: 'The city or locality component.' }),
        attribute('region', 'string', { description: 'The state or region component.' }),
        attribute('postalCode', 'string', { description: 'The zip code or postal code component.' }),
        attribute('country', 'string', { description: 'The country name component.' }),
        attribute('type', 'string', { description: 'A label indicating the function of the address.', canonicalValues: ['work', 'home', 'other'] }),
        attribute('primary', 'boolean', { description: 'Indicates the preferred address; true at most once.' }),
      ],
      { multiValued: true, description: 'A physical mailing address for this User.' },
    ),
    complex(
      'groups',
      [
        attribute('value', 'string', { description: 'The identifier of the group.', mutability: 'readOnly' }),
        attribute('$ref', 'reference', { description: 'The URI of the group.', mutability: 'readOnly', referenceTypes: ['Group'] }),
        attribute('display', 'string', { description: 'The display name of the group.', mutability: 'readOnly' }),
        attribute('type', 'string', { description: 'How the membership was derived.', mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
      {
        multiValued: true,
        mutability: 'readOnly',
        description: 'The groups the user belongs to. Read-only: change membership through the Group resource.',
      },
    ),
    multiValued('entitlements', 'Entitlements of the User.', 'string', []),
    multiValued('roles', 'Roles of the User.', 'string', []),
    multiValued('x509Certificates', 'X.509 certificates issued to the User.', 'binary', []),
  ],
};

export const ENTERPRISE_USER_SCHEMA: SchemaDefinition = {
  id: SCHEMA_URN.enterpriseUser,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attribute('employeeNumber', 'string', { description: 'A string identifier, typically numeric or alphanumeric, assigned to a person.' }),
    attribute('costCenter', 'string', { description: 'Identifies the name of a cost center.' }),
    attribute('organization', 'string', { description: 'Identifies the name of an organization.' }),
    attribute('division', 'string', { description: 'Identifies the name of a division.' }),
    attribute('department', 'string', { description: 'Identifies the name of a department.' }),
    complex(
      'manager',
      [
        attribute('value', 'string', { description: 'The id of the SCIM resource representing the manager.' }),
        attribute('$ref', 'reference', { description: 'The URI of the manager.', referenceTypes: ['User'] }),
        attribute('displayName', 'string', { description: 'The display name of the manager.', mutability: 'readOnly' }),
      ],
      { description: "The User's manager." },
    ),
  ],
};

export const GROUP_SCHEMA: SchemaDefinition = {
  id: SCHEMA_URN.group,
  name: 'Group',
  description: 'Group',
  attributes: [
    // RFC 7643 leaves Group displayName non-unique; Entra and Okta match groups on it, so we enforce it.
    attribute('displayName', 'string', {
      description: 'A human-readable name for the Group. Unique on this server, compared case-insensitively.',
      required: true,
      uniqueness: 'server',
    }),
    complex(
      'members',
      [
        attribute('value', 'string', { description: 'The id of the member.', caseExact: true, mutability: 'immutable' }),
        attribute('$ref', 'reference', { description: 'The URI of the member.', mutability: 'immutable', referenceTypes: ['User', 'Group'] }),
        attribute('display', 'string', { description: 'The display name of the member.', mutability: 'readOnly' }),
        attribute('type', 'string', { description: 'The type of the member.', mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
      ],
      { multiValued: true, description: 'A list of members of the Group.' },
    ),
  ],
};

export interface ResourceTypeDefinition {
  name: 'User' | 'Group';
  endpoint: '/Users' | '/Groups';
  description: string;
  schema: SchemaDefinition;
  extensions: { schema: SchemaDefinition; required: boolean }[];
}

export const USER_RESOURCE_TYPE: ResourceTypeDefinition = {
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: USER_SCHEMA,
  extensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
};

export const GROUP_RESOURCE_TYPE: ResourceTypeDefinition = {
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: GROUP_SCHEMA,
  extensions: [],
};

export const RESOURCE_TYPES: ResourceTypeDefinition[] = [USER_RESOURCE_TYPE, GROUP_RESOURCE_TYPE];
export const ALL_SCHEMAS: SchemaDefinition[] = [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA];

export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function findAttribute(attributes: AttributeDefinition[] | undefined, name: string): AttributeDefinition | undefined {
  return attributes?.find((candidate) => sameName(candidate.name, name));
}

/** The extension whose URN is `urn` (compared case-insensitively), if the resource type has it. */
export function findExtension(resourceType: ResourceTypeDefinition, urn: string): SchemaDefinition | undefined {
  return resourceType.extensions.find((extension) => sameName(extension.schema.id, urn))?.schema;
}

/**
 * A resolved attribute path such as `name.givenName` or
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`.
 */
export interface ResolvedAttribute {
  /** The extension URN the attribute lives under (its key in the resource); undefined for core attributes. */
  extension: string | undefined;
  attribute: AttributeDefinition;
  subAttribute: AttributeDefinition | undefined;
}

/** The definition that describes the values at the end of the path. */
export function leafOf(resolved: ResolvedAttribute): AttributeDefinition {
  return resolved.subAttribute ?? resolved.attribute;
}

/** The storage keys, in canonical case, that lead to the attribute's values. */
export function keysOf(resolved: ResolvedAttribute): string[] {
  return [...(resolved.extension === undefined ? [] : [resolved.extension]), resolved.attribute.name, ...(resolved.subAttribute === undefined ? [] : [resolved.subAttribute.name])];
}

/** Splits an optional schema URN prefix from an attribute path: the URN ends at the last colon. */
export function splitSchemaPrefix(resourceType: ResourceTypeDefinition, path: string): { schema: SchemaDefinition; extension: string | undefined; rest: string } {
  const knownSchemas = [resourceType.schema, ...resourceType.extensions.map((extension) => extension.schema)];
  for (const schema of knownSchemas) {
    if (path.length > schema.id.length && path.slice(0, schema.id.length + 1).toLowerCase() === `${schema.id.toLowerCase()}:`) {
      const extension = schema === resourceType.schema ? undefined : schema.id;
      return { schema, extension, rest: path.slice(schema.id.length + 1) };
    }
  }
  return { schema: resourceType.schema, extension: undefined, rest: path };
}

/** Resolves `attr`, `attr.sub` or `urn:...:attr[.sub]` case-insensitively; undefined when not defined. */
export function resolveAttribute(resourceType: ResourceTypeDefinition, path: string): ResolvedAttribute | undefined {
  const { schema, extension, rest } = splitSchemaPrefix(resourceType, path);
  const [attributeName, subAttributeName, ...tooDeep] = rest.split('.');
  if (attributeName === undefined || tooDeep.length > 0) return undefined;
  const attribute = findAttribute(schema.attributes, attributeName) ?? (extension === undefined ? findAttribute(COMMON_ATTRIBUTES, attributeName) : undefined);
  if (attribute === undefined) return undefined;
  if (subAttributeName === undefined) return { extension, attribute, subAttribute: undefined };
  const subAttribute = findAttribute(attribute.subAttributes, subAttributeName);
  return subAttribute === undefined ? undefined : { extension, attribute, subAttribute };
}
