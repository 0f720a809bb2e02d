#!/usr/bin/env node
// `npx scim-conformance [vitest flags]`: runs the bundled suites from any project, with the same
// environment variables (and that project's .env), through Vitest's Node API and our config.
// `npx scim-conformance cleanup` removes what interrupted runs left behind (names starting scimc-).
//
// The run itself goes in a child process with a process group of its own, which this one watches
// over: a container's stop (SIGTERM to this process alone), npm's forwarded Ctrl-C and a closed
// terminal all reach the whole run, its workers and its cleanup, and nothing outlives this process.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { interruptDeadlines, positiveMs } from './interrupt-deadlines.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
/**
 * The package ships our code compiled to dist/ and no TypeScript, so it runs without tsx. In the
 * repo (where vitest.config.ts is), the bin runs the sources, as `npx vitest run` does.
 */
const fromSource = existsSync(new URL('../vitest.config.ts', import.meta.url));
const runRoot = fromSource ? packageRoot : fileURLToPath(new URL('../dist/', import.meta.url));
const runConfig = fromSource ? `${runRoot}vitest.config.ts` : `${runRoot}vitest.config.js`;
const args = process.argv.slice(2);
/** Set in the child that runs the suite. */
const SUPERVISED_ENV = 'SCIMC_SUPERVISED_RUN';
/** After an interrupt: the run's cleanup stops at the grace, and the bin kills what still runs at the kill (bin/interrupt-deadlines.js). */
const { graceMs: RUN_GRACE_MS, killAfterMs: KILL_AFTER_MS } = interruptDeadlines(process.env);
/**
 * Under npx, a Ctrl-C can reach this process twice: from the terminal, and passed on by an npm
 * that signals its child directly (npm 11 signals the shell it starts this process in, so it
 * arrives once). Two signals this close together are one interrupt; no one presses Ctrl-C twice
 * within it. SCIMC_SAME_INTERRUPT_MS sets it (our tests, on a loaded machine, give npm longer).
 */
const SAME_INTERRUPT_MS = process.env.npm_command === 'exec' ? (positiveMs(process.env.SCIMC_SAME_INTERRUPT_MS) ?? 100) : 0;
/** How often the bin checks that whatever started it (npm, under npx) is still there. */
const ORPHAN_CHECK_MS = 100;
const CLEANUP_HINT = '`npx scim-conformance cleanup` removes it (`npm run cleanup` inside the scim-conformance repo)';

// Asking for help or the version never runs anything, not even `cleanup --help`.
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(usage());
} else if (args.includes('--version') || args.includes('-v')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else if (args[0] === 'cleanup') {
  if (fromSource) {
    const { register } = await import('tsx/esm/api');
    register();
    await import(new URL('../src/cli/cleanup.ts', import.meta.url).href);
  } else {
    await import(new URL('../dist/src/cli/cleanup.js', import.meta.url).href);
  }
} else if (process.env[SUPERVISED_ENV] === '1') {
  await runSuite();
} else {
  superviseRun();
}

function usage() {
  return `Usage: scim-conformance [vitest options] [filters]
       scim-conformance cleanup

Tests the SCIM server at SCIM_BASE_URL (or, when unset, the bundled reference server).
Configuration comes from the environment and from .env in the current folder:
${configurationLines().join('\n')}
See ${packageRoot}.env.example for an example.

Vitest options pass through: -t CODE, --bail 1, --reporter=verbose, --reporter=junit --outputFile=...

scim-conformance cleanup removes every test resource (named scimc-…) that interrupted runs left on
the server at SCIM_BASE_URL.
`;
}

/** The variables of the README's configuration table, one line each: the README is their one list. */
function configurationLines() {
  let readme;
  try {
    readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  } catch {
    return [`  (the variables are listed in ${packageRoot}README.md)`];
  }
  const table = readme
    .slice(readme.indexOf('\n## Configuration\n'))
    .split('\n\n')
    .find((block) => block.startsWith('| variable'));
  const plain = (text) =>
    text
      .trim()
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
  return (table ?? '')
    .split('\n')
    .slice(2)
    .map((row) => row.split(' | ').map(plain))
    .map(([name, meaning, fallback]) => `  ${name.replace(/^\| */, '')}: ${meaning} Default: ${(fallback ?? '').replace(/ *\|$/, '')}.`);
}

/** In the child: the suites, through Vitest's Node API. */
async function runSuite() {
  // This process's parent watches over it; should the parent die all the same, stop as if interrupted.
  process.stdin.on('end', () => process.kill(-process.pid, 'SIGTERM'));
  process.stdin.resume();
  const { parseCLI, startVitest } = await import('vitest/node');
  const { filter, options } = parseCLI(['vitest', 'run', ...args]);
  // A --reporter flag keeps the verdict and the reports: vitest.config.ts adds them back.
  const vitest = await startVitest('test', filter, {
    ...options,
    run: true,
    watch: false,
    root: runRoot,
    config: runConfig,
  });
  await vitest?.close();
  process.exit(process.exitCode ?? 0);
}

/** In the parent: starts the run, passes signals on to its whole process group, and ends nothing but it. */
function superviseRun() {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), ...args], {
    stdio: ['pipe', 'inherit', 'inherit'],
    detached: true,
    env: { ...process.env, [SUPERVISED_ENV]: '1', SCIMC_INTERRUPT_GRACE_MS: String(RUN_GRACE_MS) },
  });
  const group = child.pid;
  const signalGroup = (signal) => {
    try {
      process.kill(-group, signal);
    } catch {
      // The group is gone already.
    }
  };
  let lastSignalAt = Number.NEGATIVE_INFINITY;
  let killTimer;
  const forward = (signal) => {
    const now = Date.now();
    const sameInterrupt = now - lastSignalAt < SAME_INTERRUPT_MS;
    lastSignalAt = now;
    if (sameInterrupt) return;
    // A closed terminal: the run stops as for a SIGTERM, the one signal besides SIGINT it cleans up on.
    signalGroup(signal === 'SIGHUP' ? 'SIGTERM' : signal);
    killTimer ??= setTimeout(() => {
      process.stderr.write(
        `\nscim-conformance: the run did not stop within ${KILL_AFTER_MS / 1000} s and was killed; its test data (users and groups named scimc-…) may be left on the server: ${CLEANUP_HINT}.\n`,
      );
      signalGroup('SIGKILL');
    }, KILL_AFTER_MS);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  const orphanWatch = watchForOrphaning(() => forward('SIGTERM'));
  child.on('exit', (code, signal) => {
    clearTimeout(killTimer);
    clearInterval(orphanWatch);
    // Whatever the run started and left running goes with it.
    signalGroup('SIGKILL');
    process.exit(code ?? 128 + signalNumber(signal));
  });
}

/**
 * Under npx, a SIGTERM to npm alone (a CI job cancelled, a container stopped) ends npm and the
 * shell it started this process in, and goes no further: npm passes it to the shell only. This
 * process then has a new parent: it stops the run as for a SIGTERM, instead of letting it go on.
 */
function watchForOrphaning(onOrphaned) {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    onOrphaned();
  }, ORPHAN_CHECK_MS);
  return watch;
}

function signalNumber(signal) {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal] ?? 1;
}
