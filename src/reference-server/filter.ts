import { parse, type AttrExp, type Filter, type ValuePath } from 'scim2-parse-filter';
import { badRequest } from './responses.js';
import { findAttribute, leafOf, resolveAttribute, type AttributeDefinition, type ResolvedAttribute, type ResourceTypeDefinition } from './schemas.js';
import { readBoolean } from './validate.js';
import { isObject, readValues, type JsonObject } from './values.js';

export type Predicate = (node: JsonObject) => boolean;

/** How a filter reaches an attribute: its definition, and how to read its values from a node. */
interface Accessor {
  definition: AttributeDefinition;
  read(node: JsonObject): unknown[];
}

/** `asContainer`: the attribute is the target of a [filter], so a complex attribute stays complex. */
type Scope = (attrPath: string, asContainer?: boolean) => Accessor | undefined;

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2) with scim2-parse-filter and compiles it against the schema.
 * We evaluate the tree ourselves rather than with the library's `filter()`, because the library
 * compares strings case-sensitively and knows nothing of caseExact or dateTime.
 * Throws 400 invalidFilter when the filter does not parse or compares what cannot be compared.
 */
export function compileFilter(text: string, resourceType: ResourceTypeDefinition): Predicate {
  return compile(parseFilter(text), resourceScope(resourceType));
}

/** Compiles a filter that applies to one value of a multi-valued complex attribute (`emails[...]`). */
export function compileValueFilter(text: string, container: AttributeDefinition): Predicate {
  return compile(parseFilter(text), subAttributeScope(container));
}

export function parseFilter(text: string): Filter {
  let tree: Filter;
  try {
    tree = parse(text);
  } catch (error) {
    throw badRequest('invalidFilter', `The filter ${JSON.stringify(text)} is not valid: ${(error as Error).message}.`);
  }
  // The parser turns `emails[type eq "work"].value eq "x"` into `emails[type eq "work"] and emails.value eq "x"`,
  // which may match two different emails; regroup it so both tests apply to the same value.
  return hasSubAttributeAfterValuePath(text) ? regroupValuePaths(tree) : tree;
}

function hasSubAttributeAfterValuePath(text: string): boolean {
  return /\]\s*\./.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '""'));
}

function regroupValuePaths(tree: Filter): Filter {
  switch (tree.op) {
    case 'not':
      return { op: 'not', filter: regroupValuePaths(tree.filter) };
    case '[]':
      return { ...tree, valFilter: regroupValuePaths(tree.valFilter) };
    case 'and':
    case 'or': {
      const { filters } = tree;
      const [first, second] = filters;
      if (tree.op === 'and' && filters.length === 2 && first?.op === '[]' && second !== undefined && isAttrExp(second)) {
        const prefix = `${(first as ValuePath).attrPath}.`;
        if (second.attrPath.startsWith(prefix)) {
          const inner: Filter = { ...second, attrPath: second.attrPath.slice(prefix.length) };
          return { ...(first as ValuePath), valFilter: { op: 'and', filters: [(first as ValuePath).valFilter, inner] } };
        }
      }
      return { op: tree.op, filters: filters.map(regroupValuePaths) };
    }
    default:
      return tree;
  }
}

function isAttrExp(tree: Filter): tree is AttrExp {
  return tree.op !== '[]' && 'attrPath' in tree;
}

function resourceScope(resourceType: ResourceTypeDefinition): Scope {
  return (attrPath, asContainer = false) => {
    const resolved = resolveAttribute(resourceType, attrPath);
    if (resolved === undefined) return undefined;
    const comparable = asContainer ? resolved : withValueSubAttribute(resolved);
    return { definition: leafOf(comparable), read: (node) => readValues(node, comparable) };
  };
}

/** RFC 7644 §3.4.2.2: `emails co "x"` on a multi-valued complex attribute compares its `value`. */
function withValueSubAttribute(resolved: ResolvedAttribute): ResolvedAttribute {
  if (resolved.subAttribute !== undefined || resolved.attribute.type !== 'complex') return resolved;
  const value = findAttribute(resolved.attribute.subAttributes, 'value');
  return value === undefined || !resolved.attribute.multiValued ? resolved : { ...resolved, subAttribute: value };
}

function subAttributeScope(container: AttributeDefinition): Scope {
  return (attrPath) => {
    const definition = findAttribute(container.subAttributes, attrPath);
    if (definition === undefined) return undefined;
    return {
      definition,
      read: (node) => {
        const value = node[definition.name];
        return (Array.isArray(value) ? value : [value]).filter((entry) => entry !== undefined && entry !== null);
      },
    };
  };
}

function compile(tree: Filter, scope: Scope): Predicate {
  switch (tree.op) {
    case 'and': {
      const parts = tree.filters.map((part) => compile(part, scope));
      return (node) => parts.every((part) => part(node));
    }
    case 'or': {
      const parts = tree.filters.map((part) => compile(part, scope));
      return (node) => parts.some((part) => part(node));
    }
    case 'not': {
      const inner = compile(tree.filter, scope);
      return (node) => !inner(node);
    }
    case '[]': {
      const accessor = scope(tree.attrPath, true);
      // An attribute we do not define has no values, so nothing matches (no error: RFC 7644 leaves it open).
      if (accessor === undefined) return () => false;
      if (accessor.definition.type !== 'complex') {
        throw badRequest('invalidFilter', `"${tree.attrPath}" is not a complex attribute, so it cannot take a [filter].`);
      }
      const inner = compile(tree.valFilter, subAttributeScope(accessor.definition));
      return (node) => accessor.read(node).some((value) => isObject(value) && inner(value));
    }
    case 'pr': {
      const accessor = scope(tree.attrPath);
      if (accessor === undefined) return () => false;
      return (node) => accessor.read(node).some(isPresent);
    }
    default:
      return compileComparison(tree.op, tree.attrPath, tree.compValue, scope);
  }
}

function isPresent(value: unknown): boolean {
  if (value === '' || value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.values(value).some(isPresent);
  return true;
}

type ComparisonOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'lt' | 'ge' | 'le';

function compileComparison(op: ComparisonOperator, attrPath: string, compValue: string | number | boolean | null, scope: Scope): Predicate {
  const accessor = scope(attrPath);
  if (accessor === undefined) return op === 'ne' ? () => true : () => false;
  if (compValue === null) {
    // `eq null` asks for an unassigned attribute.
    if (op !== 'eq' && op !== 'ne') throw badRequest('invalidFilter', `"${op}" cannot compare with null.`);
    const present = (node: JsonObject) => accessor.read(node).some(isPresent);
    return op === 'eq' ? (node) => !present(node) : present;
  }
  // RFC 7644 §3.4.2.2 defines ne as "not identical"; across a multi-valued attribute we read it as "no value equals".
  const test = valueTest(op === 'ne' ? 'eq' : op, accessor.definition, compValue, attrPath);
  const matches: Predicate = (node) => accessor.read(node).some(test);
  return op === 'ne' ? (node) => !matches(node) : matches;
}

type ValueTest = (value: unknown) => boolean;

function valueTest(op: Exclude<ComparisonOperator, 'ne'>, definition: AttributeDefinition, compValue: string | number | boolean, attrPath: string): ValueTest {
  const unsupported = (why: string) => badRequest('invalidFilter', `"${attrPath} ${op}" is not supported: ${why}.`);
  switch (definition.type) {
    case 'complex':
      throw unsupported('it is a complex attribute; name a sub-attribute');
    case 'boolean': {
      const expected = readBoolean(compValue);
      // RFC 7644 §3.4.2.2: ordering operators on booleans SHALL be refused with invalidFilter.
      if (op !== 'eq') throw unsupported('booleans can only be compared with eq or ne');
      if (expected === undefined) throw unsupported('the value is not a boolean');
      return (value) => value === expected;
    }
    case 'integer':
    case 'decimal': {
      if (typeof compValue !== 'number') throw unsupported('the value is not a number');
      if (op === 'co' || op === 'sw' || op === 'ew') throw unsupported('numbers cannot be matched as text');
      return (value) => typeof value === 'number' && order(op, value - compValue);
    }
    case 'dateTime': {
      if (op === 'co' || op === 'sw' || op === 'ew') return textTest(op, String(compValue), true);
      const expected = typeof compValue === 'string' ? Date.parse(compValue) : Number.NaN;
      if (Number.isNaN(expected)) throw unsupported('the value is not a date-time');
      return (value) => typeof value === 'string' && !Number.isNaN(Date.parse(value)) && order(op, Date.parse(value) - expected);
    }
    case 'binary':
      if (op !== 'eq' && op !== 'co' && op !== 'sw' && op !== 'ew') throw unsupported('binary values cannot be ordered');
      return textTest(op, String(compValue), true);
    case 'string':
    case 'reference':
      return textTest(op, String(compValue), definition.caseExact);
  }
}

function textTest(op: Exclude<ComparisonOperator, 'ne'>, compValue: string, caseExact: boolean): ValueTest {
  const fold = (text: string) => (caseExact ? text : text.toLowerCase());
  const expected = fold(compValue);
  return (value) => {
    if (typeof value !== 'string') return false;
    const actual = fold(value);
    switch (op) {
      case 'co':
        return actual.includes(expected);
      case 'sw':
        return actual.startsWith(expected);
      case 'ew':
        return actual.endsWith(expected);
      default:
        return order(op, actual < expected ? -1 : actual > expected ? 1 : 0);
    }
  };
}

function order(op: 'eq' | 'gt' | 'lt' | 'ge' | 'le', difference: number): boolean {
  switch (op) {
    case 'eq':
      return difference === 0;
    case 'gt':
      return difference > 0;
    case 'lt':
      return difference < 0;
    case 'ge':
      return difference >= 0;
    case 'le':
      return difference <= 0;
  }
}
