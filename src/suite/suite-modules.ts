import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A static import or re-export of a value (type-only ones are erased), and its specifier. */
const STATIC_IMPORT = /^(?:import|export)\s+(?!type\s)[^;]*?\sfrom\s+'([^']+)'/gm;

/**
 * Our modules that the spec files in `suitesDir` import, directly or through others (the spec
 * files included), read from their import statements.
 */
export function suiteModules(suitesDir: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier = ''] of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      // Our own TypeScript modules only: packages and Node's modules are not Vite's to transform.
      if (specifier.startsWith('.') && specifier.endsWith('.js')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  };
  readdirSync(suitesDir).filter((name) => name.endsWith('.spec.ts')).forEach((name) => visit(join(suitesDir, name)));
  return [...seen];
}
