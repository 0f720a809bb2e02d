/**
 * docs/rfc-coverage.md is data: every provider statement of RFC 7643, RFC 7644 and RFC 6750 §2 and §3
 * with the checks that judge it or the reason none does. This test keeps the table honest and
 * complete: no row without a check or a reason, no check that is not in the catalog, no row lost.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { allRules, knownCodes } from '../../src/checks/catalog.js';

const KEYWORDS = ['MUST', 'MUST NOT', 'SHALL', 'SHALL NOT', 'REQUIRED', 'SHOULD', 'SHOULD NOT', 'RECOMMENDED'];
const HEADER = '| id | section | keyword | statement | check | reason |';
/** What a row without a check says it is (docs/rfc-coverage.md, the list above the table). */
const REASON_KINDS = ['Client obligation:', 'Not observable:', 'Not observable safely:', 'Not sent:'];

interface Row {
  id: string;
  section: string;
  keyword: string;
  statement: string;
  /** The raw check cell: backticked codes, or empty. */
  check: string;
  checks: string[];
  reason: string;
}

function cells(line: string): string[] {
  return line
    .slice(1, -1)
    .split('|')
    .map((cell) => cell.trim());
}

/** The rows of the table that starts at `header`, up to the first line that is not a table row. */
function tableRows(doc: string, header: string): string[][] {
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
  const checks = [...check.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');
  return { id, section, keyword, statement, check, checks, reason };
}

function statementRows(doc: string): Row[] {
  return tableRows(doc, HEADER).map(parseRow);
}

/**
 * Every statement the walk of the RFCs produced, with its keyword. Removing a row, adding one, or
 * weakening its keyword fails here: the table changes only with a reviewed change to this list.
 */
const PINNED_STATEMENTS = [
  '7643-2.1-a MUST',
  '7643-2.3-a SHOULD NOT',
  '7643-2.3.5-a MUST',
  '7643-2.3.6-a MUST',
  '7643-2.3.7-a MUST',
  '7643-2.3.7-b MUST',
  '7643-2.3.8-a MUST NOT',
  '7643-2.4-a MUST',
  '7643-2.4-c SHOULD',
  '7643-2.4-b SHOULD NOT',
  '7643-2.5-a SHALL',
  '7643-3-a MUST',
  '7643-3-b MUST',
  '7643-3-c MUST',
  '7643-3-d MUST NOT',
  '7643-3.1-a MUST',
  '7643-3.1-b MUST',
  '7643-3.1-c MUST',
  '7643-3.1-d MUST NOT',
  '7643-3.1-e MUST NOT',
  '7643-3.1-f MUST NOT',
  '7643-3.1-g MUST',
  '7643-3.1-h SHALL',
  '7643-3.1-i MUST',
  '7643-3.1-j MUST',
  '7643-3.1-k MUST',
  '7643-4.1.1-e REQUIRED',
  '7643-4.1.1-d MUST',
  '7643-4.1.1-c MUST',
  '7643-4.1.1-a SHALL NOT',
  '7643-4.1.1-b SHOULD',
  '7643-4.1.1-f SHOULD',
  '7643-4.1.1-g MUST',
  '7643-4.1.1-h MUST NOT',
  '7643-4.1.2-a MUST',
  '7643-4.1.2-b MUST',
  '7643-4.1.2-c MUST',
  '7643-4.1.2-d MUST',
  '7643-4.1.2-e MUST',
  '7643-4.1.2-f SHOULD',
  '7643-4.2-a REQUIRED',
  '7643-5-a REQUIRED',
  '7643-5-b REQUIRED',
  '7643-5-c REQUIRED',
  '7643-5-d REQUIRED',
  '7643-5-e REQUIRED',
  '7643-5-f REQUIRED',
  '7643-6-a REQUIRED',
  '7643-6-b MUST',
  '7643-7-a MUST',
  '7643-7-b SHOULD',
  '7643-7-c SHALL NOT',
  '7643-7-d SHALL NOT',
  '7643-7-e SHALL NOT',
  '7643-7-f REQUIRED',
  '7643-7-g SHOULD',
  '7643-7-h SHOULD',
  '7643-7-i MUST',
  '7643-7-j SHALL',
  '7643-7-k SHALL',
  '7643-9.2-a SHOULD',
  '7643-9.4-a SHOULD',
  '7644-2-a SHOULD',
  '7644-2.1-a SHOULD',
  '7644-3.1-a SHOULD',
  '7644-3.2-a SHOULD',
  '7644-3.3-a SHALL',
  '7644-3.3-b SHALL',
  '7644-3.3-c SHOULD',
  '7644-3.3-d SHALL',
  '7644-3.3-e MUST',
  '7644-3.3.1-a SHALL',
  '7644-3.4.2-a MUST',
  '7644-3.4.2-b REQUIRED',
  '7644-3.4.2-c REQUIRED',
  '7644-3.4.2-d REQUIRED',
  '7644-3.4.2-e SHALL',
  '7644-3.4.2.1-a SHALL',
  '7644-3.4.2.1-b SHALL',
  '7644-3.4.2.1-c SHALL',
  '7644-3.4.2.1-d MUST',
  '7644-3.4.2.2-a SHALL',
  '7644-3.4.2.2-b MUST',
  '7644-3.4.2.2-c SHALL',
  '7644-3.4.2.2-d MUST',
  '7644-3.4.2.2-e SHALL',
  '7644-3.4.2.2-f MUST',
  '7644-3.4.2.2-g MUST',
  '7644-3.4.2.3-a SHALL',
  '7644-3.4.2.3-b SHALL',
  '7644-3.4.2.3-c MUST',
  '7644-3.4.2.4-a SHALL',
  '7644-3.4.2.4-b SHALL',
  '7644-3.4.2.4-c MUST NOT',
  '7644-3.4.2.4-d MUST',
  '7644-3.4.2.5-a MUST',
  '7644-3.4.2.5-b SHALL',
  '7644-3.4.2.5-c MUST',
  '7644-3.4.3-a SHALL',
  '7644-3.4.3-b MUST',
  '7644-3.5-a MUST',
  '7644-3.5-b SHOULD',
  '7644-3.5.1-a MUST NOT',
  '7644-3.5.1-b SHALL',
  '7644-3.5.1-c MUST',
  '7644-3.5.1-d SHALL',
  '7644-3.5.1-e MUST',
  '7644-3.5.2-a MUST',
  '7644-3.5.2-b SHALL',
  '7644-3.5.2-c SHALL',
  '7644-3.5.2-d SHALL',
  '7644-3.5.2-e SHALL',
  '7644-3.5.2-g MUST',
  '7644-3.5.2-h MUST',
  '7644-3.5.2.1-a MUST',
  '7644-3.5.2.1-b SHOULD',
  '7644-3.5.2.1-c SHALL NOT',
  '7644-3.5.2.1-d SHALL',
  '7644-3.5.2.2-a SHALL',
  '7644-3.5.2.2-b SHALL',
  '7644-3.5.2.2-c SHALL',
  '7644-3.5.2.3-a SHALL',
  '7644-3.5.2.3-b SHALL',
  '7644-3.5.2.3-c SHALL',
  '7644-3.5.2.3-d SHALL',
  '7644-3.6-a MUST',
  '7644-3.6-b MUST',
  '7644-3.6-c SHOULD NOT',
  '7644-3.6-d SHALL',
  '7644-3.7-b MUST',
  '7644-3.7-c MUST',
  '7644-3.7.1-a MUST',
  '7644-3.7.2-a MUST',
  '7644-3.7.3-a MUST',
  '7644-3.7.3-b MUST',
  '7644-3.7.4-a MUST',
  '7644-3.7.4-b MUST',
  '7644-3.8-a MUST',
  '7644-3.8-b MUST',
  '7644-3.8-c SHOULD',
  '7644-3.9-a SHALL',
  '7644-3.9-b MUST',
  '7644-3.10-a SHOULD',
  '7644-3.11-a SHOULD',
  '7644-3.12-a MUST',
  '7644-3.12-b REQUIRED',
  '7644-3.12-c SHOULD',
  '7644-3.12-d SHOULD',
  '7644-3.13-a MUST',
  '7644-3.13-b MUST',
  '7644-3.13-c SHOULD',
  '7644-3.14-a MUST',
  '7644-3.14-b SHOULD',
  '7644-3.14-c SHOULD',
  '7644-4-a SHALL',
  '7644-4-b SHALL',
  '7644-4-c SHALL',
  '7644-4-d SHALL',
  '7644-4-e SHOULD',
  '7644-5-a MUST',
  '7644-7.2-a MUST',
  '7644-7.2-b MUST',
  '7644-7.3-a MUST',
  '7644-7.4-a MUST',
  '7644-7.4-b SHOULD',
  '7644-7.5.1-a MUST',
  '7644-7.5.2-a SHOULD',
  '7644-7.5.2-b SHOULD',
  '7644-7.6-a SHOULD',
  '7644-7.7-a SHOULD',
  '7644-7.8-a MUST',
  '6750-2.1-a MUST',
  '6750-2.3-a SHOULD',
  '6750-3-a MUST',
  '6750-3-b MUST',
  '6750-3-d SHOULD',
  '6750-3.1-a SHOULD',
  '6750-3.1-b SHOULD',
  '6750-3.1-c SHOULD',
  '6750-3.1-d SHOULD NOT',
];

/** What is wrong with the table, one line per problem; empty when it is complete and consistent. */
function tableProblems(rows: readonly Row[], known: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    if (row.checks.length === 0 && row.reason === '') problems.push(`${row.id}: neither a check nor a reason`);
    if (row.check !== '' && row.check.replace(/`[^`]+`/g, '').replace(/[,\s]/g, '') !== '') problems.push(`${row.id}: the check cell holds more than codes: ${row.check}`);
    if (row.checks.length === 0 && row.reason !== '' && !REASON_KINDS.some((kind) => row.reason.startsWith(kind))) {
      problems.push(`${row.id}: a reason without a check starts with one of ${REASON_KINDS.join(' ')}`);
    }
    for (const code of row.checks) if (!known.has(code)) problems.push(`${row.id}: ${code} is not a code of the catalog`);
  }
  return problems;
}

function pinProblems(rows: readonly Row[], pinned: readonly string[]): string[] {
  const present = rows.map((row) => `${row.id} ${row.keyword}`);
  return [
    ...pinned.filter((pin) => !present.includes(pin)).map((pin) => `pinned, but not in the table: ${pin}`),
    ...present.filter((row) => !pinned.includes(row)).map((row) => `in the table, but not pinned: ${row}`),
  ];
}

const doc = readFileSync(new URL('../../docs/rfc-coverage.md', import.meta.url), 'utf8');
const rows = statementRows(doc);
const basisCodes = tableRows(doc, '| code | basis |').map((raw) => /`([^`]+)`/.exec(raw[0] ?? '')?.[1] ?? raw[0] ?? '');

describe('docs/rfc-coverage.md', () => {
  test('has every pinned statement with its keyword, and no statement that is not pinned', () => {
    expect(pinProblems(rows, PINNED_STATEMENTS)).toEqual([]);
  });

  test('has six cells in every row, ids unique and of the form <rfc>-<section>-<letter>', () => {
    expect(tableRows(doc, HEADER).filter((raw) => raw.length !== 6)).toEqual([]);
    expect(rows.filter((row) => !/^(7643|7644|6750)-\d+(\.\d+)*-[a-z]+$/.test(row.id)).map((row) => row.id)).toEqual([]);
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
  });

  test('gives each row the RFC section its id names and an RFC 2119 keyword', () => {
    const wrong = rows.filter((row) => {
      const [rfc = '', section = ''] = row.id.split('-');
      return !row.section.startsWith(`RFC ${rfc} §${section}`) || !KEYWORDS.includes(row.keyword);
    });
    expect(wrong.map((row) => `${row.id}: ${row.section} ${row.keyword}`)).toEqual([]);
  });

  test('maps every statement to catalog checks or to a reason that says what kind it is', () => {
    expect(tableProblems(rows, knownCodes())).toEqual([]);
    expect(rows.filter((row) => row.statement.length < 20).map((row) => row.id)).toEqual([]);
  });

  test('names only codes of the catalog in the basis table', () => {
    const known = knownCodes();
    expect(basisCodes.filter((code) => !known.has(code))).toEqual([]);
  });

  test('cites every rule the rfc profile judges, in the statements or in the basis table', () => {
    const cited = new Set([...rows.flatMap((row) => row.checks), ...basisCodes]);
    const uncited = allRules().filter((rule) => rule.requiredBy.rfc !== undefined && !cited.has(rule.code));
    expect(uncited.map((rule) => rule.code)).toEqual([]);
  });
});

describe('the coverage test itself fails on a broken table', () => {
  const known = new Set(['A_CODE']);
  const row = (change: Partial<Row>): Row => ({
    id: '7644-3.6-a',
    section: 'RFC 7644 §3.6',
    keyword: 'MUST',
    statement: 'a statement long enough',
    check: '`A_CODE`',
    checks: ['A_CODE'],
    reason: '',
    ...change,
  });

  test('a row with neither a check nor a reason', () => {
    expect(tableProblems([row({ check: '', checks: [] })], known)).toEqual(['7644-3.6-a: neither a check nor a reason']);
  });

  test('a check code the catalog does not have, and a "gap" or other word in the check cell', () => {
    expect(tableProblems([row({ check: '`NO_SUCH_CODE`', checks: ['NO_SUCH_CODE'] })], known)).toEqual(['7644-3.6-a: NO_SUCH_CODE is not a code of the catalog']);
    expect(tableProblems([row({ check: 'gap', checks: [], reason: 'Not sent: a DELETE' })], known)).toEqual(['7644-3.6-a: the check cell holds more than codes: gap']);
  });

  test('a reason without a check that does not say what kind it is', () => {
    expect(tableProblems([row({ check: '', checks: [], reason: 'not checked yet' })], known)).toEqual([
      `7644-3.6-a: a reason without a check starts with one of ${REASON_KINDS.join(' ')}`,
    ]);
  });

  test('a removed row, an added row and a weakened keyword', () => {
    // A table exactly as pinned, so that this case does not depend on the state of the document.
    const table = PINNED_STATEMENTS.map((pin) => {
      const [id = '', ...keyword] = pin.split(' ');
      return row({ id, keyword: keyword.join(' ') });
    });
    const [removed, ...rest] = table;
    expect(pinProblems(rest, PINNED_STATEMENTS)).toEqual([`pinned, but not in the table: ${removed?.id ?? ''} ${removed?.keyword ?? ''}`]);
    expect(pinProblems([...table, row({ id: '7644-3.6-z' })], PINNED_STATEMENTS)).toEqual(['in the table, but not pinned: 7644-3.6-z MUST']);
    const weakened = table.map((each) => (each.id === '7644-3.6-b' ? { ...each, keyword: 'SHOULD' } : each));
    expect(pinProblems(weakened, PINNED_STATEMENTS)).toEqual(['pinned, but not in the table: 7644-3.6-b MUST', 'in the table, but not pinned: 7644-3.6-b SHOULD']);
  });
});
