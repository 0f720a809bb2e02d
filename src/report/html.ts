import { toCurl } from '../diagnose/curl.js';
import { escapeControl } from '../diagnose/escape.js';
import { requestLine } from '../diagnose/describe.js';
import type { Finding } from '../checks/rule.js';
import { failedOutcomes, warnedOutcomes, type RunSummary } from './summary.js';
import { foldBlockers } from './causes.js';
import { FLOWS, inFlow } from './flows.js';
import { flowLine, headline, PROFILE_NAMES, shortFix, status, unfinishedHint, unfinishedLines, type Outcome, type ProfileVerdict } from './verdict.js';

function escape(text: string): string {
  return escapeControl(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1d232a}
h1{font-size:1.4rem}code,pre{font:13px/1.4 ui-monospace,monospace}
pre{background:#f4f6f8;padding:.6rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.ready,.works{color:#116329}.blocked,.breaks{color:#b42318}.unknown,.partial,.not-known,.not-tested{color:#8a5300}.not-offered{color:#57606a}.warn{color:#8a5300}
details{border:1px solid #d7dde3;border-radius:6px;margin:.5rem 0;padding:.3rem .8rem}
summary{cursor:pointer}dt{font-weight:600}dd{margin:0 0 .4rem 0}
table{border-collapse:collapse}td,th{border:1px solid #d7dde3;padding:.2rem .6rem;text-align:left}`;

function findingBlock(finding: Finding, kind: 'blocked' | 'warn'): string {
  const curl = finding.exchange === undefined ? '' : `<dt>Reproduce</dt><dd><pre>${escape(toCurl(finding.exchange))}</pre></dd>`;
  const where = finding.exchange === undefined ? '' : ` <small>· ${escape(requestLine(finding.exchange))}</small>`;
  return `<details><summary class="${kind}"><code>${escape(finding.code)}</code> (${finding.level}): ${escape(finding.title)}${where}</summary><dl>
<dt>Got</dt><dd>${escape(finding.got)}</dd>
<dt>Required</dt><dd>${escape(finding.requirement)} <em>[${escape(finding.source)}]</em></dd>
<dt>Fix</dt><dd>${escape(finding.fix)}</dd>${curl}</dl></details>`;
}

/** A client's verdict, its root causes (what follows from them in one item), and each of its flows. */
function profileRow(profile: ProfileVerdict): string {
  const { causes, following } = foldBlockers(profile.blockers);
  const items = causes.map((b) => `<li><code>${escape(b.code)}</code>${b.count > 1 ? ` (×${b.count})` : ''}: ${escape(shortFix(b.finding.fix))}</li>`);
  if (following.length > 0) items.push(`<li>… and ${following.length} more that follow from it: ${following.map((b) => `<code>${escape(b.code)}</code>`).join(', ')}</li>`);
  const flows = profile.flows.map((f) => `<li class="${f.state.replace(' ', '-')}">${escape(f.name)}: ${escape(flowLine(f))}</li>`).join('');
  return `<tr><td class="${status(profile)}">${escape(headline(profile))}</td><td>${items.length === 0 ? '' : `<ol>${items.join('')}</ol>`}</td><td><ul>${flows}</ul></td></tr>`;
}

const OUTCOME_MARKS: Record<Outcome['state'], string> = { passed: '✓ passed', failed: '✗ failed', skipped: '– skipped', pending: '– not run' };
const OUTCOME_CLASSES: Record<Outcome['state'], string> = { passed: 'works', failed: 'breaks', skipped: 'not-tested', pending: 'not-tested' };

function outcomeItem(outcome: Outcome): string {
  const why = outcome.skipReason === undefined ? '' : `: ${escape(outcome.skipReason)}`;
  const warned = outcome.state === 'passed' && outcome.findings.length > 0 ? ' (with a warning)' : '';
  return `<li class="${OUTCOME_CLASSES[outcome.state]}">${OUTCOME_MARKS[outcome.state]}${warned}: ${escape(outcome.name)}${why}</li>`;
}

/**
 * Per client and flow, each check of the run that belongs to it and what became of it: a passing
 * run's page shows what was checked, not only that nothing failed.
 */
function checkedSection(summary: RunSummary): string {
  const sections = summary.verdict.profiles.map((profile) => {
    const flows = profile.flows.map((verdict) => {
      const flow = FLOWS[profile.profile].find((f) => f.name === verdict.name);
      const checks = flow === undefined ? [] : summary.outcomes.filter((o) => inFlow(flow, o));
      const passed = checks.filter((o) => o.state === 'passed').length;
      return `<details><summary class="${verdict.state.replace(' ', '-')}">${escape(verdict.name)}: ${escape(flowLine(verdict))} (${checks.length} checks, ${passed} passed)</summary><ul>${checks.map(outcomeItem).join('')}</ul></details>`;
    });
    return `<h3>${escape(PROFILE_NAMES[profile.profile])}</h3>\n${flows.join('\n')}`;
  });
  return `<h2>What was checked, per client and flow</h2>\n${sections.join('\n')}`;
}

/** One self-contained page (no scripts, no external assets) a person can open and share. */
export function renderHtml(summary: RunSummary): string {
  const rows = summary.verdict.profiles.map(profileRow).join('\n');
  const stopped = unfinishedLines(summary.verdict.unfinished)
    .map((text) => `<li>${escape(text)}</li>`)
    .join('');
  const failed = failedOutcomes(summary)
    .flatMap((o) => o.findings)
    .map((f) => findingBlock(f, 'blocked'))
    .join('\n');
  const warned = warnedOutcomes(summary)
    .flatMap((o) => o.findings)
    .map((f) => findingBlock(f, 'warn'))
    .join('\n');
  const accepted = summary.verdict.accepted.map((a) => `<li><code>${escape(a.code)}</code>: ${escape(a.reason)}</li>`).join('');
  const stale = summary.verdict.stale.map((s) => `<li><code>${escape(s.code)}</code>: ${escape(s.why)}</li>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>SCIM conformance: ${escape(summary.target)}</title><style>${STYLE}</style></head>
<body>
<h1>SCIM conformance: ${escape(summary.target)}</h1>
<p>Run started ${escape(summary.startedAt)}; ${summary.outcomes.length} checks, ${summary.verdict.skipped} skipped, ${summary.exchanges.length} requests.</p>
<table><tr><th>Verdict</th><th>Blockers, root causes first</th><th>Flows</th></tr>
${rows}
</table>
${stopped === '' ? '' : `<h2>Stopped on an error, not on a finding</h2>\n<ul>${stopped}</ul>\n<p>${escape(unfinishedHint(summary.verdict.unfinished))}</p>`}
${failed === '' ? '' : `<h2>Failed checks</h2>\n${failed}`}
${warned === '' ? '' : `<h2>Warnings</h2>\n${warned}`}
${accepted === '' ? '' : `<h2>Accepted deviations</h2><ul>${accepted}</ul>`}
${stale === '' ? '' : `<h2>Stale acceptances</h2><ul>${stale}</ul>`}
${checkedSection(summary)}
</body></html>
`;
}
