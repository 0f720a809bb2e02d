import type { Finding } from '../checks/rule.js';
import { toCurl } from './curl.js';
import { escapeControl } from './escape.js';

function clientsOf(finding: Finding): string {
  return Object.entries(finding.requiredBy)
    .map(([client, level]) => `${client} ${level}`)
    .join(', ');
}

/**
 * The four parts every failure states, in this order: what came back, what is required and by
 * whom, the likely cause and fix, and how to reproduce it. Each part is one line: what the server
 * sent is escaped (again, should a finding not have come from `finding()`), so none can add a line.
 */
export function renderFinding(finding: Finding): string {
  const lines = [
    `${finding.code} (${finding.level}): ${escapeControl(finding.title)}`,
    `  Got:       ${escapeControl(finding.got)}`,
    `  Required:  ${escapeControl(finding.requirement)} [${escapeControl(finding.source)}; ${clientsOf(finding)}]`,
    `  Fix:       ${escapeControl(finding.fix)}`,
  ];
  if (finding.exchange !== undefined) lines.push(`  Reproduce: ${toCurl(finding.exchange)}`);
  return lines.join('\n');
}

export function renderFindings(findings: readonly Finding[]): string {
  return findings.map(renderFinding).join('\n\n');
}
