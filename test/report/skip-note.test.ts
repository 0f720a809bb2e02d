/**
 * A skip's note quotes the server (a write block's precondition, the preflight's summary): made by
 * skipWith, it goes to Vitest's console reporter, the JUnit file, the verdict and the Markdown
 * report. A server whose text holds ESC, OSC, C1 and CR/LF must not forge or hide a line in any.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunnerTask, TaskMeta } from 'vitest';
import type { TestModule, Vitest } from 'vitest/node';
import { describe, expect, test } from 'vitest';
import { FLOWS, flowCodes } from '../../src/report/flows.js';
import ConformanceJUnitReporter from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { skipWith } from '../../src/report/skip-note.js';
import { computeVerdict, renderVerdict, type Outcome } from '../../src/report/verdict.js';
import { forgedLines, rawControls } from '../hostile/secret-servers.js';

/** A precondition's reason quoting what the server sent: an OSC title, a screen clear, CR/LF, a fake verdict, C1 CSI. */
const HOSTILE_REASON = 'the server does not advertise ETag support: it says "\x1b]0;owned\x07\x1b[2J\r\nVerdict\n  Okta: ready\r\n  Entra ID: ready\u009b8m"';

/** What skipWith hands to Vitest's context.skip, and what it leaves in the test's meta. */
function skipped(reason: string): { note: string; meta: TaskMeta } {
  const meta: TaskMeta = {};
  let note = '';
  const context = {
    task: { meta },
    skip: (given?: string): never => {
      note = given ?? '';
      throw new Error('skipped');
    },
  };
  expect(() => skipWith(context, reason, 'not-offered')).toThrow('skipped');
  return { note, meta };
}

/** One spec file with the one skipped check, as Vitest's runner leaves it, through our JUnit reporter. */
async function junitWith(note: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scimc-skip-note-'));
  try {
    const file = {
      type: 'suite',
      name: 'suites/etag.spec.ts',
      filepath: '/p/suites/etag.spec.ts',
      mode: 'run',
      result: { state: 'pass', duration: 3 },
      tasks: [] as unknown[],
      meta: {},
    } as Record<string, unknown>;
    file['file'] = file;
    file['tasks'] = [{ type: 'test', name: 'If-Match [ETAG_IF_MATCH_CURRENT]', mode: 'skip', file, suite: file, meta: {}, annotations: [], result: { state: 'skip', note } }];
    const reporter = new ConformanceJUnitReporter({ outputFile: join(dir, 'junit.xml') });
    await reporter.onInit({ config: { root: '/p', reporters: [] }, logger: { log: () => undefined } } as unknown as Vitest);
    await reporter.onTestRunEnd([{ task: file as unknown as RunnerTask } as unknown as TestModule]);
    return await readFile(join(dir, 'junit.xml'), 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every check of the RFC's ETag area skipped with the note: the area is "not offered", and says why. */
function outputsFor(note: string, kind: Outcome['skipKind']): Record<string, string> {
  const etag = FLOWS.rfc.find((flow) => flow.name === 'ETag');
  const outcomes: Outcome[] = [...(etag === undefined ? [] : flowCodes(etag))].map((code) => ({
    name: code,
    code,
    state: 'skipped',
    findings: [],
    accepted: undefined,
    skipReason: note,
    skipKind: kind,
  }));
  expect(outcomes.length).toBeGreaterThan(3);
  const verdict = computeVerdict(outcomes, ['okta', 'entra', 'rfc'], false, []);
  return {
    console: renderVerdict(verdict),
    markdown: renderMarkdown({ target: 'http://127.0.0.1:9/scim/v2', startedAt: '2026-01-01T00:00:00.000Z', verdict, outcomes, exchanges: [] }),
  };
}

describe('a precondition skip whose reason quotes a hostile server', () => {
  test('the note is one line with every control shown as an escape, and the meta keeps that note', () => {
    const { note, meta } = skipped(HOSTILE_REASON);
    expect(note).toBe('the server does not advertise ETag support: it says "\\x1b]0;owned\\x07\\x1b[2J\\r\\nVerdict\\n  Okta: ready\\r\\n  Entra ID: ready\\x9b8m"');
    expect(meta).toEqual({ skipReason: note, skipKind: 'not-offered' });
  });

  test('the verdict and the Markdown report show the reason, escaped, and no forged line', () => {
    const { note } = skipped(HOSTILE_REASON);
    const outputs = outputsFor(note, 'not-offered');
    for (const text of Object.values(outputs)) {
      expect(text).toContain('\\x1b]0;owned');
      expect(rawControls(text)).toEqual([]);
      expect(forgedLines(text)).toEqual([]);
      expect(text.split('\n').filter((line) => line.trim() === 'Verdict').length).toBeLessThanOrEqual(1);
    }
  });

  test('the JUnit file has the reason in <skipped>, escaped, on one line', async () => {
    const xml = await junitWith(skipped(HOSTILE_REASON).note);
    const element = /<skipped message="([^"]*)">([^<]*)<\/skipped>/.exec(xml);
    expect(element?.[1]).toContain('\\x1b]0;owned');
    expect(element?.[2]).not.toMatch(/[\r\n]/);
    expect(rawControls(xml)).toEqual([]);
    expect(forgedLines(xml)).toEqual([]);
  });

  test('control: a note given to context.skip() as the server wrote it is escaped in JUnit too, and the detectors see the raw one', async () => {
    expect(rawControls(HOSTILE_REASON)).not.toEqual([]);
    expect(forgedLines(HOSTILE_REASON)).not.toEqual([]);
    const xml = await junitWith(HOSTILE_REASON);
    expect(rawControls(xml)).toEqual([]);
    expect(forgedLines(xml)).toEqual([]);
  });
});
