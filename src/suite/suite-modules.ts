import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';

/** A static import or re-export of a value (type-only ones are erased), and its specifier. */
const STATIC_IMPORT = /^(?:import|export)\s+(?!type\s)[^;]*?\sfrom\s+'([^']+)'/gm;

/**
 * The spec files and our modules they import, directly or through others, read from their import
 * statements: each spec file's modules (those not listed yet) right after it, in the order given.
 */
export function suiteModules(specFiles: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // Not a TypeScript file of ours after all (a .js one, say): Vite finds it when it is imported.
      return;
    }
    seen.add(file);
    for (const [, specifier = ''] of text.matchAll(STATIC_IMPORT)) {
      // Our own modules only: packages and Node's modules are not Vite's to transform. From source
      // they are the .ts files; compiled (the package's dist/), the .js files themselves.
      if (specifier.startsWith('.') && specifier.endsWith('.js')) visit(resolve(dirname(file), specifier.replace(/\.js$/, extname(file))));
    }
  };
  specFiles.forEach(visit);
  return [...seen];
}
