/**
 * The spec files in suites/, listed once. Part of the catalog (src/checks/catalog.ts re-exports
 * it), kept in a module of its own that imports nothing: the Vitest config's sequencer reads it, and
 * must not load every check and JSON Schema to learn the order of five file names.
 */

/**
 * What a spec file sends: `connection` is the clients' connection tests, `read` only reads on a
 * read-only run, `write` replays a client's create-change-delete lifecycle (SCIM_WRITE=true), `load`
 * sends a sustained burst.
 */
export type SpecKind = 'connection' | 'read' | 'write' | 'load';

export interface SpecFile {
  /** `suites/<name>.spec.ts`. */
  readonly name: string;
  readonly kind: SpecKind;
}

/**
 * Every spec file. The write lifecycles come first, longest chain of dependent requests first: the
 * sequencer starts them in this order, so that against a far server they run alongside the short
 * read-only files instead of after them.
 */
export const SPEC_FILES = [
  { name: 'groups', kind: 'write' },
  { name: 'users-entra', kind: 'write' },
  { name: 'users-okta', kind: 'write' },
  { name: 'rfc-writes', kind: 'write' },
  { name: 'etag', kind: 'write' },
  { name: 'bad-input', kind: 'write' },
  { name: 'connection', kind: 'connection' },
  { name: 'paging', kind: 'read' },
  { name: 'filters', kind: 'read' },
  { name: 'query-params', kind: 'read' },
  { name: 'discovery', kind: 'read' },
  { name: 'errors', kind: 'read' },
  { name: 'auth', kind: 'read' },
  { name: 'throughput', kind: 'load' },
] as const satisfies readonly SpecFile[];

export type SpecName = (typeof SPEC_FILES)[number]['name'];
type NameOfKind<Kind extends SpecKind> = Extract<(typeof SPEC_FILES)[number], { kind: Kind }>['name'];

/** The names of the spec files of one kind, in catalog order. */
export function specNames<Kind extends SpecKind>(kind: Kind): Array<NameOfKind<Kind>> {
  return SPEC_FILES.filter((spec) => spec.kind === kind).map((spec) => spec.name as NameOfKind<Kind>);
}

/** `suites/<name>.spec.ts`, relative to the project root. */
export function specPath(name: SpecName): string {
  return `suites/${name}.spec.ts`;
}

/** The write lifecycles, longest chain first: the order the sequencer starts them in. */
export const LONGEST_CHAINS_FIRST: readonly SpecName[] = specNames('write');

/** The read-path spec files (without the connection tests): what a read-only run judges the server's reads by. */
export const READ_SPECS = specNames('read');
export type ReadSpecName = NameOfKind<'read'>;

/** The spec files a write run adds: `suites/<name>.spec.ts` of every write lifecycle. */
export const WRITE_SPEC_PATHS: readonly string[] = specNames('write').map(specPath);
