/**
 * The package as a team installs it: `npm pack`, install the tarball into a fresh project, and run
 * `npx scim-conformance` there, reading that project's .env, against the bundled reference server.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PROJECT_ROOT, userEnv } from '../support/run-suite.js';

const run = promisify(execFile);
let project: string;
let output: { stdout: string; stderr: string; code: number };

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'scimc-consumer-'));
  const { stdout: packed } = await run('npm', ['pack', '--silent', '--pack-destination', project], { cwd: PROJECT_ROOT });
  const tarball = join(project, packed.trim().split('\n').pop() ?? '');
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-dev', tarball], { cwd: project });
  // CI is set (userEnv): there, the bundled server is asked for by name.
  await writeFile(join(project, '.env'), 'SCIM_BASE_URL=bundled\nSCIM_PROFILE=okta\nSCIM_REPORTS=markdown,har\n');
  output = await run('npx', ['scim-conformance'], { cwd: project, env: userEnv() })
    .then((r) => ({ ...r, code: 0 }))
    .catch((error: { stdout: string; stderr: string; code: number }) => error);
}, 240_000);

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

test('npx scim-conformance runs the bundled suites from a fresh project and passes', () => {
  expect(output.stdout).toContain('testing the bundled reference server');
  expect(output.code).toBe(0);
});

test("the project's .env selects the profile, and the verdict names only that client", () => {
  expect(output.stdout).toMatch(/Verdict\n {2}Okta: ready\n/);
  expect(output.stdout).not.toContain('Entra ID:');
});

test('the reports land in the project, not in the package', async () => {
  const summary = await readFile(join(project, 'scim-reports', 'summary.md'), 'utf8');
  expect(summary).toContain('| ✅ | Okta: ready |');
  const har = JSON.parse(await readFile(join(project, 'scim-reports', 'exchanges.har'), 'utf8')) as { log: { entries: unknown[] } };
  expect(har.log.entries.length).toBeGreaterThan(0);
});
