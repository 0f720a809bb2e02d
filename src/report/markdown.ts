import { LEFTOVERS_HEADING, leftoverLines } from './leftovers.js';
import { renderFinding } from '../diagnose/render.js';
import { toCurl } from '../diagnose/curl.js';
import { escapeControl } from '../diagnose/escape.js';
import { requestLine } from '../diagnose/describe.js';
import type { Finding } from '../checks/rule.js';
import { failedOutcomes, warnedOutcomes, type RunSummary } from './summary.js';
import { throttlingNote } from './throttling.js';
import { foldBlockers } from './causes.js';
import { flowLine, headline, PROFILE_NAMES, shortFix, status, unfinishedHint, unfinishedLines, type FlowVerdict, type ProfileStatus, type ProfileVerdict } from './verdict.js';

/** Only a client, or a flow, that ran and passed gets a tick: a partial or untested one never does. */
const MARKS: Record<ProfileStatus, string> = { ready: '✅', partial: '➖', blocked: '❌', unknown: '❓' };
const FLOW_MARKS: Record<FlowVerdict['state'], string> = { works: '✅', breaks: '❌', 'not tested': '➖', 'not offered': '⚪', 'not known': '❓' };

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

/** A client's blockers (its root causes, what follows from them in one line), then a table of its flows. */
function profileSection(profile: ProfileVerdict): string[] {
  const out = ['', `**${cell(headline(profile))}**`, ''];
  const { causes, following } = foldBlockers(profile.blockers);
  for (const blocker of causes) out.push(`1. \`${blocker.code}\`${blocker.count > 1 ? ` (×${blocker.count})` : ''}: ${cell(shortFix(blocker.finding.fix))}`);
  if (following.length > 0) out.push('', `… and ${following.length} more that follow from it: ${following.map((b) => `\`${b.code}\``).join(', ')}`);
  if (causes.length > 0) out.push('');
  out.push(`| | ${PROFILE_NAMES[profile.profile]} ${profile.profile === 'rfc' ? 'area' : 'flow'} | State |`, '| --- | --- | --- |');
  for (const flow of profile.flows) out.push(`| ${FLOW_MARKS[flow.state]} | ${cell(flow.name)} | ${cell(flowLine(flow))} |`);
  return out;
}

/** A summary for `$GITHUB_STEP_SUMMARY`: the verdict table first, then each finding folded open. */
export function renderMarkdown(summary: RunSummary): string {
  const out = [`## SCIM conformance: ${summary.target}`, '', '| Client | Verdict |', '| --- | --- |'];
  for (const profile of summary.verdict.profiles) {
    out.push(`| ${MARKS[status(profile)]} | ${cell(headline(profile))} |`);
  }
  for (const profile of summary.verdict.profiles) out.push(...profileSection(profile));
  if (summary.verdict.unfinished.length > 0) {
    out.push(
      '',
      '### Stopped on an error, not on a finding',
      '',
      ...unfinishedLines(summary.verdict.unfinished).map((text) => `- ${cell(text)}`),
      '',
      unfinishedHint(summary.verdict.unfinished),
    );
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
  const leftovers = leftoverLines(summary.leftovers ?? []);
  if (leftovers.length > 0) out.push('', `### ${LEFTOVERS_HEADING}`, '', ...leftovers.map((line) => `- ${cell(line)}`));
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
