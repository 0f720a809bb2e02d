/**
 * Validates SCIM messages against the JSON Schemas in `schemas/` and turns ajv's errors into sentences a
 * person can act on: which member, what was received, what the RFC (or Okta, or Entra) requires.
 */
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

export type MessageKind = 'listResponse' | 'error' | 'user' | 'group' | 'serviceProviderConfig' | 'resourceType' | 'schemaDefinition' | 'patchOp';

export interface SchemaIssue {
  /** JSON pointer of the offending member, e.g. `/Resources/0/active`; `""` for the body itself. */
  path: string;
  /** One readable sentence: the member, what was received, what is required and by whom. */
  message: string;
  /** The JSON Schema keyword that failed (`type`, `required`, `contains`, ...). */
  keyword: string;
}

interface KindInfo {
  /** How the message is named in sentences about the body as a whole. */
  label: string;
  source: string;
}

const kinds: Record<MessageKind, KindInfo> = {
  listResponse: { label: 'a ListResponse', source: 'RFC 7644 §3.4.2' },
  error: { label: 'a SCIM Error', source: 'RFC 7644 §3.12' },
  user: { label: 'a User', source: 'RFC 7643 §4.1' },
  group: { label: 'a Group', source: 'RFC 7643 §4.2' },
  serviceProviderConfig: { label: 'a ServiceProviderConfig', source: 'RFC 7643 §5' },
  resourceType: { label: 'a ResourceType', source: 'RFC 7643 §6' },
  schemaDefinition: { label: 'a Schema definition', source: 'RFC 7643 §7' },
  patchOp: { label: 'a PatchOp request', source: 'RFC 7644 §3.5.2' },
};

/** The schema in `schemas/` of each kind of message (they share common.schema.json). */
export const MESSAGE_SCHEMA_FILES: Record<MessageKind, string> = {
  listResponse: 'list-response.schema.json',
  error: 'error.schema.json',
  user: 'user.schema.json',
  group: 'group.schema.json',
  serviceProviderConfig: 'service-provider-config.schema.json',
  resourceType: 'resource-type.schema.json',
  schemaDefinition: 'schema-definition.schema.json',
  patchOp: 'patch-op.schema.json',
};

// The validators are ajv's, compiled ahead of time from the schemas (src/validators-source.ts) and
// loaded on first use: a few milliseconds, where compiling them here would take a worker 0.15 s.
const require = createRequire(import.meta.url);
let validators: Record<MessageKind, ValidateFunction> | undefined;
const validatorOf = (kind: MessageKind): ValidateFunction => (validators ??= require('../schemas/validators.cjs') as Record<MessageKind, ValidateFunction>)[kind];

/** Validates `value` as a message of the given kind; returns `[]` when it is valid. */
export function validateMessage(kind: MessageKind, value: unknown): SchemaIssue[] {
  const validate = validatorOf(kind);
  if (validate(value)) return [];
  const info = kinds[kind];
  if (!isPlainObject(value)) {
    // Every other rule is about members, so one sentence says it all.
    return [
      {
        path: '',
        keyword: 'type',
        message: `the body is ${describeValue(value)}; ${info.label} is a JSON object (${info.source})`,
      },
    ];
  }
  return toIssues(validate.errors ?? []);
}

/** Renders issues as text for a person, one issue a line; `''` when there are none. */
export function describeIssues(issues: SchemaIssue[]): string {
  return issues.map((issue) => `- ${issue.message}`).join('\n');
}

/** Keywords whose sub-schema errors only restate, less clearly, why the keyword itself failed. */
const summarisingKeywords = new Set(['contains', 'anyOf', 'oneOf', 'not']);

function toIssues(errors: ErrorObject[]): SchemaIssue[] {
  const summaries = errors.filter((error) => summarisingKeywords.has(error.keyword));
  const typeFailures = new Set(errors.filter((error) => error.keyword === 'type').map((e) => e.instancePath));
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // An `if` error only says "must match then"; the `then` errors next to it say what is wrong.
    if (error.keyword === 'if') continue;
    if (summaries.some((summary) => summary !== error && isPartOf(error, summary))) continue;
    if (error.keyword !== 'type' && typeFailures.has(error.instancePath)) continue;
    const issue = toIssue(error);
    const key = `${issue.path}\n${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function isPartOf(error: ErrorObject, summary: ErrorObject): boolean {
  return error.schemaPath.startsWith(`${summary.schemaPath}/`) && (error.instancePath === summary.instancePath || error.instancePath.startsWith(`${summary.instancePath}/`));
}

function toIssue(error: ErrorObject): SchemaIssue {
  const { keyword, instancePath } = error;
  const subject = memberName(instancePath);
  const requirement = descriptionOf(error.parentSchema) ?? error.message ?? 'is invalid';
  const received = describeValue(error.data);

  switch (keyword) {
    case 'required': {
      const missing = String(error.params['missingProperty']);
      const path = `${instancePath}/${escapePointer(missing)}`;
      const properties: unknown = error.parentSchema?.['properties'];
      const property = isPlainObject(properties) ? properties[missing] : undefined;
      const why = descriptionOf(property);
      return {
        path,
        keyword,
        message: `${memberName(path)} is missing${why === undefined ? '' : `; ${why}`}`,
      };
    }
    case 'contains': {
      const wanted: unknown = isPlainObject(error.schema) ? error.schema['const'] : undefined;
      const what = wanted === undefined ? 'the required value' : JSON.stringify(wanted);
      const source = citation(error.parentSchema);
      return {
        path: instancePath,
        keyword,
        message: `${subject} does not contain ${what}; received ${excerpt(error.data)}${source ? ` (${source})` : ''}`,
      };
    }
    case 'not':
      // Say only that it is there: the value may be a secret (a password must never be echoed).
      return { path: instancePath, keyword, message: `${subject} is present; ${requirement}` };
    case 'additionalProperties': {
      const extra = String(error.params['additionalProperty']);
      return {
        path: `${instancePath}/${escapePointer(extra)}`,
        keyword,
        message: `${subject} has the unexpected member "${extra}"; ${requirement}`,
      };
    }
    default:
      return { path: instancePath, keyword, message: `${subject} is ${received}; ${requirement}` };
  }
}

/**
 * Names a member the way SCIM attribute paths do: `Resources[0].active`, `name.givenName`, and
 * `urn:...:enterprise:2.0:User:manager` for extension attributes (RFC 7644 §3.10).
 */
function memberName(pointer: string): string {
  if (pointer === '') return 'the body';
  let name = '';
  let previous = '';
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (/^\d+$/.test(segment)) name += `[${segment}]`;
    else if (name === '') name = segment;
    else name += `${previous.startsWith('urn:') ? ':' : '.'}${segment}`;
    previous = segment;
  }
  return name;
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function descriptionOf(schema: unknown): string | undefined {
  if (!isPlainObject(schema)) return undefined;
  const description = schema['description'];
  return typeof description === 'string' ? description.replace(/\.$/, '') : undefined;
}

/** The leading "RFC 7644 §3.4.2" of a description, for sentences that already say the requirement. */
function citation(schema: unknown): string | undefined {
  return /^RFC \d+ §[\d.]+/.exec(descriptionOf(schema) ?? '')?.[0];
}

const excerptLength = 60;

function excerpt(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > excerptLength ? `${json.slice(0, excerptLength - 1)}…` : json;
}

/** What was received, as a phrase: `the string "1"`, `null`, `an empty array`. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing (undefined)';
  if (typeof value === 'string') {
    if (value === '') return 'the empty string ""';
    const shown = value.length > excerptLength ? `${value.slice(0, excerptLength - 1)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number') return `the number ${excerpt(value)}`;
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array: ${excerpt(value)}`;
  if (typeof value === 'object') return `an object: ${excerpt(value)}`;
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
