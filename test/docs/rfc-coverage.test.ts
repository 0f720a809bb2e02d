/**
 * docs/rfc-coverage.md is data: every provider statement of RFC 7643, RFC 7644 and RFC 6750 §3 with
 * the checks that judge it or the reason no answer can show it. This test keeps the table honest and
 * complete: no row without a check or a reason, no check that is not in the catalog, no row lost.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { allRules, knownCodes } from '../../src/checks/catalog.js';

const KEYWORDS = ['MUST', 'MUST NOT', 'SHALL', 'SHALL NOT', 'REQUIRED', 'SHOULD', 'SHOULD NOT', 'RECOMMENDED'];
const HEADER = '| id | section | keyword | statement | check | reason |';

interface Row {
  id: string;
  section: string;
  keyword: string;
  statement: string;
  checks: string[];
  gap: boolean;
  reason: string;
}

const doc = readFileSync(new URL('../../docs/rfc-coverage.md', import.meta.url), 'utf8');

function cells(line: string): string[] {
  return line.slice(1, -1).split('|').map((cell) => cell.trim());
}

/** The rows of the table that starts at `header`, up to the first line that is not a table row. */
function tableRows(header: string): string[][] {
  const lines = doc.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) throw new Error(`docs/rfc-coverage.md has no table with the header ${header}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(cells(line));
  }
  return rows;
}

function parseRow(raw: string[]): Row {
  const [id = '', section = '', keyword = '', statement = '', check = '', reason = ''] = raw;
  const codes = [...check.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');
  return { id, section, keyword, statement, checks: codes, gap: check === 'gap', reason };
}

const rows = tableRows(HEADER).map(parseRow);
const basisCodes = tableRows('| code | basis |').map((raw) => /`([^`]+)`/.exec(raw[0] ?? '')?.[1] ?? raw[0] ?? '');

/**
 * Every row the walk of the RFCs produced. Removing a statement from the table fails here: a row
 * leaves only with a reviewed change to this list.
 */
const PINNED_IDS = [
  '7643-2.1-a',
  '7643-2.3-a',
  '7643-2.3.5-a',
  '7643-2.3.6-a',
  '7643-2.3.7-a',
  '7643-2.3.8-a',
  '7643-2.4-a',
  '7643-2.4-b',
  '7643-2.5-a',
  '7643-3-a',
  '7643-3-b',
  '7643-3-c',
  '7643-3.1-a',
  '7643-3.1-b',
  '7643-3.1-c',
  '7643-3.1-d',
  '7643-3.1-e',
  '7643-3.1-f',
  '7643-3.1-g',
  '7643-3.1-h',
  '7643-3.1-i',
  '7643-3.1-j',
  '7643-4.1-a',
  '7643-4.1-b',
  '7643-4.1-c',
  '7643-4.1.1-a',
  '7643-4.1.1-b',
  '7643-4.1.2-a',
  '7643-4.1.2-b',
  '7643-4.2-a',
  '7643-5-a',
  '7643-5-b',
  '7643-5-c',
  '7643-5-d',
  '7643-5-e',
  '7643-5-f',
  '7643-6-a',
  '7643-6-b',
  '7643-7-a',
  '7643-7-b',
  '7643-7-c',
  '7643-7-d',
  '7643-7-e',
  '7643-7-f',
  '7643-7-g',
  '7643-7-h',
  '7643-9.2-a',
  '7643-9.4-a',
  '7644-2-a',
  '7644-2.1-a',
  '7644-3.1-a',
  '7644-3.3-a',
  '7644-3.3-b',
  '7644-3.3-c',
  '7644-3.3-d',
  '7644-3.3-e',
  '7644-3.3.1-a',
  '7644-3.4.2-a',
  '7644-3.4.2-b',
  '7644-3.4.2-c',
  '7644-3.4.2-d',
  '7644-3.4.2-e',
  '7644-3.4.2.1-a',
  '7644-3.4.2.1-b',
  '7644-3.4.2.2-a',
  '7644-3.4.2.2-b',
  '7644-3.4.2.2-c',
  '7644-3.4.2.2-d',
  '7644-3.4.2.2-e',
  '7644-3.4.2.2-f',
  '7644-3.4.2.3-a',
  '7644-3.4.2.3-b',
  '7644-3.4.2.3-c',
  '7644-3.4.2.4-a',
  '7644-3.4.2.4-b',
  '7644-3.4.2.4-c',
  '7644-3.4.2.4-d',
  '7644-3.4.2.5-a',
  '7644-3.4.2.5-b',
  '7644-3.4.2.5-c',
  '7644-3.4.3-a',
  '7644-3.4.3-b',
  '7644-3.5-a',
  '7644-3.5-b',
  '7644-3.5.1-a',
  '7644-3.5.1-b',
  '7644-3.5.1-c',
  '7644-3.5.1-d',
  '7644-3.5.1-e',
  '7644-3.5.2-a',
  '7644-3.5.2-b',
  '7644-3.5.2-c',
  '7644-3.5.2-d',
  '7644-3.5.2-e',
  '7644-3.5.2-f',
  '7644-3.5.2-g',
  '7644-3.5.2-h',
  '7644-3.5.2.1-a',
  '7644-3.5.2.1-b',
  '7644-3.5.2.1-c',
  '7644-3.5.2.1-d',
  '7644-3.5.2.2-a',
  '7644-3.5.2.2-b',
  '7644-3.5.2.2-c',
  '7644-3.5.2.3-a',
  '7644-3.5.2.3-b',
  '7644-3.5.2.3-c',
  '7644-3.5.2.3-d',
  '7644-3.5.2.3-e',
  '7644-3.6-a',
  '7644-3.6-b',
  '7644-3.6-c',
  '7644-3.6-d',
  '7644-3.7-a',
  '7644-3.7-b',
  '7644-3.7-c',
  '7644-3.7.1-a',
  '7644-3.7.2-a',
  '7644-3.7.3-a',
  '7644-3.7.4-a',
  '7644-3.7.4-b',
  '7644-3.8-a',
  '7644-3.8-b',
  '7644-3.8-c',
  '7644-3.9-a',
  '7644-3.9-b',
  '7644-3.10-a',
  '7644-3.11-a',
  '7644-3.12-a',
  '7644-3.12-b',
  '7644-3.12-c',
  '7644-3.12-d',
  '7644-3.13-a',
  '7644-3.14-a',
  '7644-3.14-b',
  '7644-3.14-c',
  '7644-4-a',
  '7644-4-b',
  '7644-4-c',
  '7644-4-d',
  '7644-4-e',
  '7644-5-a',
  '7644-6-a',
  '7644-7.2-a',
  '7644-7.2-b',
  '7644-7.3-a',
  '7644-7.4-a',
  '7644-7.4-b',
  '7644-7.5.2-a',
  '7644-7.7-a',
  '7644-7.8-a',
  '6750-2.1-a',
  '6750-3-a',
  '6750-3-b',
  '6750-3-c',
  '6750-3-d',
  '6750-3.1-a',
  '6750-3.1-b',
  '6750-3.1-c',
];

/**
 * OPEN DEBT: statements a server's answers could show but no check judges yet. Each `gap` row says
 * what a check would send. Closing one lowers this number; adding one must raise it, on purpose.
 */
const OPEN_DEBT_UNCHECKED_OBSERVABLE_STATEMENTS = 34;

describe('docs/rfc-coverage.md', () => {
  test('has every pinned row, and no row that is not pinned', () => {
    expect(rows.map((row) => row.id)).toEqual(PINNED_IDS);
  });

  test('has six cells in every row, ids unique and of the form <rfc>-<section>-<letter>', () => {
    expect(tableRows(HEADER).filter((raw) => raw.length !== 6)).toEqual([]);
    expect(rows.filter((row) => !/^(7643|7644|6750)-\d+(\.\d+)*-[a-z]+$/.test(row.id)).map((row) => row.id)).toEqual([]);
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
  });

  test('gives each row its RFC section and an RFC 2119 keyword', () => {
    const wrong = rows.filter((row) => !row.section.startsWith(`RFC ${row.id.split('-')[0] ?? ''} §`) || !KEYWORDS.includes(row.keyword));
    expect(wrong.map((row) => `${row.id}: ${row.section} ${row.keyword}`)).toEqual([]);
  });

  test('maps every statement to a check or gives the reason it cannot be observed', () => {
    const bare = rows.filter((row) => row.checks.length === 0 && row.reason === '');
    expect(bare.map((row) => row.id)).toEqual([]);
    expect(rows.filter((row) => row.statement.length < 20).map((row) => row.id)).toEqual([]);
  });

  test('names only checks of the catalog', () => {
    const known = knownCodes();
    const unknown = [...rows.flatMap((row) => row.checks), ...basisCodes].filter((code) => !known.has(code));
    expect(unknown).toEqual([]);
  });

  test('cites every rule the rfc profile judges, in the statements or in the basis table', () => {
    const cited = new Set([...rows.flatMap((row) => row.checks), ...basisCodes]);
    const uncited = allRules().filter((rule) => rule.requiredBy.rfc !== undefined && !cited.has(rule.code));
    expect(uncited.map((rule) => rule.code)).toEqual([]);
  });

  test('says for every gap what a check would need, and holds exactly the pinned open debt', () => {
    const gaps = rows.filter((row) => row.gap);
    expect(gaps.filter((row) => row.reason === '').map((row) => row.id)).toEqual([]);
    expect(gaps.length, `open debt: ${gaps.map((row) => row.id).join(', ')}`).toBe(OPEN_DEBT_UNCHECKED_OBSERVABLE_STATEMENTS);
  });
});
