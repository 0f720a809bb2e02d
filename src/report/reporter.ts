import type { Reporter, SerializedError, TestModule, TestRunEndReason, Vitest } from 'vitest/node';
import type { Target } from '../suite/target.js';

// The verdict and the reports need most of the suite's code (every rule, for the codes an accept
// file may name). Loading it before the run, or as the first spec file starts, would hold up the
// workers, whose own modules this process transforms for them; it loads once the first spec file
// is done instead, while the others run.
const loadRunEnd = () => import('./run-end.js');

/**
 * Prints the verdict after Vitest's own summary, and writes the reports asked for in SCIM_REPORTS
 * (JUnit and JSON are Vitest's own reporters, set up in vitest.config.ts).
 */
export default class ConformanceReporter implements Reporter {
  private vitest: Vitest | undefined;
  private readonly startedAt = new Date().toISOString();
  private runEnd: ReturnType<typeof loadRunEnd> | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestModuleEnd(): void {
    this.loadRunEnd();
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): Promise<void> {
    const provided = this.vitest?.getRootProject().getProvidedContext() as { target?: Target } | undefined;
    const { endRun } = await this.loadRunEnd();
    endRun({ modules, unhandledErrors, reason, target: provided?.target, startedAt: this.startedAt });
  }

  private loadRunEnd(): ReturnType<typeof loadRunEnd> {
    if (this.runEnd === undefined) {
      this.runEnd = loadRunEnd();
      // Awaited at the run's end; until then a failure must not count as unhandled.
      this.runEnd.catch(() => undefined);
    }
    return this.runEnd;
  }
}
