/**
 * Determinism on the calibration servers (docs/real-servers.md), by hand, not part of `npm test`:
 * `npx tsx test/real-servers/calibrate.ts [runs]` starts each server once, runs the suite against it
 * `runs` times read-only (default 5), then `runs` times with SCIM_WRITE=true, and compares every
 * run with the first of its mode check for check: each test's status and its finding codes. It
 * prints one table row per server and mode, each difference it saw, and each run's verdict flows.
 * Exit code 1 when any run differs.
 */
import { runSuites, type SuiteRun } from '../support/run-suite.js';
import { startBetterAuth } from './better-auth.js';
import { startScimmy, type RealServer } from './scimmy.js';

type Mode = 'read-only' | 'write';

/** One line per test: its name, status and finding codes; what "identical" compares. */
export function fingerprint(run: SuiteRun): Map<string, string> {
  return new Map(run.tests.map((test) => [test.name, `${test.status} ${[...new Set(test.findings.map((f) => f.code))].sort().join(',')}`.trim()]));
}

/** The tests whose line differs between two runs, as "name: first → other". */
export function differences(first: Map<string, string>, other: Map<string, string>): string[] {
  const names = [...new Set([...first.keys(), ...other.keys()])].sort();
  return names.filter((name) => first.get(name) !== other.get(name)).map((name) => `${name}: ${first.get(name) ?? 'absent'} → ${other.get(name) ?? 'absent'}`);
}

/** The verdict's flow lines, for the document. */
function flowLines(run: SuiteRun): string[] {
  const output = `${run.stdout}\n${run.stderr}`;
  const verdict = output.slice(output.lastIndexOf('\nVerdict\n') + 1).split('\n');
  // Each client's headline and its flows; the skip reasons and the findings' details come after.
  return verdict.filter((line) => /^ {2}(Okta|Entra ID|RFC 7643\/7644):/.test(line) || /^ {6}[✓✗–○?] /.test(line));
}

async function calibrate(server: RealServer, mode: Mode, runs: number): Promise<{ row: string; notes: string[] }> {
  const env = { SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: server.token, ...(mode === 'write' ? { SCIM_WRITE: 'true' } : {}) };
  const results: SuiteRun[] = [];
  for (let index = 0; index < runs; index += 1) results.push(await runSuites(env));
  const [first, ...rest] = results.map(fingerprint);
  const notes: string[] = [];
  let identical = 1;
  rest.forEach((other, index) => {
    const diff = first === undefined ? ['no first run'] : differences(first, other);
    if (diff.length === 0) identical += 1;
    else notes.push(...diff.map((line) => `run ${index + 2}: ${line}`));
  });
  const findings = [...new Set(results[0]?.findings.map((f) => f.code))].sort();
  const row = `| ${server.name} | ${mode} | ${identical}/${runs} identical | ${results[0]?.tests.length ?? 0} tests | ${findings.map((code) => `\`${code}\``).join(', ')} |`;
  const verdict = results[0] === undefined ? [] : flowLines(results[0]);
  return { row, notes: [...notes, `verdict of run 1 (${server.name}, ${mode}):`, ...verdict] };
}

async function main(): Promise<number> {
  const runs = Number(process.argv[2] ?? 5);
  const rows: string[] = ['| server | mode | runs | tests a run | findings |', '| --- | --- | --- | --- | --- |'];
  const notes: string[] = [];
  for (const start of [startScimmy, startBetterAuth]) {
    const server = await start();
    try {
      // Read-only first: a read-only run pages over the whole store, and must not see write runs' users.
      for (const mode of ['read-only', 'write'] as const) {
        const result = await calibrate(server, mode, runs);
        rows.push(result.row);
        notes.push(...result.notes);
        process.stderr.write(`${result.row}\n`);
      }
    } finally {
      await server.close();
    }
  }
  process.stdout.write(`${rows.join('\n')}\n\n${notes.join('\n')}\n`);
  return rows.some((row) => !row.includes(`${runs}/${runs} identical`) && row.startsWith('| ') && !row.startsWith('| server') && !row.startsWith('| ---')) ? 1 : 0;
}

if (process.argv[1]?.endsWith('calibrate.ts') === true) process.exitCode = await main();
