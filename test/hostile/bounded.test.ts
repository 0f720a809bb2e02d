/**
 * Bounded runs and hostile bytes. A server that answers well and then hangs, drips or throttles
 * forever is noticed after SILENT_REQUESTS_IN_A_ROW requests, and every request after is refused
 * with that one cause, in every worker. Bodies nested 100,000 deep, not UTF-8, or gigabytes long
 * are findings, never a crash or a gigabyte of memory. (The whole run against such a server, as a
 * user starts it, is the last test.) Every bound here is a count of requests, never a clock.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { objectBody, jsonValue } from '../../src/checks/answers.js';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { checkGroupsList } from '../../src/checks/connection.js';
import { checkResourceTypes, checkSchemas, checkServiceProviderConfig } from '../../src/checks/discovery.js';
import { checkNotFound } from '../../src/checks/errors.js';
import { checkJsonAnswer } from '../../src/checks/response.js';
import { renderFindings } from '../../src/diagnose/render.js';
import { ScimClient, type ClientOptions } from '../../src/http/client.js';
import type { Exchange } from '../../src/http/exchange.js';
import { RunHalted } from '../../src/http/gate.js';
import { Limiter } from '../../src/http/limiter.js';
import { SILENT_REQUESTS_IN_A_ROW, type SilentMark } from '../../src/http/silence.js';
import { runSuites, verdictBlockers, type SuiteRun } from '../support/run-suite.js';
import {
  answersWith,
  BOUNDED_TOKEN,
  deeplyNested,
  goesSilent,
  holdsRequests,
  latin1InsideString,
  listen,
  resourceTypesWithoutName,
  streamsHugeBody,
  type CountingServer,
  type Deviation,
  type Silence,
} from './bounded-servers.js';

const servers: CountingServer[] = [];
const clients: ScimClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function track<T extends CountingServer>(server: Promise<T>): Promise<T> {
  const started = await server;
  servers.push(started);
  return started;
}

function client(baseUrl: string, options: Partial<ClientOptions> = {}): ScimClient {
  const c = new ScimClient({ baseUrl, token: BOUNDED_TOKEN, timeoutMs: 400, maxInFlight: 1, watchSilence: true, ...options });
  clients.push(c);
  return c;
}

type Sent = { exchange: Exchange } | { refused: string };

/** Sends `count` list requests one after the other, as a check's chain does. */
async function sendInTurn(c: ScimClient, count: number): Promise<Sent[]> {
  const sent: Sent[] = [];
  for (let i = 1; i <= count; i++) {
    sent.push(
      await c.send({ path: '/Users', query: { startIndex: i, count: 1 } }).then(
        (exchange) => ({ exchange }),
        (error: unknown) => {
          if (!(error instanceof RunHalted)) throw error;
          return { refused: error.message };
        },
      ),
    );
  }
  return sent;
}

const GOOD = 4;

/**
 * The first request of a test worker is the slow one (the client's and the server's code runs for
 * the first time): sent with all the time it needs, apart from the watch, so that a loaded machine
 * cannot make a good answer a timeout of the short one the watched client has.
 */
async function warmUp(server: CountingServer): Promise<void> {
  const exchange = await client(server.baseUrl, { timeoutMs: 30_000, watchSilence: false }).send({ path: '/ServiceProviderConfig' });
  expect(exchange.response?.status).toBe(200);
}
/** What each silent request costs the server: one request, or, throttled, the request and its three Retry-After waits. */
const SENT_PER_SILENT_REQUEST: Record<Silence, number> = { hang: 1, drip: 1, throttle: 4 };

describe('a server that stops answering after a good start', () => {
  test.for(['hang', 'drip', 'throttle'] as const)('one that starts to %s is noticed, and no request is sent after', async (silence) => {
    const server = await track(goesSilent(1 + GOOD, silence));
    await warmUp(server);
    const c = client(server.baseUrl);
    const sent = await sendInTurn(c, 12);

    const answered = sent.slice(0, GOOD).map((s) => ('exchange' in s ? s.exchange.response?.status : s.refused));
    expect(answered).toEqual([200, 200, 200, 200]);
    // Sent one at a time, with nothing else under way: each is handed over as it ended, until the one that stops the run.
    const handedOver = sent.slice(GOOD, GOOD + SILENT_REQUESTS_IN_A_ROW - 1).map((s) => ('exchange' in s ? (s.exchange.error?.code ?? s.exchange.response?.status) : s.refused));
    expect(handedOver).toEqual(Array(SILENT_REQUESTS_IN_A_ROW - 1).fill(silence === 'throttle' ? 429 : 'TIMEOUT'));
    // The one that stops the run is refused with the cause, as every one after it is.
    const refused = sent.slice(GOOD + SILENT_REQUESTS_IN_A_ROW - 1);
    expect(refused).toHaveLength(12 - GOOD - SILENT_REQUESTS_IN_A_ROW + 1);
    for (const r of refused) {
      expect(r).toEqual({ refused: expect.stringContaining(`the server stopped answering after answering GET /scim/v2/Users?startIndex=${GOOD}&count=1`) });
    }
    expect(c.haltCause()).toMatch(/so the run stopped sending$/);
    expect(server.received).toHaveLength(1 + GOOD + SILENT_REQUESTS_IN_A_ROW * SENT_PER_SILENT_REQUEST[silence]);
  });

  test('with requests in flight together, those waiting for a place are refused too, and so are those the silence left unanswered', async () => {
    const server = await track(goesSilent(GOOD, 'hang'));
    const c = client(server.baseUrl, { maxInFlight: 4 });
    await sendInTurn(c, GOOD);
    const outcomes = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => c.send({ path: '/Users', query: { startIndex: i + 1 } })));
    const refused = outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof RunHalted);
    // The four in flight, and at most one more for each of the first silent ones to end before the watch trips.
    expect(server.received.length - GOOD).toBeLessThanOrEqual(4 + SILENT_REQUESTS_IN_A_ROW - 1);
    // Others were under way whenever one ended: none was handed over before the row stopped the run.
    expect(refused.length).toBe(16);
  });

  test("one worker's silence stops the other workers, and the cause names the run's last answered request", async () => {
    const memory = new Limiter({ maxInFlight: 4 }).memory;
    const answering = await track(goesSilent(100, 'hang'));
    // Two spec files in two worker threads: the same server, a gate each on the run's one memory.
    const hanging = await track(goesSilent(0, 'hang'));
    const a = client(answering.baseUrl, { gate: new Limiter(memory) });
    const b = client(hanging.baseUrl.replace('/scim/v2', '/scim/v2'), { gate: new Limiter(memory) });
    await a.send({ path: '/Groups' });
    const silent = await sendInTurn(b, SILENT_REQUESTS_IN_A_ROW + 1);
    expect(silent.at(-1)).toEqual({ refused: expect.stringContaining('after answering GET /scim/v2/Groups') });
    await expect(a.send({ path: '/Users' })).rejects.toThrow(/the server stopped answering after answering GET \/scim\/v2\/Groups/);
    expect(answering.received).toEqual(['GET /scim/v2/Groups']);
  });

  test('control: an interrupt stops the requests too, but is not told as a silence', async () => {
    const gate = new Limiter({ maxInFlight: 4 });
    expect(gate.interrupt(100)).toBe(0);
    await expect(gate.run(async () => 'sent')).rejects.toThrow('the run was interrupted');
    expect(gate.haltCause()).toBeUndefined();
    expect(gate.claimReport()).toBe(true);
  });

  test('control: a server that misses now and then, but answers in between, is never stopped', async () => {
    let n = 0;
    const server = await track(listen((_req, res) => (++n % 3 === 0 ? res.writeHead(200).end('{}') : undefined)));
    const sent = await sendInTurn(client(server.baseUrl), 9);
    expect(sent.filter((s) => 'refused' in s)).toEqual([]);
    expect(server.received).toHaveLength(9);
  });

  test('control: a client that does not watch (the preflight, a cleanup) sends every request', async () => {
    const server = await track(goesSilent(0, 'hang'));
    const sent = await sendInTurn(client(server.baseUrl, { watchSilence: false }), SILENT_REQUESTS_IN_A_ROW + 2);
    expect(sent.filter((s) => 'refused' in s)).toEqual([]);
    expect(server.received).toHaveLength(SILENT_REQUESTS_IN_A_ROW + 2);
  });

  test('a 429 with Retry-After: 0 is waited out at most three times, not in a loop until the deadline', async () => {
    const server = await track(goesSilent(0, 'throttle'));
    const exchange = await client(server.baseUrl, { timeoutMs: 5_000, watchSilence: false }).send({ path: '/Users' });
    expect(exchange.response?.status).toBe(429);
    expect(exchange.retried).toHaveLength(3);
    expect(server.received).toHaveLength(4);
  });
});

/** A limiter that tells the test when the watch has counted an answerless request: the client has seen it end. */
class CountingLimiter extends Limiter {
  private seen = 0;
  private readonly waiting: Array<() => void> = [];

  override unanswered(): SilentMark {
    const mark = super.unanswered();
    this.seen++;
    for (const wake of this.waiting.splice(0)) wake();
    return mark;
  }

  async counted(count: number): Promise<void> {
    while (this.seen < count) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
}

/** Whether a promise has settled; read after `turns`, which gives a handed-over answer every chance to arrive. */
function watchSettled(promise: Promise<unknown>): () => boolean {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return () => settled;
}

async function turns(): Promise<void> {
  for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * The race the silence watch must not lose: a check's request ends without an answer while other
 * requests are still under way, before the watch has counted enough to stop the run. Handed over,
 * it would be judged as a finding of its own beside the silence. The server here ends each request
 * when the test says so; no clock decides anything (the timeout is far beyond the test's).
 */
describe('a request the silence left unanswered before the run stopped', () => {
  const NO_CLOCK = { timeoutMs: 600_000 };

  test('is refused with the silence, in every worker, once the row it is in stops the run, and was never handed over before', async () => {
    const server = await track(holdsRequests());
    const memory = new Limiter({ maxInFlight: 4 }).memory;
    // Two spec files in two worker threads: the check's request goes through one, the others through the other.
    const [own, others] = [new CountingLimiter(memory), new CountingLimiter(memory)];
    const checks = client(server.baseUrl, { ...NO_CLOCK, gate: own });
    const rest = client(server.baseUrl, { ...NO_CLOCK, gate: others });
    const first = rest.send({ path: '/Groups' });
    (await server.held(0)).answer();
    await first;

    // Shared by every check that asks for it, as `once` shares it.
    const checksRequest = checks.send({ path: '/Groups/g1', query: { excludedAttributes: 'members' } });
    const settled = watchSettled(checksRequest);
    const later = [rest.send({ path: '/Users', query: { startIndex: 1 } }), rest.send({ path: '/Users', query: { startIndex: 2 } })];
    // The connections are the clients' own: the requests may arrive in any order.
    const arrived = await Promise.all([1, 2, 3].map((index) => server.held(index)));
    const checksHeld = arrived.find((held) => held.request.startsWith('GET /scim/v2/Groups/g1'));
    const othersHeld = arrived.filter((held) => held !== checksHeld);
    expect(checksHeld).toBeDefined();
    checksHeld?.cutOff();
    await own.counted(1);
    await turns();
    expect(settled()).toBe(false);
    othersHeld[0]?.cutOff();
    await others.counted(1);
    await turns();
    expect(settled()).toBe(false);
    expect(checks.haltCause()).toBeUndefined();
    othersHeld[1]?.cutOff();

    const refused = {
      status: 'rejected',
      reason: expect.objectContaining({ name: 'RunHalted', message: expect.stringContaining('stopped answering after answering GET /scim/v2/Groups:') }),
    };
    expect(await Promise.allSettled([checksRequest, ...later])).toEqual([refused, refused, refused]);
    // Recorded all the same, for the HAR: what was sent, and that nothing came back.
    expect(checks.log.map((e) => e.error?.code)).toEqual(['CONNECTION_RESET']);
    expect(server.received).toHaveLength(1 + SILENT_REQUESTS_IN_A_ROW);
  });

  test('control: an answer after it ends its row, and the check gets it as it came, a missing answer of its own', async () => {
    const server = await track(holdsRequests());
    const gate = new CountingLimiter({ maxInFlight: 4 });
    const c = client(server.baseUrl, { ...NO_CLOCK, gate });
    const checksRequest = c.send({ path: '/Users', query: { startIndex: 1 } });
    const settled = watchSettled(checksRequest);
    const other = c.send({ path: '/Groups' });
    const arrived = await Promise.all([0, 1].map((index) => server.held(index)));
    arrived.find((held) => held.request.startsWith('GET /scim/v2/Users'))?.cutOff();
    await gate.counted(1);
    await turns();
    // Held while the other is under way: it may yet be part of a silence.
    expect(settled()).toBe(false);
    arrived.find((held) => held.request.startsWith('GET /scim/v2/Groups'))?.answer();
    expect((await checksRequest).error?.code).toBe('CONNECTION_RESET');
    expect((await other).response?.status).toBe(200);
    expect(c.haltCause()).toBeUndefined();
  });

  test('control: with nothing else under way, it is handed over as it ended', async () => {
    const server = await track(holdsRequests());
    const c = client(server.baseUrl, NO_CLOCK);
    const checksRequest = c.send({ path: '/Users' });
    (await server.held(0)).cutOff();
    expect((await checksRequest).error?.code).toBe('CONNECTION_RESET');
    expect(c.haltCause()).toBeUndefined();
  });
});

describe('hostile bytes are findings', () => {
  test('JSON nested 100,000 levels deep is one finding, and no check throws', async () => {
    const server = await track(answersWith(deeplyNested(100_000)));
    const exchange = await client(server.baseUrl).send({ path: '/Users' });
    const { run } = checkJsonAnswer(exchange, { status: [200] });
    expect(run.findings.map((f) => f.code)).toEqual(['HTTP_BODY_TOO_DEEP']);
    expect(renderFindings(run.findings)).toContain('deeper than 64 levels');
    expect(jsonValue(exchange)).toBeUndefined();
    expect(objectBody(exchange)).toBeUndefined();
    const checks = [checkServiceProviderConfig, checkResourceTypes, checkSchemas, checkNotFound, (e: Exchange) => checkGroupsList(e).run];
    for (const check of checks) expect(check(exchange).findings.length).toBeGreaterThan(0);
  });

  test('control: a body nested like a real SCIM answer is read', async () => {
    const server = await track(answersWith(deeplyNested(8)));
    const { run } = checkJsonAnswer(await client(server.baseUrl).send({ path: '/Users' }), { status: [200] });
    expect(run.checked.has('HTTP_BODY_TOO_DEEP')).toBe(true);
    expect(run.findings.map((f) => f.code)).not.toContain('HTTP_BODY_TOO_DEEP');
  });

  test('bytes that are not UTF-8 inside valid JSON are a finding, not silently replaced', async () => {
    const server = await track(answersWith(latin1InsideString()));
    const exchange = await client(server.baseUrl).send({ path: '/Users' });
    expect(exchange.response?.invalidUtf8).toBe(true);
    const { run } = checkJsonAnswer(exchange, { status: [200] });
    expect(run.findings.map((f) => f.code)).toEqual(['HTTP_BODY_NOT_UTF8']);
  });

  test('bytes that are not UTF-8 and break the JSON say both', async () => {
    const broken = Buffer.concat([Buffer.from('{"totalResults":'), Buffer.from([0xff, 0xfe]), Buffer.from('}')]);
    const server = await track(answersWith(broken));
    const { run } = checkJsonAnswer(await client(server.baseUrl).send({ path: '/Users' }), { status: [200] });
    expect(run.findings.map((f) => f.code)).toEqual(['HTTP_BODY_NOT_JSON']);
    expect(run.findings[0]?.requirement).toContain('not valid UTF-8 either');
  });

  test('control: UTF-8 "José", and a body cut at the cap in the middle of a character, are not flagged', async () => {
    const server = await track(answersWith(Buffer.from(JSON.stringify({ userName: 'José', pad: 'é'.repeat(600) }))));
    const whole = await client(server.baseUrl).send({ path: '/Users' });
    const cut = await client(server.baseUrl, { maxBodyBytes: 501 }).send({ path: '/Users' });
    expect(whole.response?.invalidUtf8).toBeUndefined();
    expect(checkJsonAnswer(whole, { status: [200] }).run.findings.map((f) => f.code)).not.toContain('HTTP_BODY_NOT_UTF8');
    expect(cut.response?.truncated).toBe(true);
    expect(cut.response?.invalidUtf8).toBeUndefined();
  });

  test('a 2 GB body, asked for 40 times, keeps memory bounded: what the records and reports hold does not grow with the body', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const server = await track(streamsHugeBody(2 * 1024 ** 3));
    const c = client(server.baseUrl, { timeoutMs: 10_000, maxInFlight: 4 });
    gc();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    const kept: unknown[] = [];
    for (let round = 0; round < 10; round++) {
      const exchanges = await Promise.all(Array.from({ length: 4 }, () => c.send({ path: '/Users' })));
      // What a run keeps of each: the exchange in the log, the findings (which quote it).
      kept.push(...exchanges.map((e) => checkJsonAnswer(e, { status: [200] }).run.findings));
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    gc();
    const retained = process.memoryUsage().heapUsed - before.heapUsed;
    expect(c.log).toHaveLength(40);
    expect(c.log.every((e) => e.response?.truncated === true && e.response.bytes === 2 * 1024 * 1024)).toBe(true);
    expect(kept.flat().map((f) => (f as { code: string }).code)).toEqual(Array(40).fill('HTTP_BODY_NOT_JSON'));
    // The exchange files and the HAR are this, serialised.
    expect(JSON.stringify(c.log).length).toBeLessThan(40 * 80 * 1024);
    expect(retained).toBeLessThan(32 * 1024 * 1024);
    expect(peakRss).toBeLessThan(500 * 1024 * 1024);
  });
});

describe('a whole run, as a user starts it, against a server that hangs after a good start', () => {
  /** Past the preflight and the shared reads of the global setup: the spec files' own requests have begun. */
  const GOOD_IN_RUN = 40;
  let run: SuiteRun;
  let received: string[] = [];
  /** The same, against a server with a deviation its answers before the silence show. */
  let deviating: SuiteRun;

  async function runUntilSilent(deviation?: Deviation): Promise<{ run: SuiteRun; received: string[] }> {
    const server = await goesSilent(GOOD_IN_RUN, 'hang', deviation);
    try {
      // The default requests in flight, as a user starts it (our other runs use two).
      const inFlight = String(DEFAULT_LIMITS.maxInFlight);
      const run = await runSuites({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: BOUNDED_TOKEN, SCIM_TIMEOUT_MS: '1500', SCIM_MAX_IN_FLIGHT: inFlight });
      return { run, received: [...server.received] };
    } finally {
      await server.close();
    }
  }

  beforeAll(async () => {
    ({ run, received } = await runUntilSilent());
    ({ run: deviating } = await runUntilSilent(resourceTypesWithoutName));
  }, 240_000);

  test('stops sending: at most the requests in flight, and those started before the watch tripped, go out after the silence', () => {
    const afterSilence = received.length - GOOD_IN_RUN;
    expect(afterSilence).toBeGreaterThanOrEqual(SILENT_REQUESTS_IN_A_ROW);
    expect(afterSilence).toBeLessThanOrEqual(DEFAULT_LIMITS.maxInFlight + SILENT_REQUESTS_IN_A_ROW);
  });

  test('skips what remains with one cause that names the last request answered, keeps the findings made before, and shows no timeout or stack', () => {
    const output = run.stdout + run.stderr;
    const named = /not run: the server stopped answering after answering (\S+ \S+):/.exec(run.stdout)?.[1];
    // Up to the requests in flight are answered close together, in several workers: the run's last is one of them.
    expect(received.slice(GOOD_IN_RUN - DEFAULT_LIMITS.maxInFlight, GOOD_IN_RUN)).toContain(named);
    // One cause, one blocker: the reference server has no deviation of its own, and nothing is blamed on what went unanswered.
    expect(run.findings.map((f) => f.code)).toEqual(['HTTP_SERVER_WENT_SILENT']);
    // Okta, Entra and the RFC: one blocker each, the silence.
    expect(verdictBlockers(run)).toEqual(Array(3).fill('HTTP_SERVER_WENT_SILENT'));
    expect(run.stdout).toMatch(/✗ HTTP_SERVER_WENT_SILENT/);
    expect(run.tests.filter((t) => t.status === 'passed').length).toBeGreaterThan(0);
    expect(run.tests.filter((t) => t.status === 'skipped').length).toBeGreaterThan(0);
    expect(run.exitCode).not.toBe(0);
    expect(output).not.toMatch(/Test timed out|Hook timed out/);
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(output).not.toContain(BOUNDED_TOKEN);
  });

  test('control: a deviation that answers before the silence showed is still found, beside the silence and nothing else', () => {
    // The ResourceTypes were read by the global setup, before the silence began: their check judges an answer.
    expect(deviating.findings.map((f) => f.code).sort()).toEqual(['DISCOVERY_RESOURCE_TYPES', 'HTTP_SERVER_WENT_SILENT']);
    expect(deviating.findings.find((f) => f.code === 'DISCOVERY_RESOURCE_TYPES')?.got).toMatch(/Resources\[0\]: .*name/);
  });
});
