import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { suiteModules } from '../../src/suite/suite-modules.js';
import { PROJECT_ROOT } from '../support/run-suite.js';

test('lists the spec files and every module of ours they load, directly or through others', () => {
  const modules = suiteModules([join(PROJECT_ROOT, 'suites/discovery.spec.ts'), join(PROJECT_ROOT, 'suites/groups.spec.ts')]);
  expect(modules[0]).toBe(join(PROJECT_ROOT, 'suites/discovery.spec.ts'));
  expect(modules).toContain(join(PROJECT_ROOT, 'suites/groups.spec.ts'));
  expect(modules).toContain(join(PROJECT_ROOT, 'src/suite/write-flows.ts'));
  // Imported by src/suite/spec.ts, which every spec file imports; then by src/http/client.ts.
  expect(modules).toContain(join(PROJECT_ROOT, 'src/http/client.ts'));
  expect(modules).toContain(join(PROJECT_ROOT, 'src/http/undici.ts'));
  expect(modules.every((file) => existsSync(file))).toBe(true);
  expect(new Set(modules).size).toBe(modules.length);
});

test('follows value imports and re-exports, multi-line ones too, but not type-only imports, packages or JavaScript files, each module after what imports it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scimc-modules-'));
  mkdirSync(join(dir, 'suites'));
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  write('suites/a.spec.ts', "import { b } from '../b.js';\nimport {\n  c,\n} from '../c.js';\nimport type { D } from '../d.js';\nimport { test } from 'vitest';\n");
  write('b.ts', "export { e } from './e.js';\nimport { f } from './f.js';\n");
  write('f.js', 'export const f = 1;\n');
  write('c.ts', 'export const c = 1;\n');
  write('d.ts', 'export type D = number;\n');
  write('e.ts', 'export const e = 1;\n');
  expect(suiteModules([join(dir, 'suites/a.spec.ts')]).map((file) => file.slice(dir.length + 1))).toEqual(['suites/a.spec.ts', 'b.ts', 'e.ts', 'c.ts']);
});
