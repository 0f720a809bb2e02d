/**
 * What only a real run shows, against a server with known blockers: two shards give no verdict, the
 * merge of their blob reports gives the full verdict and the reports (the user's own JSON file
 * among them), and `--project okta --reporter=junit` gives a valid JUnit file on stdout with the
 * banner and an Okta-only verdict on stderr. Four child runs, two at a time.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { gallery, GALLERY_TOKEN, type RunningServer } from '../servers/gallery.js';
import { runSuites, verdictBlockers, type SuiteRun } from '../support/run-suite.js';

const BROKEN = 'numbers-as-strings';
const expected = gallery.find((server) => server.name === BROKEN)?.expected ?? [];

let dir: string;
let server: RunningServer | undefined;
let shards: SuiteRun[];
let merged: SuiteRun;
let okta: SuiteRun;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimc-gate-'));
  server = await gallery.find((s) => s.name === BROKEN)?.start();
  if (server === undefined) throw new Error(`no gallery server ${BROKEN}`);
  const env = { SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: GALLERY_TOKEN };
  const blobs = join(dir, 'blobs');
  shards = await Promise.all(
    [1, 2].map((index) =>
      runSuites({ ...env, SCIM_REPORT_DIR: join(dir, `shard-${index}`) }, [`--shard=${index}/2`, '--reporter=blob', `--outputFile.blob=${join(blobs, `blob-${index}.json`)}`]),
    ),
  );
  [merged, okta] = await Promise.all([
    // The merge job of a CI pipeline: no server is tested.
    runSuites({ SCIM_REPORTS: 'html', SCIM_REPORT_DIR: join(dir, 'merged') }, [`--merge-reports=${blobs}`, '--reporter=json', `--outputFile.json=${join(dir, 'users-own.json')}`]),
    runSuites({ ...env, SCIM_REPORT_DIR: join(dir, 'okta') }, ['--project', 'okta', '--reporter=junit']),
  ]);
}, 240_000);

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('two shards', () => {
  test('each says it is partial and gives no verdict for any client', () => {
    shards.forEach((shard, at) => {
      expect(shard.stdout).toContain(`shard ${at + 1}/2 is a partial run: no verdict for any client`);
      expect(shard.stdout).not.toContain('Verdict');
      expect(shard.stdout).not.toMatch(/(Okta|Entra ID|RFC 7643\/7644): (ready|\d+ blocker)/);
    });
  });

  test('between them ran every check, and found the blockers', () => {
    expect(shards.every((shard) => shard.tests.length > 0)).toBe(true);
    expect(shards.flatMap((shard) => shard.failedCodes)).toEqual(expect.arrayContaining(expected));
  });
});

describe('--merge-reports of the shards', () => {
  test('gives the full verdict, with the blockers of both shards, and fails', () => {
    expect(merged.stderr).not.toContain('endRun is not a function');
    expect(merged.stdout).toContain('\nVerdict\n');
    expect(verdictBlockers(merged)).toEqual(expect.arrayContaining(expected));
    expect(merged.stdout).toMatch(/Okta: \d+ blockers?/);
    expect(merged.exitCode).toBe(1);
  });

  test("writes the reports SCIM_REPORTS asks for, and the user's own --reporter=json file alongside", async () => {
    expect(merged.tests.length).toBe(shards[0]!.tests.length + shards[1]!.tests.length);
    expect(existsSync(join(dir, 'merged', 'report.html'))).toBe(true);
    const own = JSON.parse(await readFile(join(dir, 'users-own.json'), 'utf8')) as { numTotalTests: number };
    expect(own.numTotalTests).toBe(merged.tests.length);
  });
});

describe('--project okta --reporter=junit', () => {
  test('writes only the JUnit file to stdout', () => {
    const xml = okta.stdout.trim();
    expect(xml.startsWith('<?xml')).toBe(true);
    expect(xml.endsWith('</testsuites>')).toBe(true);
    expect(xml).not.toContain('scim-conformance:');
    expect(xml).toContain('<skipped message="not required by the selected profiles (okta)">');
  });

  test('prints the banner and a verdict for Okta alone on stderr, and fails on its blockers', () => {
    expect(okta.stderr).toContain('scim-conformance: testing');
    expect(okta.stderr).toContain('profiles: okta;');
    expect(okta.stderr).toMatch(/Verdict\n {2}Okta: \d+ blockers?/);
    expect(okta.stderr).not.toMatch(/Entra ID:|RFC 7643\/7644:/);
    expect(okta.exitCode).toBe(1);
  });
});
