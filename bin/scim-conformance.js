#!/usr/bin/env node
// `npx scim-conformance [vitest flags]`: runs the bundled suites from any project, with the same
// environment variables (and that project's .env), through Vitest's Node API and our config.
// `npx scim-conformance cleanup` removes what interrupted runs left behind (names starting scimc-).
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

if (args[0] === 'cleanup') {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/cleanup.ts', import.meta.url).href);
} else if (args[0] === '--help' || args[0] === '-h') {
  process.stdout.write(`Usage: scim-conformance [vitest options] [filters]
       scim-conformance cleanup

Tests the SCIM server at SCIM_BASE_URL (or, when unset, the bundled reference server).
Configuration comes from the environment and .env: see ${packageRoot}.env.example.
Vitest options work as usual: -t CODE, --bail 1, --reporter=verbose, --reporter=junit --outputFile=...
`);
} else {
  const { parseCLI, startVitest } = await import('vitest/node');
  const { filter, options } = parseCLI(['vitest', 'run', ...args]);
  // A --reporter flag keeps the verdict and the reports: vitest.config.ts adds them back.
  const vitest = await startVitest('test', filter, {
    ...options,
    run: true,
    watch: false,
    root: packageRoot,
    config: fileURLToPath(new URL('../vitest.config.ts', import.meta.url)),
  });
  await vitest?.close();
  process.exit(process.exitCode ?? 0);
}
