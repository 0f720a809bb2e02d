/**
 * A suite run inside this process, through Vitest's Node API, as `npx vitest run` would make it in a
 * child: the same config (vitest.config.ts), the same environment, argv and output streams. A child
 * process costs a Node start, a Vitest import and a config load before the first check; in-process,
 * a run of a small gallery server is its checks alone. A `VitestSession` goes further for a gallery
 * of servers: one Vitest instance, its config loaded and its modules transformed once, for every run.
 *
 * The suite's config and setup read process.env and process.argv, and its reporters write to
 * process.stdout: a run borrows them for its duration, so runs in one process take turns
 * (`inTurn`). Each test file of ours is its own worker, so files still run side by side.
 */
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import colors, { disableDefaultColors } from 'tinyrainbow';
import type { Vitest } from 'vitest/node';

/** What a run wrote, and how it ended, as a child process would have shown it. */
export interface Ended {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** A call of process.exit during a run: it ends the run, not the process running our tests. */
class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

/**
 * What a run writes to its stdout or stderr. Vitest pipes each worker's output into it, and a pipe
 * ends its destination when the worker ends: like process.stdout, it stays open.
 */
class Captured extends Writable {
  text = '';

  override end(): this {
    return this;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/**
 * Vitest's Node API, imported without colours: its symbols (✓, ↓) are painted once, at import.
 * Called while a run holds the process, so colours are off.
 */
function vitestNode(): Promise<typeof import('vitest/node')> {
  return import('vitest/node');
}

let turn: Promise<unknown> = Promise.resolve();

/** Runs `work` once every run started before it in this process has ended. */
function inTurn<T>(work: () => Promise<T>): Promise<T> {
  const result = turn.then(work);
  turn = result.catch(() => undefined);
  return result;
}

function replaceEnv(env: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name];
  Object.assign(process.env, env);
}

/** Hands process.env, argv, exit code, exit, console, stdout, stderr and colours to a run, and back. */
function borrowProcess(env: NodeJS.ProcessEnv, argv: string[], out: Captured, err: Captured): () => number {
  const saved = {
    env: { ...process.env },
    argv: process.argv,
    exitCode: process.exitCode,
    exit: process.exit,
    console: globalThis.console,
    stdoutWrite: process.stdout.write,
    stderrWrite: process.stderr.write,
    colors: { ...colors },
  };
  replaceEnv(env);
  process.argv = [process.argv[0] ?? 'node', 'vitest', ...argv];
  process.exitCode = undefined;
  process.exit = ((code?: number) => {
    throw new ExitCalled(code ?? 0);
  }) as typeof process.exit;
  globalThis.console = new Console({ stdout: out, stderr: err, colorMode: false });
  process.stdout.write = ((chunk: string | Uint8Array) => out.write(chunk)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => err.write(chunk)) as typeof process.stderr.write;
  // Vitest's colours follow the environment of our own run; a run's output has none, as in a pipe.
  disableDefaultColors();
  return () => {
    const exitCode = process.exitCode;
    Object.assign(colors, saved.colors);
    process.stdout.write = saved.stdoutWrite;
    process.stderr.write = saved.stderrWrite;
    globalThis.console = saved.console;
    process.exit = saved.exit;
    process.exitCode = saved.exitCode;
    process.argv = saved.argv;
    replaceEnv(saved.env);
    return exitCode === undefined ? 0 : Number(exitCode);
  };
}

/**
 * Runs `work` with the process lent to a run (`borrowProcess`), and says how the run ended: a
 * process.exit during it (a wrong setting stops the run so) ends the run with that code.
 */
async function asARun(env: NodeJS.ProcessEnv, argv: string[], out: Captured, err: Captured, work: () => Promise<void>): Promise<Ended> {
  const giveBack = borrowProcess(env, argv, out, err);
  let exited: number | undefined;
  try {
    await work();
  } catch (error) {
    if (!(error instanceof ExitCalled)) throw error;
    exited = error.code;
  } finally {
    const exitCode = giveBack();
    exited ??= exitCode;
  }
  return { exitCode: exited, stdout: out.text, stderr: err.text };
}

/** `vitest run <args>` in `root` with `config`, in this process, with `env` as its whole environment. */
export function runVitestInProcess(root: string, config: string, env: NodeJS.ProcessEnv, args: string[]): Promise<Ended> {
  return inTurn(() => {
    const out = new Captured();
    const err = new Captured();
    return asARun(env, ['run', ...args], out, err, async () => {
      const { parseCLI, startVitest } = await vitestNode();
      const { filter, options } = parseCLI(['vitest', 'run', ...args]);
      await startVitest('test', filter, { config, ...options, root, run: true, watch: false }, {}, { stdout: out, stderr: err });
    });
  });
}

/** A project's global setup as Vitest keeps it: set up once per instance, unless it is forgotten. */
interface GlobalSetupState {
  _globalSetups?: unknown;
  _teardownGlobalSetup(): Promise<void>;
}

/**
 * Tears down the run's global setup and forgets it, so that the next run sets up anew, as a run
 * of its own process would: the suite's setup (src/suite/run-setup.ts) reads its target from the
 * environment then. Vitest offers no call for this; its fields are checked, so that an upgrade
 * that renames them fails here and not as a wrong target.
 */
async function forgetGlobalSetup(vitest: Vitest): Promise<void> {
  const project = vitest.getRootProject() as unknown as GlobalSetupState;
  if (!('_globalSetups' in project) || typeof project._teardownGlobalSetup !== 'function') {
    throw new Error('this Vitest keeps its global setup elsewhere: test/support/in-process.ts needs updating');
  }
  await project._teardownGlobalSetup();
  project._globalSetups = undefined;
}

/**
 * Many runs of `vitest run <args> [files]` in this process, one Vitest instance for them all: its
 * config is loaded and its modules transformed once, for the first run. Each run has its own
 * environment and global setup, and new worker threads (Vitest ends them with each run). What the
 * config itself reads from the environment (which reports, where) is the first run's, for all.
 */
export class VitestSession {
  private readonly out = new Captured();
  private readonly err = new Captured();
  private vitest: Vitest | undefined;
  /** Set by the config once it is loaded, for the workers' exchanges: every run needs it. */
  private readonly kept: NodeJS.ProcessEnv = {};

  constructor(
    private readonly root: string,
    private readonly config: string,
    private readonly args: readonly string[],
    /** Variables the config sets in process.env as it loads, kept for every later run. */
    private readonly setByConfig: readonly string[] = [],
  ) {}

  run(env: NodeJS.ProcessEnv, files: readonly string[] = []): Promise<Ended> {
    return inTurn(() => {
      this.out.text = '';
      this.err.text = '';
      const argv = ['run', ...this.args, ...files];
      // As startVitest sets them for `vitest run`, before it creates Vitest.
      const asVitestSetsIt = { TEST: 'true', VITEST: 'true', NODE_ENV: env['NODE_ENV'] ?? 'test' };
      return asARun({ ...env, ...asVitestSetsIt, ...this.kept }, argv, this.out, this.err, async () => {
        const vitest = this.vitest ?? (await this.open(argv));
        const { filter } = (await vitestNode()).parseCLI(['vitest', ...argv]);
        try {
          await vitest.runTestSpecifications(await vitest.globTestSpecifications(filter), true);
        } catch (error) {
          if (error instanceof ExitCalled) throw error;
          // As `vitest run` does (startVitest): the error is printed and the run fails.
          process.exitCode = 1;
          vitest.logger.printError(error, { fullStack: true, type: 'Unhandled Error' });
        } finally {
          await forgetGlobalSetup(vitest);
        }
      });
    });
  }

  private async open(argv: string[]): Promise<Vitest> {
    const { parseCLI, createVitest } = await vitestNode();
    const { options } = parseCLI(['vitest', ...argv]);
    const vitest = await createVitest('test', { config: this.config, ...options, root: this.root, run: true, watch: false }, {}, { stdout: this.out, stderr: this.err });
    for (const name of this.setByConfig) this.kept[name] = process.env[name];
    await vitest.standalone();
    this.vitest = vitest;
    return vitest;
  }

  close(): Promise<void> {
    return inTurn(async () => {
      await this.vitest?.close();
      this.vitest = undefined;
    });
  }
}
