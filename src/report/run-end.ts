import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { SerializedError, TestModule, TestRunEndReason } from 'vitest/node';
import { loadAcceptances } from '../accept.js';
import { loadJudgingConfig } from '../config.js';
import { toolErrorCode } from '../checks/tool-errors.js';
import type { Target } from '../suite/target.js';
import { escapeControl } from '../diagnose/escape.js';
import { safeUrl } from '../http/redact.js';
import { EXCHANGE_DIR_ENV, readExchanges } from './exchange-log.js';
import { readLeftovers, renderLeftovers } from './leftovers.js';
import { renderHar } from './har.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { throttlingNote } from './throttling.js';
import { loadReportOptions, reportPath, type ReportKind } from './options.js';
import type { RunSummary } from './summary.js';
import { computeVerdict, renderVerdict, skipKindOf, type Outcome, type Unfinished } from './verdict.js';

/** `TypeError: Cannot read …`: enough to recognise the error; the stack is Vitest's to print. */
function firstLine(error: SerializedError | undefined): string {
  if (error === undefined) return 'an error without a message';
  const message = error.message.split('\n')[0] ?? '';
  return error.name === undefined || error.name === 'Error' || message.startsWith(error.name) ? message : `${error.name}: ${message}`;
}

function outcomesOf(modules: ReadonlyArray<TestModule>): Outcome[] {
  // Workers finish in any order; the reports list spec files in a stable one.
  const ordered = [...modules].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  return ordered.flatMap((module) =>
    [...module.children.allTests()].map((test) => {
      const meta = test.meta();
      const result = test.result();
      const findings = meta.findings ?? [];
      return {
        name: test.fullName,
        code: meta.code,
        state: result.state,
        findings,
        accepted: meta.accepted,
        skipReason: result.state === 'skipped' && result.note !== undefined ? escapeControl(result.note) : undefined,
        skipKind: result.state === 'skipped' ? (meta.skipKind ?? skipKindOf(result.note)) : undefined,
        // A failed check without findings stopped on an error: the verdict must not call that a pass.
        error: result.state === 'failed' && findings.length === 0 ? escapeControl(firstLine(result.errors[0])) : undefined,
        errorCode: result.state === 'failed' && findings.length === 0 ? toolErrorCode(result.errors[0]) : undefined,
      };
    }),
  );
}

/** Errors outside any check: a spec file that could not load, a failed hook (cleanup), an unhandled rejection. */
function outsideChecks(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): Unfinished[] {
  const ofModules = modules.flatMap((module) =>
    [module, ...module.children.allSuites()].flatMap((suite) =>
      suite.errors().map((error) => ({ where: module.relativeModuleId, error: escapeControl(firstLine(error)), code: toolErrorCode(error), profiles: 'all' as const })),
    ),
  );
  return [...ofModules, ...unhandled.map((error) => ({ where: 'the run', error: escapeControl(firstLine(error)), code: toolErrorCode(error), profiles: 'all' as const }))];
}

export interface RunEnd {
  modules: ReadonlyArray<TestModule>;
  unhandledErrors: ReadonlyArray<SerializedError>;
  /** Vitest's word for a run cut short by --bail or a cancel. */
  reason: TestRunEndReason;
  /** What the global setup provided: the target, unless it failed before that. */
  target: Target | undefined;
  startedAt: string;
  /** A shard (--shard) gives no verdict: only the merge of every shard's blob report does. */
  part: RunPart;
  /** stdout, or stderr when a reporter writes its file to stdout (src/report/streams.ts). */
  out: NodeJS.WritableStream;
}

/** A shard, or a watch-mode rerun of some spec files only: partial runs, judged by no verdict. */
export type RunPart = 'whole' | 'merged' | { shard: { index: number; count: number } } | { rerun: { ran: number; of: number } };

/** True when not one check passed or failed: every one was filtered out (-t) or skipped. */
export function noCheckRan(outcomes: readonly Outcome[]): boolean {
  return !outcomes.some((outcome) => outcome.state === 'passed' || outcome.state === 'failed');
}

export const NO_CHECK_RAN = 'scim-conformance: no check ran (a -t or file filter matched none, or every check was skipped), so nothing was tested.';

export function partialRunNote(part: Exclude<RunPart, 'whole' | 'merged'>): string {
  if ('rerun' in part) {
    return `scim-conformance: this rerun ran ${part.rerun.ran} of ${part.rerun.of} spec files, a partial run: no verdict for any client. Press a to rerun them all for the verdict.`;
  }
  const { index, count } = part.shard;
  return `scim-conformance: shard ${index}/${count} is a partial run: no verdict for any client. Run every shard with --reporter=blob, then merge their reports with --merge-reports for the verdict and the reports.`;
}

/**
 * Prints the verdict after Vitest's own summary and writes the reports asked for in SCIM_REPORTS;
 * a shard prints only that it is partial. `nothingTested`: not one check ran, the run must fail.
 */
export function endRun({ modules, unhandledErrors, reason, target, startedAt, part, out }: RunEnd): { nothingTested: boolean } {
  const config = loadJudgingConfig(process.env);
  const outcomes = outcomesOf(modules);
  const nothingTested = noCheckRan(outcomes);
  if (typeof part === 'object') {
    out.write(`\n${partialRunNote(part)}\n${nothingTested ? `${NO_CHECK_RAN}\n` : ''}`);
    const exchangeDir = process.env[EXCHANGE_DIR_ENV];
    if (exchangeDir) rmSync(exchangeDir, { recursive: true, force: true });
    return { nothingTested };
  }
  const verdict = computeVerdict(outcomes, target?.profiles ?? config.profiles, target?.strict ?? config.strict, loadAcceptances(process.env), {
    outside: outsideChecks(modules, unhandledErrors),
    stoppedEarly: reason === 'interrupted',
  });
  const exchangeDir = process.env[EXCHANGE_DIR_ENV];
  const exchanges = exchangeDir ? readExchanges(exchangeDir) : [];
  const leftovers = exchangeDir ? readLeftovers(exchangeDir) : [];
  if (exchangeDir) rmSync(exchangeDir, { recursive: true, force: true });
  const throttled = throttlingNote(exchanges);
  out.write(`\n${renderVerdict(verdict)}\n${throttled === undefined ? '' : `  note: ${throttled}\n`}`);
  out.write(renderLeftovers(leftovers));
  const summary: RunSummary = {
    target: target === undefined ? 'no target' : target.bundled ? `${target.baseUrl} (bundled reference server)` : safeUrl(target.baseUrl),
    startedAt,
    verdict,
    outcomes,
    exchanges,
    leftovers,
  };
  writeReports(summary, out);
  // Last, where a CI log ends: a run that tested nothing must not pass as a green gate.
  if (nothingTested) out.write(`${NO_CHECK_RAN}\n`);
  return { nothingTested };
}

function writeReports(summary: RunSummary, out: NodeJS.WritableStream): void {
  const options = loadReportOptions(process.env);
  // The Markdown report and GitHub's step summary are the same text: rendered once for both.
  let markdown: string | undefined;
  const renderedMarkdown = () => (markdown ??= renderMarkdown(summary));
  const renderers: Partial<Record<ReportKind, () => string>> = {
    markdown: renderedMarkdown,
    html: () => renderHtml(summary),
    har: () => renderHar(summary.exchanges),
  };
  const written: string[] = [];
  for (const kind of options.kinds) {
    const render = renderers[kind];
    if (render === undefined) continue;
    mkdirSync(options.dir, { recursive: true });
    writeFileSync(reportPath(options, kind), render());
    written.push(reportPath(options, kind));
  }
  if (options.githubSummary !== undefined) appendFileSync(options.githubSummary, renderedMarkdown());
  if (written.length > 0) out.write(`Reports: ${written.join(', ')}\n`);
}
