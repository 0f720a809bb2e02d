/**
 * `npm run docs`: writes the rule tables of docs/coverage-read.md and docs/coverage-write.md from the
 * catalog (src/checks/catalog.ts), between the markers below; the prose around them is written by
 * hand. `npm run docs -- --check` only says whether they are stale, as test/checks/catalog.test.ts does.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RULE_AREAS, type CoverageDoc, type RuleArea } from '../src/checks/catalog.js';
import { LEVELS, type Rule } from '../src/checks/rule.js';
import { CLIENTS } from '../src/config.js';

export const COVERAGE_DOCS: Record<CoverageDoc, string> = { read: 'docs/coverage-read.md', write: 'docs/coverage-write.md' };

export const BEGIN = '<!-- Generated from src/checks/catalog.ts by `npm run docs`: edit the rules there, not here. -->';
export const END = '<!-- End of the generated rules. -->';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** "all MUST", or "okta, entra MUST; rfc SHOULD": the clients at each level, strongest first. */
export function whoNeeds(requiredBy: Rule['requiredBy']): string {
  const named = CLIENTS.filter((client) => requiredBy[client] !== undefined);
  const byLevel = LEVELS.map((level) => ({ level, clients: named.filter((client) => requiredBy[client] === level) })).filter((entry) => entry.clients.length > 0);
  if (byLevel.length === 1 && named.length === CLIENTS.length) return `all ${byLevel[0]?.level ?? ''}`;
  return byLevel.map(({ level, clients }) => `${clients.join(', ')} ${level}`).join('; ');
}

/** A table cell: a pipe would end the cell, a line break the row. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function areaTable(area: RuleArea): string[] {
  const rows = Object.values(area.rules).map((rule) => `| ${rule.code} | ${whoNeeds(rule.requiredBy)} | ${cell(rule.title)} | ${cell(rule.source)} |`);
  return [`### ${area.title} (\`src/${area.module}\`)`, '', '| code | who | behaviour | source |', '| --- | --- | --- | --- |', ...rows];
}

/** The generated part of one doc, markers included: one table per area of rules the doc covers. */
export function renderRules(doc: CoverageDoc): string {
  const areas = Object.values(RULE_AREAS).filter((area) => area.doc === doc);
  return [BEGIN, '', ...areas.flatMap((area) => [...areaTable(area), '']), END].join('\n');
}

/** The doc with its generated part replaced by the catalog's; the hand-written text is kept as it is. */
export function withGeneratedRules(text: string, doc: CoverageDoc): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start === -1 || end < start) throw new Error(`${COVERAGE_DOCS[doc]} has no generated part: put the lines ${BEGIN} and ${END} where the rule tables belong`);
  return `${text.slice(0, start)}${renderRules(doc)}${text.slice(end + END.length)}`;
}

export function readDoc(doc: CoverageDoc): string {
  return readFileSync(`${PROJECT_ROOT}/${COVERAGE_DOCS[doc]}`, 'utf8');
}

function main(check: boolean): number {
  const stale: string[] = [];
  for (const doc of Object.keys(COVERAGE_DOCS) as CoverageDoc[]) {
    const text = readDoc(doc);
    const fresh = withGeneratedRules(text, doc);
    if (fresh === text) continue;
    stale.push(COVERAGE_DOCS[doc]);
    if (!check) writeFileSync(`${PROJECT_ROOT}/${COVERAGE_DOCS[doc]}`, fresh);
  }
  if (stale.length === 0) console.log('the coverage docs list the catalog as it is');
  else if (check) console.error(`stale: ${stale.join(', ')} (run npm run docs)`);
  else console.log(`rewrote the rule tables of ${stale.join(', ')}`);
  return check && stale.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.includes('--check'));
