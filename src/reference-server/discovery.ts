import { ScimHttpError } from './responses.js';
import { ALL_SCHEMAS, RESOURCE_TYPES, SCHEMA_URN, sameName, type ResourceTypeDefinition, type SchemaDefinition } from './schemas.js';
import type { JsonObject } from './values.js';

/** RFC 7643 §5. Everything advertised here is implemented: the suite skips features by what this says. */
export function serviceProviderConfig(baseUrl: string, maxResults: number): JsonObject {
  return {
    schemas: [SCHEMA_URN.serviceProviderConfig],
    documentationUri: 'https://www.rfc-editor.org/rfc/rfc7644',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults },
    changePassword: { supported: true },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with a bearer token in the Authorization header (RFC 6750).',
        specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

/** RFC 7643 §6. */
export function resourceTypeResource(resourceType: ResourceTypeDefinition, baseUrl: string): JsonObject {
  return {
    schemas: [SCHEMA_URN.resourceType],
    id: resourceType.name,
    name: resourceType.name,
    description: resourceType.description,
    endpoint: resourceType.endpoint,
    schema: resourceType.schema.id,
    schemaExtensions: resourceType.extensions.map((extension) => ({ schema: extension.schema.id, required: extension.required })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${resourceType.name}` },
  };
}

/** RFC 7643 §7. */
export function schemaResource(schema: SchemaDefinition, baseUrl: string): JsonObject {
  return {
    schemas: [SCHEMA_URN.schema],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  };
}

export function allResourceTypes(baseUrl: string): JsonObject[] {
  return RESOURCE_TYPES.map((resourceType) => resourceTypeResource(resourceType, baseUrl));
}

export function allSchemas(baseUrl: string): JsonObject[] {
  return ALL_SCHEMAS.map((schema) => schemaResource(schema, baseUrl));
}

export function findResourceType(id: string, baseUrl: string): JsonObject {
  const resourceType = RESOURCE_TYPES.find((candidate) => sameName(candidate.name, id));
  if (resourceType === undefined) throw new ScimHttpError(404, `ResourceType ${JSON.stringify(id)} not found; this server has User and Group.`);
  return resourceTypeResource(resourceType, baseUrl);
}

export function findSchema(id: string, baseUrl: string): JsonObject {
  const schema = ALL_SCHEMAS.find((candidate) => sameName(candidate.id, id));
  if (schema === undefined) throw new ScimHttpError(404, `Schema ${JSON.stringify(id)} not found.`);
  return schemaResource(schema, baseUrl);
}
