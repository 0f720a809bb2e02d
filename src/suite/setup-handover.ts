import type { RunSetup } from './run-setup.js';

/**
 * vitest.config.ts hands the run's setup to the global setup file. Vite bundles the config, and all
 * it imports, in one native pass; the global setup file is loaded module by module through Vite's
 * transformer instead, which on a 2-CPU machine delays the preflight by about 0.7 s (the workers,
 * starting meanwhile, ask the same transformer for their own modules). The two are different copies
 * of this module, in one process: the setup is kept on globalThis, under a registered symbol.
 */
const KEY = Symbol.for('scim-conformance.run-setup');

export function handOverSetup(setUp: RunSetup): void {
  (globalThis as Record<symbol, unknown>)[KEY] = setUp;
}

export function handedOverSetup(): RunSetup | undefined {
  return (globalThis as Record<symbol, unknown>)[KEY] as RunSetup | undefined;
}
