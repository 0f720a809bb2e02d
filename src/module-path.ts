import { fileURLToPath } from 'node:url';

/**
 * The path of one of our own modules, `relative` (written with its `.ts` name) to the module whose
 * `import.meta.url` is `base`. From source (Vite, tsx) that is the `.ts` file; in the package, which
 * ships our code compiled to `dist/` and no TypeScript, it is the `.js` file beside where the `.ts`
 * one was, so nothing needs a TypeScript loader at run time.
 */
export function ownModulePath(relative: string, base: string): string {
  const path = fileURLToPath(new URL(relative, base));
  return base.endsWith('.ts') ? path : path.replace(/\.ts$/, '.js');
}

/** Whether the module at `base` (its `import.meta.url`) runs compiled, from the package's `dist/`. */
export function runsCompiled(base: string): boolean {
  return !base.endsWith('.ts');
}
