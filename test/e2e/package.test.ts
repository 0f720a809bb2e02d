/**
 * The package as a team installs it: `npm pack` (which builds dist/), the tarball installed into a
 * fresh project with `npm install`, and `npx scim-conformance` run there, the way the README says:
 * with the project's .env, with `--reporter=junit > file`, in two shards merged afterwards, and the
 * README's CI example as written, with its target variable unset and set. One install, a few runs,
 * two at a time.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createScimService, demoSeed, serve, type RunningServer } from '../../src/reference-server/index.js';
import type { ScimRequest, ScimResponse } from '../../src/reference-server/types.js';
import { leftovers, RECORDING_TOKEN, startRecordingServer } from '../servers/recording.js';
import { twoAtATime } from '../support/run-suite.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'package-test-token-7f3e19';
/** Only against a hang: every step ends on its own well before. */
const STEP_GUARD_MS = 300_000;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The environment of a user's shell or CI job: this one's without the SCIM_* variables of the
 * shell running our tests, Vitest's own, or npm's (npm test sets them; they would point npx at
 * this repo), plain output, and `extra` on top.
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !/^(SCIM_|SCIMC_|VITEST|npm_(command|lifecycle_|package_|config_local_prefix)|INIT_CWD$)/i.test(name));
  return { ...Object.fromEntries(inherited), NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true', ...extra };
}

/** `command` through sh, as a terminal or a CI step runs it. */
function sh(command: string, cwd: string, env: NodeJS.ProcessEnv = userEnv()): Promise<Ran> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`\`${command}\` did not end within ${STEP_GUARD_MS} ms:\n${stdout}\n${stderr}`));
    }, STEP_GUARD_MS);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/**
 * The reference server with its groups broken: /ResourceTypes still lists Group, but every /Groups
 * request answers 500 with a web server's HTML page. Okta's and Entra's group flows break, in
 * several spec files, so the verdict has blockers from both shards. (A 404 would say the server
 * offers no groups, which is no blocker: src/suite/capabilities.ts.)
 */
async function serverWithBrokenGroups(): Promise<RunningServer> {
  const service = createScimService({ token: TOKEN, seed: demoSeed() });
  const broken: ScimResponse = { status: 500, headers: { 'content-type': 'text/html' }, body: '<html><body>Internal Server Error</body></html>' };
  return serve((request: ScimRequest) => (request.path.includes('/Groups') ? broken : service.handle(request)));
}

/** The lines of the verdict block ("Verdict" and the indented lines after it), or [] without one. */
function verdictOf(output: string): string[] {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line === 'Verdict');
  if (start === -1) return [];
  const end = lines.findIndex((line, at) => at > start && !line.startsWith(' '));
  return lines.slice(start, end === -1 ? undefined : end);
}

/** The verdict's line for each client: "Okta: ready", "Entra ID: 1 blocker, …". */
function clientLines(output: string): string[] {
  return verdictOf(output)
    .filter((line) => /^ {2}(Okta|Entra ID|RFC 7643\/7644): /.test(line))
    .map((line) => line.trim());
}

/** The verdict's lines that report a failure. */
function blockerLines(output: string): string[] {
  return verdictOf(output).filter((line) => line.includes('✗') || line.includes('blocker'));
}

/**
 * Throws unless `xml` is one well-formed element after an optional declaration: every tag closed
 * in order, attributes quoted, nothing but white space outside the root.
 */
function assertWellFormedXml(xml: string): void {
  const body = xml
    .replace(/^\s*<\?xml[^?]*\?>/, '')
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  const open: string[] = [];
  let roots = 0;
  let last = 0;
  for (const tag of body.matchAll(/<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const text = body.slice(last, tag.index);
    if (text.includes('<')) throw new Error(`not a tag: ${text.slice(text.indexOf('<'), text.indexOf('<') + 80)}`);
    if (open.length === 0 && text.trim() !== '') throw new Error(`text outside the root element: ${text.slice(0, 80)}`);
    last = tag.index + tag[0].length;
    const [, closing, name = '', , selfClosing] = tag;
    if (closing === '/') {
      if (open.pop() !== name) throw new Error(`</${name}> closes no open <${name}>`);
    } else {
      if (open.length === 0) roots += 1;
      if (selfClosing !== '/') open.push(name);
    }
  }
  if (body.slice(last).trim() !== '') throw new Error(`text after the root element: ${body.slice(last, last + 80)}`);
  if (open.length > 0 || roots !== 1) throw new Error(`${roots} root element(s), unclosed: ${open.join(', ')}`);
}

/** The README's GitHub Actions example: the command of its `npx scim-conformance` step and that step's env. */
async function readmeCiStep(): Promise<{ command: string; env: Array<[string, string]>; yaml: string }> {
  const readme = await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const lines = yaml.split('\n');
  const at = lines.findIndex((line) => /- run: npx scim-conformance/.test(line));
  const command = (lines[at] ?? '').replace(/^\s*- run: /, '');
  const envAt = lines.findIndex((line, index) => index > at && line.trim() === 'env:');
  const indent = (line: string) => line.length - line.trimStart().length;
  const env: Array<[string, string]> = [];
  for (const line of lines.slice(envAt + 1)) {
    if (indent(line) <= indent(lines[envAt] ?? '')) break;
    const [, name = '', value = ''] = /^\s*([A-Z_]+): (.*)$/.exec(line) ?? [];
    env.push([name, value.replace(/^'(.*)'$/, '$1')]);
  }
  return { command, env, yaml };
}

/**
 * A step's env as GitHub Actions gives it: `${{ vars.X }}` and `${{ secrets.X }}` are the values
 * set, and an empty string for one never created.
 */
function actionsEnv(stepEnv: Array<[string, string]>, set: Record<string, string>): Record<string, string> {
  return Object.fromEntries(stepEnv.map(([name, value]) => [name, value.replace(/\$\{\{\s*(?:vars|secrets)\.(\w+)\s*\}\}/g, (_, key: string) => set[key] ?? '')]));
}

let project: string;
let tarballFiles: string[];
const timings: Record<string, number> = {};
const runs: Record<string, Ran> = {};
const servers: Array<{ close(): Promise<void> }> = [];
let ciStep: Awaited<ReturnType<typeof readmeCiStep>>;

async function timed(name: string, command: string, env?: NodeJS.ProcessEnv): Promise<Ran> {
  const ran = await sh(command, project, env);
  timings[name] = ran.ms;
  runs[name] = ran;
  return ran;
}

/** `npm pack` in this repo (its prepack builds dist/), then the tarball installed into a fresh project. */
async function installPackage(): Promise<void> {
  project = await mkdtemp(join(tmpdir(), 'scimc-consumer-'));
  const packed = await sh(`npm pack --silent --pack-destination ${project}`, PROJECT_ROOT);
  timings['npm pack (builds dist/)'] = packed.ms;
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stdout}\n${packed.stderr}`);
  const tarball = packed.stdout.trim().split('\n').pop() ?? '';
  const listed = await sh(`tar -tzf ${tarball}`, project);
  tarballFiles = listed.stdout
    .split('\n')
    .filter(Boolean)
    .map((path) => path.replace(/^package\//, ''));
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  const installed = await timed('npm install', `npm install --no-audit --no-fund --prefer-offline --save-dev ./${tarball}`);
  if (installed.code !== 0) throw new Error(`npm install failed:\n${installed.stdout}\n${installed.stderr}`);
}

/** The runs that read the project's .env: unsharded with JUnit on stdout, two shards, and their merge. */
async function runWithDotEnv(broken: RunningServer): Promise<void> {
  await writeFile(join(project, '.env'), `SCIM_BASE_URL=${broken.origin}/scim/v2\nSCIM_TOKEN=${TOKEN}\nSCIM_MAX_RPS=1000\nSCIM_REPORTS=json\n`);
  const reportsIn = (dir: string) => userEnv({ SCIM_REPORT_DIR: join(project, dir) });
  // As the README says: each shard writes a blob to an absolute path, then one run merges them.
  const shard = (n: number) => () =>
    timed(`--shard ${n}/2`, `npx scim-conformance --shard ${n}/2 --reporter=blob --outputFile.blob=$PWD/blobs/shard-${n}.json`, reportsIn(`reports-shard-${n}`));
  const unsharded = () => timed('unsharded, --reporter=junit > junit.xml', 'npx scim-conformance --reporter=junit > junit.xml', reportsIn('reports-whole'));
  await twoAtATime([unsharded, shard(1), shard(2)], async (step) => {
    await step();
  });
  await timed('--merge-reports=blobs', 'npx scim-conformance --merge-reports=blobs', reportsIn('reports-merged'));
  await rm(join(project, '.env'));
}

/** The README's CI step as written, without its variable: it must stop before testing anything. */
async function runReadmeCiExampleUnset(): Promise<void> {
  await timed('CI example, variable unset', ciStep.command, userEnv(actionsEnv(ciStep.env, {})));
}

/** The README's CI step as written, with its variable set (a write run against a server on loopback), then the cleanup command. */
async function runReadmeCiExampleSet(): Promise<void> {
  const server = await serve(createScimService({ token: TOKEN, seed: demoSeed() }).handle);
  servers.push(server);
  const { origin } = server;
  const set = { STAGING_SCIM_BASE_URL: `${origin}/scim/v2`, STAGING_SCIM_TOKEN: TOKEN };
  await timed('CI example, variable set', ciStep.command, userEnv({ ...actionsEnv(ciStep.env, set), SCIM_MAX_RPS: '1000' }));
  await timed('npx scim-conformance cleanup', 'npx scim-conformance cleanup', userEnv({ SCIM_BASE_URL: set.STAGING_SCIM_BASE_URL, SCIM_TOKEN: TOKEN }));
}

/** The README's two commands under "The reference server": start it, then test it. */
async function readmeReferenceServerCommands(): Promise<[string, string]> {
  const readme = await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## The reference server\n'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const [start = '', test = ''] = block.split('\n').map((line) => line.replace(/\s+#.*$/, ''));
  return [start, test];
}

/**
 * The reference server started as the README says (on a free port: PORT, which the README names
 * for that), and the README's command that tests it, run in this repo as written.
 */
async function runReadmeReferenceServer(): Promise<void> {
  const [start, testIt] = await readmeReferenceServerCommands();
  const probe = await serve(() => ({ status: 204, headers: {}, body: '' }));
  const port = new URL(probe.origin).port;
  await probe.close();
  const server = spawn('sh', ['-c', `exec env PORT=${port} ${start}`], { cwd: PROJECT_ROOT, env: userEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let said = '';
      server.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()).includes('SCIM reference server:') && resolve());
      server.on('exit', () => reject(new Error(`\`${start}\` ended:\n${said}`)));
    });
    readmeReferenceServer = { commands: [start, testIt], run: await sh(testIt.replace(':8080/', `:${port}/`), PROJECT_ROOT) };
    timings['README reference server, tested'] = readmeReferenceServer.run.ms;
  } finally {
    process.kill(-(server.pid ?? 0), 'SIGTERM');
  }
}

let readmeReferenceServer: { commands: [string, string]; run: Ran } | undefined;
let interrupted: { output: string; exit: number | string | null; left: string[]; created: number } | undefined;

/**
 * A write run through npx, interrupted by a Ctrl-C (SIGINT to its process group, as a terminal
 * sends it) once it has created three resources: the compiled run removes its test data by itself,
 * through its compiled cleanup script. One spec file (groups, a Vitest file filter) creates enough:
 * the run starts one worker, not five.
 */
async function runInterrupted(): Promise<void> {
  let created = 0;
  /** The run's process group, once it is started. */
  const run: { group?: number } = {};
  const target = await startRecordingServer({
    breakage: (request, service) => {
      const response = service.handle(request);
      if (request.method === 'POST' && response.status === 201 && ++created === 3 && run.group !== undefined) process.kill(-run.group, 'SIGINT');
      return response;
    },
  });
  servers.push(target);
  const env = userEnv({ SCIM_BASE_URL: target.baseUrl, SCIM_TOKEN: RECORDING_TOKEN, SCIM_WRITE: 'true', SCIM_MAX_RPS: '1000', SCIMC_INTERRUPT_GRACE_MS: '120000' });
  const child = spawn('npx', ['scim-conformance', '--reporter=dot', 'groups'], { cwd: project, detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) run.group = child.pid;
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = Date.now();
  const exit = await new Promise<number | string | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
  timings['write run, Ctrl-C after 3 creates'] = Date.now() - started;
  interrupted = { output, exit, left: leftovers(target.service), created };
}

/**
 * Steps that can run side by side do, two at a time (the machine has two cores): the README's
 * reference server is tested in this repo, not from the tarball, so it runs while the package is
 * built and installed; the runs that read the project's .env go before it is removed, and the
 * runs that must not see it after.
 */
beforeAll(async () => {
  ciStep = await readmeCiStep();
  await Promise.all([installPackage(), runReadmeReferenceServer()]);
  const broken = await serverWithBrokenGroups();
  servers.push(broken);
  await mkdir(join(project, 'blobs'));
  await runWithDotEnv(broken);
  await twoAtATime([runReadmeCiExampleSet, runReadmeCiExampleUnset, runInterrupted], (step) => step());
  console.warn(`package test timings (ms): ${JSON.stringify(timings)}`);
}, 20 * 60_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  if (project !== undefined) await rm(project, { recursive: true, force: true });
});

test('the XML check refuses what a banner or a cut-off run does to a JUnit file', () => {
  const valid = '<?xml version="1.0" encoding="UTF-8" ?>\n<testsuites name="x" tests="1">\n<testsuite name="a"><testcase name="b"/></testsuite>\n</testsuites>\n';
  expect(() => assertWellFormedXml(valid)).not.toThrow();
  expect(() => assertWellFormedXml(`scim-conformance: testing http://127.0.0.1:1/scim/v2\n${valid}`)).toThrow(/not a tag|outside the root/);
  expect(() => assertWellFormedXml(`${valid}\nVerdict\n  Okta: ready\n`)).toThrow(/after the root/);
  expect(() => assertWellFormedXml(valid.slice(0, valid.indexOf('</testsuites>')))).toThrow(/unclosed/);
});

describe('the tarball', () => {
  test('holds the compiled suites, the bin, the schemas, LICENSE, README and the docs it links to, and no TypeScript', () => {
    for (const file of [
      'package.json',
      'LICENSE',
      'README.md',
      '.env.example',
      'bin/scim-conformance.js',
      'bin/interrupt-deadlines.js',
      'dist/vitest.config.js',
      'dist/suites/connection.spec.js',
      'dist/src/suite/interrupt-cleanup.js',
      'dist/src/cli/cleanup.js',
      'dist/schemas/validators.cjs',
    ]) {
      expect(tarballFiles, file).toContain(file);
    }
    expect(tarballFiles.filter((file) => file.endsWith('.ts'))).toEqual([]);
    expect(tarballFiles.filter((file) => file.startsWith('test/') || file.startsWith('src/') || file.startsWith('bench/'))).toEqual([]);
  });

  test('LICENSE is the MIT licence package.json names', async () => {
    const manifest = JSON.parse(await readFile(join(project, 'node_modules', 'scim-conformance', 'package.json'), 'utf8')) as { license: string };
    expect(manifest.license).toBe('MIT');
    expect(await readFile(join(project, 'node_modules', 'scim-conformance', 'LICENSE'), 'utf8')).toMatch(/^MIT License\n[\s\S]*Permission is hereby granted, free of charge/);
  });

  test("every link to a file of the package, through unpkg for the npm page's sake, leads to a file in the tarball", async () => {
    const readme = await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const unpkg = 'https://unpkg.com/scim-conformance/';
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((match) => match[1] ?? '').filter((link) => link.startsWith(unpkg));
    expect(links.length).toBeGreaterThan(2);
    expect(links.map((link) => link.slice(unpkg.length)).filter((file) => !tarballFiles.includes(file))).toEqual([]);
  });

  test('installs without tsx: the runtime dependencies are what runs', async () => {
    expect(existsSync(join(project, 'node_modules', 'scim-conformance', 'dist', 'vitest.config.js'))).toBe(true);
    expect(existsSync(join(project, 'node_modules', 'tsx'))).toBe(false);
    const manifest = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).not.toContain('tsx');
    expect(Object.keys(manifest.devDependencies)).toContain('tsx');
  });
});

describe('npx scim-conformance in the project, with its .env', () => {
  test('--reporter=junit > junit.xml writes a well-formed JUnit file, and the verdict goes to stderr', async () => {
    const run = runs['unsharded, --reporter=junit > junit.xml'];
    const junit = await readFile(join(project, 'junit.xml'), 'utf8');
    expect(() => assertWellFormedXml(junit)).not.toThrow();
    expect(junit).toMatch(/^<\?xml[^>]*>\s*<testsuites /);
    expect(junit).toContain('<failure');
    expect(run?.code).toBe(1);
    expect(clientLines(run?.stderr ?? '')).toEqual([
      expect.stringMatching(/^Okta: \d+ blockers?/),
      expect.stringMatching(/^Entra ID: \d+ blockers?/),
      expect.stringMatching(/^RFC 7643\/7644: \d+ blockers?/),
    ]);
    expect(run?.stdout).not.toContain('Verdict');
  });

  test('each shard says it is partial and gives no verdict', () => {
    for (const shard of ['--shard 1/2', '--shard 2/2']) {
      const run = runs[shard];
      expect(verdictOf(`${run?.stdout}\n${run?.stderr}`), shard).toEqual([]);
      expect(`${run?.stdout}${run?.stderr}`, shard).toMatch(/partial/i);
    }
  });

  test('--merge-reports gives the verdict of the unsharded run, and fails as it does', () => {
    const whole = verdictOf(runs['unsharded, --reporter=junit > junit.xml']?.stderr ?? '');
    const merged = runs['--merge-reports=blobs'];
    expect(whole.length).toBeGreaterThan(2);
    expect(verdictOf(merged?.stdout ?? '')).toEqual(whole);
    expect(merged?.code).toBe(1);
  });

  test("the merge's JSON report parses and judges every check as the unsharded run's does", async () => {
    type Report = { numTotalTests: number; testResults: Array<{ assertionResults: Array<{ fullName: string; status: string }> }> };
    const statuses = async (dir: string) => {
      const report = JSON.parse(await readFile(join(project, dir, 'results.json'), 'utf8')) as Report;
      return Object.fromEntries(report.testResults.flatMap((file) => file.assertionResults.map((result) => [result.fullName, result.status])));
    };
    const whole = await statuses('reports-whole');
    expect(Object.keys(whole).length).toBeGreaterThan(100);
    expect(await statuses('reports-merged')).toEqual(whole);
  });
});

describe("the README's CI example, as written", () => {
  test('is the step the README shows', () => {
    expect(ciStep.command).toBe('npx scim-conformance');
    expect(ciStep.env.map(([name]) => name)).toEqual(['SCIM_BASE_URL', 'SCIM_TOKEN', 'SCIM_WRITE', 'SCIM_PROFILE', 'SCIM_REPORTS']);
  });

  test('with the variable never created, stops with one sentence and exit code 2, testing nothing', () => {
    const run = runs['CI example, variable unset'];
    expect(run?.code).toBe(2);
    expect(run?.stderr.trim().split('\n')).toHaveLength(1);
    expect(run?.stderr).toMatch(/^scim-conformance: .*SCIM_BASE_URL/);
    expect(run?.stdout).not.toContain('bundled reference server');
  });

  test('with the variable set, passes against the server and writes the reports the artifact step uploads', async () => {
    const run = runs['CI example, variable set'];
    expect(run?.code, `${run?.stdout}\n${run?.stderr}`).toBe(0);
    // SCIM_PROFILE: okta,entra, as the step sets it; the gallery load test is opt-in.
    expect(clientLines(run?.stdout ?? '')).toEqual(['Okta: ready', expect.stringMatching(/^Entra ID: .*provisioning.* ready/)]);
    expect(blockerLines(run?.stdout ?? '')).toEqual([]);
    for (const file of ['junit.xml', 'report.html', 'exchanges.har']) expect(existsSync(join(project, 'scim-reports', file)), file).toBe(true);
    const junit = await readFile(join(project, 'scim-reports', 'junit.xml'), 'utf8');
    expect(() => assertWellFormedXml(junit)).not.toThrow();
    const har = JSON.parse(await readFile(join(project, 'scim-reports', 'exchanges.har'), 'utf8')) as { log: { entries: unknown[] } };
    expect(har.log.entries.length).toBeGreaterThan(0);
  });

  test('npx scim-conformance cleanup runs compiled, without tsx', () => {
    const run = runs['npx scim-conformance cleanup'];
    expect(run?.code, `${run?.stdout}\n${run?.stderr}`).toBe(0);
  });
});

describe("the README's reference server", () => {
  test('started as the README says, with a token, passes the suite the README runs against it, its security checks included', () => {
    const [start, testIt] = readmeReferenceServer?.commands ?? ['', ''];
    expect(start).toMatch(/^SCIM_TOKEN=(\S+) npm run reference-server$/);
    expect(testIt).toContain(`SCIM_TOKEN=${/^SCIM_TOKEN=(\S+)/.exec(start)?.[1]} `);
    const run = readmeReferenceServer?.run;
    // Read-only, as the README runs it: ready as far as reads go, with no blocker; without the token, AUTH_NO_CREDENTIALS_REFUSED and AUTH_WRONG_TOKEN_REFUSED are two.
    expect(clientLines(run?.stdout ?? '')).toEqual([
      expect.stringMatching(/^Okta: connection and import ready;/),
      expect.stringMatching(/^Entra ID: connection ready;/),
      expect.stringMatching(/^RFC 7643\/7644: /),
    ]);
    expect(blockerLines(run?.stdout ?? '')).toEqual([]);
    expect(run?.code, `${run?.stdout}\n${run?.stderr}`).toBe(0);
  });
});

describe('an interrupted write run, from the package', () => {
  test('a Ctrl-C stops it and its compiled cleanup removes every resource it created, without tsx', () => {
    expect(interrupted?.created, interrupted?.output).toBeGreaterThanOrEqual(3);
    expect(interrupted?.output).toContain("SIGINT: removing this run's test data");
    expect(interrupted?.output).not.toMatch(/cannot clean up|the cleanup failed|the cleanup was stopped|tsx/);
    // npm ends itself with the signal its child stopped on.
    expect({ exit: interrupted?.exit, left: interrupted?.left }).toEqual({ exit: 'SIGINT', left: [] });
  });
});
