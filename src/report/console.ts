/**
 * The console reporter of a default run: Vitest's own, less what buries a conformance failure.
 * - No test is listed as it finishes: not a passing one (Vitest lists those slower than 300 ms),
 *   nor the skipped ones of a file with a failure (Vitest lists each, with its reason: a refused
 *   connection repeated its sentence 57 times). A spec file with a failure is one line.
 * - A failed check's message is its rendered finding: checks that failed with the same message (one
 *   cause) are one line with their count, and the message is shown once.
 * - The rest is Vitest's: the live summary, the counts, errors that are not findings with their
 *   stack, the console output of the spec files.
 * `--reporter=verbose` lists every check; the verdict and the reports follow either way.
 */
import type { RunnerTask as Task, RunnerTestFile as File } from 'vitest';
import { escapeControl } from '../diagnose/escape.js';
import { DefaultReporter, type TestCase, type TestModule, type TestModuleState } from 'vitest/node';

/** A check that failed, as the failure section names it. */
export interface FailedCheck {
  name: string;
  /** The spec file, relative to the root. */
  file: string;
  /** The message of its error: for a conformance failure, the rendered findings. */
  message: string;
}

/** Errors whose message is the whole diagnosis: a stack would only point into our code. */
const DIAGNOSED = new Set(['ConformanceFailure', 'RunHalted']);
/** How many of a cause's checks are named on its line. */
const NAMED_PER_CAUSE = 2;

/** Failed checks with the same message, in the order their first one failed. */
export function groupByCause(failed: readonly FailedCheck[]): FailedCheck[][] {
  const groups = new Map<string, FailedCheck[]>();
  for (const check of failed) groups.set(check.message, [...(groups.get(check.message) ?? []), check]);
  return [...groups.values()];
}

/** "2 checks failed with one cause: a, b" or "3 checks … a, b and 1 more (suites/x.spec.ts, …)". */
export function causeLine(checks: readonly FailedCheck[]): string {
  const files = [...new Set(checks.map((c) => c.file))];
  const named = checks.slice(0, NAMED_PER_CAUSE).map((c) => c.name);
  const more = checks.length - named.length;
  const list = `${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  const where = `(${files.slice(0, 2).join(', ')}${files.length > 2 ? `, ${files.length - 2} more files` : ''})`;
  return checks.length === 1 ? ` FAIL  ${list} ${where}` : ` FAIL  ${checks.length} checks, one cause: ${list} ${where}`;
}

/** The failure section: each cause once, its checks in one line, then its message. */
export function renderFailures(failed: readonly FailedCheck[]): string {
  if (failed.length === 0) return '';
  const blocks = groupByCause(failed).map((checks) => `${causeLine(checks)}\n${checks[0]?.message ?? ''}`);
  return `\n${blocks.join('\n\n')}\n`;
}

/** A spec file with failures, on one line: which, how many of its checks failed, and the first of them. */
export function moduleLine(file: string, counts: { tests: number; failed: number; skipped: number }, failedNames: readonly string[] = []): string {
  const named = failedNames.slice(0, NAMED_PER_CAUSE);
  const more = failedNames.length - named.length;
  const which = named.length === 0 ? '' : `: × ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  return ` ❯ ${file} (${counts.tests} checks: ${counts.failed} failed, ${counts.skipped} skipped)${which}`;
}

function testsOf(task: Task): Task[] {
  return task.type === 'suite' ? task.tasks.flatMap(testsOf) : [task];
}

function suitesOf(task: Task): Task[] {
  return task.type === 'suite' ? [task, ...task.tasks.flatMap(suitesOf)] : [];
}

/** An error as printed: its message may quote a server (a fault of ours on a hostile answer), escaped and redacted. */
export function shownSafely<T extends { message: string; stack?: string | undefined }>(error: T): T {
  const message = escapeControl(error.message);
  return { ...error, message, ...(error.stack === undefined ? {} : { stack: error.stack.replace(error.message, message) }) };
}

function isErrorLike(value: unknown): value is { message: string; stack?: string } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

export default class ConformanceConsoleReporter extends DefaultReporter {
  protected override printTestModule(testModule: TestModule): void {
    if (testModule.state() !== 'failed') return;
    const tests = [...testModule.children.allTests()];
    const count = (state: string) => tests.filter((t) => t.result().state === state).length;
    const failedNames = tests.filter((t) => t.result().state === 'failed').map((t) => t.name);
    this.log(moduleLine(testModule.relativeModuleId, { tests: tests.length, failed: count('failed'), skipped: count('skipped') }, failedNames));
  }

  // Each check of a failed file is named in the failure section, with its cause: none is listed here.
  protected override printTestCase(_moduleState: TestModuleState, _test: TestCase): void {}

  override reportSummary(files: File[], errors: unknown[]): void {
    const failedTests = files.flatMap(testsOf).filter((task) => task.result?.state === 'fail');
    const diagnosed = failedTests.filter((task) => (task.result?.errors ?? []).every((error) => DIAGNOSED.has(error.name ?? '')));
    const failed = diagnosed.map((task) => ({ name: task.name, file: this.relative(task.file.filepath), message: (task.result?.errors ?? []).map((e) => e.message).join('\n') }));
    const text = renderFailures(failed);
    if (text !== '') this.error(text);
    this.printUndiagnosed([...files.flatMap(suitesOf).filter((suite) => (suite.result?.errors ?? []).length > 0), ...failedTests.filter((task) => !diagnosed.includes(task))]);
    if (errors.length > 0) this.ctx.logger.printUnhandledErrors(errors.map((error) => (isErrorLike(error) ? shownSafely(error) : error)));
    this.reportTestSummary(files, errors, 0);
  }

  /** What failed on an error that is not a finding (a fault of ours, a failed hook): with Vitest's frames. */
  private printUndiagnosed(tasks: readonly Task[]): void {
    for (const task of tasks) {
      this.error(`\n FAIL  ${this.getFullName(task, ' > ')} (${this.relative(task.file.filepath)})`);
      for (const error of task.result?.errors ?? []) this.ctx.logger.printError(shownSafely(error), { project: this.ctx.getProjectByName(task.file.projectName ?? ''), task });
    }
  }
}
