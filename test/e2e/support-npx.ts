/**
 * `npx scim-conformance` as a user meets it, for the tests that signal it: run from a project with
 * this package installed, in a process group of its own, as a terminal starts a job. npm runs the
 * bin through a shell (`sh -c`), both in that group; the bin starts the run in a group of its own.
 * A Ctrl-C at the terminal goes to the whole job (`ctrlC`); a container's stop goes to npx alone
 * (`child.kill('SIGTERM')`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/run-suite.js';

/**
 * The environment of a user's shell: this one's without the SCIM_* variables of the shell running
 * our tests, Vitest's own or npm's (`npm test` sets npm_command, which the bin reads), plain
 * output, CI set, and `extra` on top.
 */
export function userShellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !/^(SCIM_|SCIMC_|VITEST|npm_(command|lifecycle_|package_|config_local_prefix)|INIT_CWD$)/i.test(name));
  return { ...Object.fromEntries(inherited), NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true', ...extra };
}

/** A new project with this package installed, in a temporary folder: npx runs the bin it finds in node_modules/.bin. */
export async function projectWithThePackage(): Promise<string> {
  const project = await mkdtemp(join(tmpdir(), 'scimc-npx-'));
  await mkdir(join(project, 'node_modules', '.bin'), { recursive: true });
  await symlink(PROJECT_ROOT, join(project, 'node_modules', 'scim-conformance'), 'dir');
  await symlink('../scim-conformance/bin/scim-conformance.js', join(project, 'node_modules', '.bin', 'scim-conformance'));
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, devDependencies: { 'scim-conformance': '*' } }));
  return project;
}

export interface NpxRun {
  child: ChildProcess;
  /** What npm, the bin and the run printed so far, stdout and stderr together. */
  output: string;
  /**
   * How npx ended (its exit code, or the signal it ended on), once the last process holding its
   * output has ended: npm, its shell, the bin and the run's whole process group all print there.
   */
  ended: Promise<number | NodeJS.Signals | null>;
  /** Resolves once the output contains `text`. */
  said(text: string): Promise<void>;
  /** A Ctrl-C at the terminal: SIGINT to the whole job, npm, its shell and the bin. */
  ctrlC(): void;
  /** `signal` to what is left of the job (once npm is gone, the bin). */
  signalJob(signal: NodeJS.Signals): void;
}

/** Starts `npx scim-conformance ...args` in `project`, in a process group of its own. */
export function startNpx(project: string, args: readonly string[], env: NodeJS.ProcessEnv): NpxRun {
  const child = spawn('npx', ['scim-conformance', ...args], { cwd: project, detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let waiting: Array<{ text: string; resolve: () => void }> = [];
  const ended = new Promise<number | NodeJS.Signals | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
  const signalJob = (signal: NodeJS.Signals) => process.kill(-(child.pid ?? 0), signal);
  const run: NpxRun = {
    child,
    output: '',
    ended,
    said: (text) => (run.output.includes(text) ? Promise.resolve() : new Promise((resolve) => waiting.push({ text, resolve }))),
    ctrlC: () => signalJob('SIGINT'),
    signalJob,
  };
  const collect = (chunk: Buffer) => {
    run.output += chunk.toString();
    for (const wait of waiting.filter(({ text }) => run.output.includes(text))) wait.resolve();
    waiting = waiting.filter(({ text }) => !run.output.includes(text));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return run;
}

/**
 * Processes, as `pid command line`, whose environment has `name=value` (what a run started, all
 * of it, inherits it). Neither zombies count nor processes on their way out: those whose memory,
 * and so their environment, is gone already.
 */
export async function processesWithEnv(name: string, value: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (!environ.split('\0').includes(`${name}=${value}`)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state !== '' && state !== 'Z') found.push(`${pid} ${(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ')}`);
  }
  return found;
}
