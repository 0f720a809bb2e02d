/**
 * A suite run inside this process, through Vitest's Node API, as `npx vitest run` would make it in a
 * child: the same config (vitest.config.ts), the same environment, argv and output streams. A child
 * process costs a Node start, a Vitest import and a config load before the first check; in-process,
 * a run of a small gallery server is its checks alone.
 *
 * The suite's config and setup read process.env and process.argv, and its reporters write to
 * process.stdout: a run borrows them for its duration, so runs in one process take turns
 * (`inTurn`). Each test file of ours is its own worker, so files still run side by side.
 */
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import colors, { disableDefaultColors } from 'tinyrainbow';

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
 * `vitest run <args>` in `root` with `config`, in this process, with `env` as its whole environment.
 * A process.exit during it (a wrong setting stops the run so) ends the run with that code.
 */
export function runVitestInProcess(root: string, config: string, env: NodeJS.ProcessEnv, args: string[]): Promise<Ended> {
  return inTurn(async () => {
    const out = new Captured();
    const err = new Captured();
    const giveBack = borrowProcess(env, ['run', ...args], out, err);
    let exited: number | undefined;
    try {
      const { parseCLI, startVitest } = await vitestNode();
      const { filter, options } = parseCLI(['vitest', 'run', ...args]);
      await startVitest('test', filter, { config, ...options, root, run: true, watch: false }, {}, { stdout: out, stderr: err });
    } catch (error) {
      if (!(error instanceof ExitCalled)) throw error;
      exited = error.code;
    } finally {
      const exitCode = giveBack();
      exited ??= exitCode;
    }
    return { exitCode: exited, stdout: out.text, stderr: err.text };
  });
}
