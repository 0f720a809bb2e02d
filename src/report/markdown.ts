import { renderFinding } from '../diagnose/render.js';
import { toCurl } from '../diagnose/curl.js';
import { escapeControl } from '../diagnose/escape.js';
import { requestLine } from '../diagnose/describe.js';
import type { Finding } from '../checks/rule.js';
import { failedOutcomes, warnedOutcomes, type RunSummary } from './summary.js';
import { throttlingNote } from './throttling.js';
import { headline, shortFix, status, UNFINISHED_HINT, unfinishedLines } from './verdict.js';

const MARKS = { ready: '✅', blocked: '❌', unknown: '❓' } as const;

function fence(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}

/**
 * Text in a table cell or a list item. What a server sent can hold HTML (the page a proxy answered
 * with): GitHub would take it for markup and drop it, so it is escaped and shows as sent.
 */
function cell(text: string): string {
  return escapeControl(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}

function details(finding: Finding, mark: string): string {
  const lines = [
    `<details><summary>${mark} <code>${finding.code}</code> (${finding.level}): ${cell(finding.title)}${
      finding.exchange === undefined ? '' : ` · <code>${cell(requestLine(finding.exchange))}</code>`
    }</summary>`,
    '',
    `- **Got:** ${cell(finding.got)}`,
    `- **Required:** ${cell(finding.requirement)} _[${cell(finding.source)}]_`,
    `- **Fix:** ${cell(finding.fix)}`,
  ];
  if (finding.exchange !== undefined) lines.push('', fence(toCurl(finding.exchange), 'sh'));
  lines.push('', '</details>');
  return lines.join('\n');
}

/** A summary for `$GITHUB_STEP_SUMMARY`: the verdict table first, then each finding folded open. */
export function renderMarkdown(summary: RunSummary): string {
  const out = [`## SCIM conformance: ${summary.target}`, '', '| Client | Verdict |', '| --- | --- |'];
  for (const profile of summary.verdict.profiles) {
    out.push(`| ${MARKS[status(profile)]} | ${cell(headline(profile))} |`);
  }
  for (const profile of summary.verdict.profiles.filter((p) => p.blockers.length > 0)) {
    out.push('', `**${headline(profile)}**`, '');
    for (const blocker of profile.blockers) out.push(`1. \`${blocker.code}\`${blocker.count > 1 ? ` (×${blocker.count})` : ''}: ${cell(shortFix(blocker.finding.fix))}`);
  }
  if (summary.verdict.unfinished.length > 0) {
    out.push('', '### Stopped on an error, not on a finding', '', ...unfinishedLines(summary.verdict.unfinished).map((text) => `- ${cell(text)}`), '', UNFINISHED_HINT);
  }
  const failed = failedOutcomes(summary).flatMap((o) => o.findings);
  const warned = warnedOutcomes(summary).flatMap((o) => o.findings);
  if (failed.length > 0) out.push('', '### Failed checks', '', ...failed.map((f) => details(f, '❌')));
  if (warned.length > 0) out.push('', '### Warnings', '', ...warned.map((f) => details(f, '⚠️')));
  if (summary.verdict.accepted.length > 0) {
    out.push('', '### Accepted deviations', '', ...summary.verdict.accepted.map((a) => `- \`${a.code}\`: ${cell(a.reason)}`));
  }
  if (summary.verdict.stale.length > 0) {
    out.push('', '### Stale acceptances', '', ...summary.verdict.stale.map((s) => `- \`${s.code}\`: ${s.why}; remove it from the accept file`));
  }
  const throttled = throttlingNote(summary.exchanges);
  if (throttled !== undefined) out.push('', `> ${throttled}`);
  out.push('', `<sub>${summary.outcomes.length} checks, ${summary.verdict.skipped} skipped, ${summary.exchanges.length} requests</sub>`, '');
  return out.join('\n');
}

/** Plain text of all failures, for logs that do not render Markdown. */
export function renderFailuresText(summary: RunSummary): string {
  return failedOutcomes(summary)
    .flatMap((o) => o.findings)
    .map(renderFinding)
    .join('\n\n');
}
