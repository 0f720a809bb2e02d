/**
 * Vitest's JUnit reporter, with what CI test tabs show added to each test case:
 * - a skip's reason, as `<skipped message="…">…</skipped>`: Jenkins shows the message, GitLab the
 *   element's text (Vitest writes a bare `<skipped/>`);
 * - a warning, notice or accepted deviation, in `<system-out>`: Jenkins and Azure DevOps show it as
 *   the test's standard output (Vitest writes it only as a `<property>`, which no tab shows; the
 *   property stays, for scripts).
 * Used for SCIM_REPORTS=junit and for a user's own `--reporter=junit` (vitest.config.ts).
 */
import type { RunnerTask } from 'vitest';
import { JUnitReporter, type JUnitOptions, type Vitest } from 'vitest/node';
import { skipNote } from './skip-note.js';
import { noticesToOurOutput, writesToFile } from './streams.js';

/** C0 controls but tab and line breaks (which XML 1.0 forbids), DEL and C1 (which a terminal obeys), U+FFFE/FFFF. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;

/** XML 1.0 text or attribute value: the five entities, and no control character XML forbids. */
export function xmlText(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(FORBIDDEN_IN_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The lines Vitest's reporter leaves out for one test case; empty when it leaves nothing out. */
export function extraLines(task: RunnerTask): string[] {
  const lines: string[] = [];
  const reason = skipReason(task);
  if (reason !== undefined) lines.push(`<skipped message="${xmlText(reason)}">${xmlText(reason)}</skipped>`);
  const annotations = task.type === 'test' ? task.annotations : [];
  if (annotations.length > 0) {
    const text = annotations.map((a) => `${a.type}: ${a.message}`).join('\n\n');
    lines.push(`<system-out>${xmlText(text)}</system-out>`);
  }
  return lines;
}

function skipReason(task: RunnerTask): string | undefined {
  if (task.mode !== 'skip' && task.mode !== 'todo') return undefined;
  // Vitest keeps the reason given to context.skip() in result.note; its types do not list it.
  const note = (task.result as { note?: string } | undefined)?.note;
  // Escaped again here: a note from a context.skip() not made by skipWith must not break a line either.
  return note === undefined ? (task.mode === 'todo' ? 'todo' : 'skipped') : skipNote(note);
}

interface Logger {
  log(text: string): Promise<void>;
}

export default class ConformanceJUnitReporter extends JUnitReporter {
  /** What to add inside the next `<testcase>` element Vitest's reporter writes. */
  private pending: string[] = [];
  private readonly ownOptions: JUnitOptions;

  constructor(options: JUnitOptions) {
    super(options);
    this.ownOptions = options;
  }

  /** Writing to a file, its "report written to" line goes where the verdict goes (src/report/streams.ts). */
  override onInit(vitest: Vitest): Promise<void> {
    return super.onInit(writesToFile('junit', this.ownOptions, vitest.config) ? noticesToOurOutput(vitest) : vitest);
  }

  override async writeTasks(tasks: RunnerTask[], filename: string): Promise<void> {
    for (const task of tasks) {
      const skipped = skipReason(task) !== undefined;
      const mode = task.mode;
      this.pending = extraLines(task);
      // Vitest writes a bare <skipped/> for a task in skip mode: ours, with the reason, replaces it.
      if (skipped) task.mode = 'run';
      try {
        await super.writeTasks([task], filename);
      } finally {
        task.mode = mode;
        this.pending = [];
      }
    }
  }

  override async writeElement(name: string, attrs: Record<string, unknown>, children: () => Promise<void>): Promise<void> {
    const extra = name === 'testcase' ? this.pending : [];
    this.pending = [];
    if (extra.length === 0) return super.writeElement(name, attrs, children);
    // Vitest's logger keeps the indentation; it is private in its types, not in its code.
    const logger = (this as unknown as { logger: Logger }).logger;
    return super.writeElement(name, attrs, async () => {
      for (const line of extra) await logger.log(line);
      await children.call(this);
    });
  }
}
