/**
 * Validates SCIM messages against the JSON Schemas in `schemas/` and turns ajv's errors into sentences a
 * person can act on: which member, what was received, what the RFC (or Okta, or Entra) requires.
 */
import { createRequire } from 'node:module';
import type { Ajv2020, AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

import commonSchema from '../schemas/common.schema.json' with { type: 'json' };
import errorSchema from '../schemas/error.schema.json' with { type: 'json' };
import groupSchema from '../schemas/group.schema.json' with { type: 'json' };
import listResponseSchema from '../schemas/list-response.schema.json' with { type: 'json' };
import patchOpSchema from '../schemas/patch-op.schema.json' with { type: 'json' };
import resourceTypeSchema from '../schemas/resource-type.schema.json' with { type: 'json' };
import schemaDefinitionSchema from '../schemas/schema-definition.schema.json' with { type: 'json' };
import serviceProviderConfigSchema from '../schemas/service-provider-config.schema.json' with { type: 'json' };
import userSchema from '../schemas/user.schema.json' with { type: 'json' };

export type MessageKind =
  | 'listResponse'
  | 'error'
  | 'user'
  | 'group'
  | 'serviceProviderConfig'
  | 'resourceType'
  | 'schemaDefinition'
  | 'patchOp';

export interface SchemaIssue {
  /** JSON pointer of the offending member, e.g. `/Resources/0/active`; `""` for the body itself. */
  path: string;
  /** One readable sentence: the member, what was received, what is required and by whom. */
  message: string;
  /** The JSON Schema keyword that failed (`type`, `required`, `contains`, ...). */
  keyword: string;
}

interface KindInfo {
  schema: AnySchemaObject;
  /** How the message is named in sentences about the body as a whole. */
  label: string;
  source: string;
}

const kinds: Record<MessageKind, KindInfo> = {
  listResponse: { schema: listResponseSchema, label: 'a ListResponse', source: 'RFC 7644 §3.4.2' },
  error: { schema: errorSchema, label: 'a SCIM Error', source: 'RFC 7644 §3.12' },
  user: { schema: userSchema, label: 'a User', source: 'RFC 7643 §4.1' },
  group: { schema: groupSchema, label: 'a Group', source: 'RFC 7643 §4.2' },
  serviceProviderConfig: {
    schema: serviceProviderConfigSchema,
    label: 'a ServiceProviderConfig',
    source: 'RFC 7643 §5',
  },
  resourceType: { schema: resourceTypeSchema, label: 'a ResourceType', source: 'RFC 7643 §6' },
  schemaDefinition: { schema: schemaDefinitionSchema, label: 'a Schema definition', source: 'RFC 7643 §7' },
  patchOp: { schema: patchOpSchema, label: 'a PatchOp request', source: 'RFC 7644 §3.5.2' },
};

// ajv is loaded and set up on first use, while a worker's first request is out: loading it (with
// ajv-formats) takes a worker about as long as a request to a near server, and every worker
// starts at once.
const require = createRequire(import.meta.url);
let ajv: Ajv2020 | undefined;
function compiler(): Ajv2020 {
  if (ajv === undefined) {
    const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    const addFormats = require('ajv-formats') as typeof import('ajv-formats');
    // `verbose` keeps the failing data and schema on each error, which the messages below quote.
    ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
    addFormats.default(ajv);
    ajv.addSchema(commonSchema);
  }
  return ajv;
}

// Compiled once, on first use: ajv code-generates a validator per schema, far too slow to repeat
// per response, and a worker that never meets a kind of message need not pay for it at start-up.
const validators: Partial<Record<MessageKind, ValidateFunction>> = {};
const validatorOf = (kind: MessageKind): ValidateFunction => (validators[kind] ??= compiler().compile(kinds[kind].schema));

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
  return (
    error.schemaPath.startsWith(`${summary.schemaPath}/`) &&
    (error.instancePath === summary.instancePath || error.instancePath.startsWith(`${summary.instancePath}/`))
  );
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
