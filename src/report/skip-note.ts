/**
 * A skipped check's note reaches Vitest's console reporter, the JUnit `<skipped>` element, the
 * Markdown and HTML reports and the verdict. It often quotes the server (a precondition's reason,
 * the preflight's summary), so every note is made here, through the one escapeControl: no secret,
 * no control character, no line break of the server's can reach any of them.
 */
import type { TaskMeta } from 'vitest';
import { escapeControl } from '../diagnose/escape.js';
import type { SkipKind } from './verdict.js';

declare module 'vitest' {
  interface TaskMeta {
    /** Why a check was skipped, when it was skipped for a reason the run reports as a group. */
    skipReason?: string;
    /** What kind of reason that is: the verdict tells a flow not tested from one not offered by it. */
    skipKind?: SkipKind;
  }
}

/** What of Vitest's test context a skip needs. */
export interface SkippableContext {
  task: { meta: TaskMeta };
  skip(note?: string): never;
}

/** The note a skip shows: one line, safe for every output. */
export function skipNote(reason: string): string {
  return escapeControl(reason);
}

/**
 * Skips the test with the reason as its note. With a kind, the reason is also kept in the meta, for
 * the verdict to tell a flow not tested from one not offered.
 */
export function skipWith(context: SkippableContext, reason: string, kind?: SkipKind): never {
  const note = skipNote(reason);
  if (kind !== undefined) {
    context.task.meta.skipReason = note;
    context.task.meta.skipKind = kind;
  }
  return context.skip(note);
}
