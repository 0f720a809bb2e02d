import { describe, expect, test } from 'vitest';
import { checkThroughput } from '../../src/checks/throughput.js';
import type { ClientOptions } from '../../src/http/client.js';
import { useRawServer } from '../support/raw-server.js';
import { retryAfterMs } from '../../src/http/retry-after.js';
import { exchangeOf } from '../support/exchange.js';

const raw = useRawServer('politeness-token');
const client = (options: Partial<ClientOptions> = {}) => raw.client({ timeoutMs: 3_000, ...options });

describe('limits', () => {
  test('no more than SCIM_MAX_IN_FLIGHT requests are in flight at once', async () => {
    let active = 0;
    let peak = 0;
    raw.handle((_req, res) => {
      peak = Math.max(peak, ++active);
      setTimeout(() => {
        active--;
        res.end('{}');
      }, 30);
    });
    const c = client({ maxInFlight: 3 });
    await Promise.all(Array.from({ length: 12 }, () => c.send({ path: '/Users' })));
    expect(peak).toBe(3);
  });

  test('at the first 429 the client sends half as many at once', async () => {
    let active = 0;
    let peak = 0;
    let calls = 0;
    raw.handle((_req, res) => {
      if (++calls === 1) return void res.writeHead(429).end();
      peak = Math.max(peak, ++active);
      setTimeout(() => {
        active--;
        res.end('{}');
      }, 30);
    });
    const c = client({ maxInFlight: 8 });
    expect((await c.send({ path: '/Users' })).response?.status).toBe(429);
    // Half of 8 at once; the fifth place is earned by four good answers, when only four requests are left.
    await Promise.all(Array.from({ length: 8 }, () => c.send({ path: '/Users' })));
    expect(peak).toBe(4);
  });
});

describe('Retry-After', () => {
  test('is read as seconds or as an HTTP date', () => {
    expect(retryAfterMs('2', 0)).toBe(2_000);
    expect(retryAfterMs(new Date(5_000).toUTCString(), 1_000)).toBe(4_000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  test('a 429 with Retry-After is waited out and sent again, and the wait is recorded', async () => {
    let calls = 0;
    raw.handle((_req, res) => {
      if (++calls === 1) return void res.writeHead(429, { 'retry-after': '1' }).end();
      res.end('{}');
    });
    const c = client();
    const started = Date.now();
    const exchange = await c.send({ path: '/Users' });
    expect(exchange.response?.status).toBe(200);
    expect(exchange.retried).toEqual([{ status: 429, waitedMs: 1_000 }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(c.stats).toMatchObject({ throttled: 1, throttledWaitMs: 1_000 });
  });

  test('a 503 whose Retry-After does not fit in the timeout is returned without waiting', async () => {
    raw.handle((_req, res) => res.writeHead(503, { 'retry-after': '30' }).end());
    const c = client({ timeoutMs: 2_000 });
    const exchange = await c.send({ path: '/Users' });
    expect(exchange.response?.status).toBe(503);
    expect(exchange.retried).toBeUndefined();
    expect(c.stats).toMatchObject({ throttled: 0, throttledWaitMs: 0 });
  });

  test('a Retry-After pauses every request of the client, not just the one that got it', async () => {
    const arrivals: Array<{ path: string; at: number }> = [];
    let throttledAt = 0;
    raw.handle((req, res) => {
      arrivals.push({ path: req.url ?? '', at: Date.now() });
      if (arrivals.length > 1) return void res.end('{}');
      throttledAt = Date.now();
      res.writeHead(429, { 'retry-after': '1' }).end();
    });
    const c = client();
    const first = c.send({ path: '/Users' });
    // Sent once the client has taken the 429 (it counts it as it starts the pause), so it meets the pause.
    while (c.stats.throttled === 0) await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([first, c.send({ path: '/Groups' })]);
    const groups = arrivals.find((arrival) => arrival.path.endsWith('/Groups'));
    // The pause began after the server wrote the 429 and lasts the second it asked for: a lower bound, which a slow machine only lengthens.
    expect((groups?.at ?? 0) - throttledAt).toBeGreaterThanOrEqual(1_000);
  });
});

describe('checkThroughput', () => {
  const plan = { rps: 25, seconds: 10 };

  test('passes 250 answers of 200 within ten seconds', () => {
    const exchanges = Array.from({ length: 250 }, () => exchangeOf({ body: { totalResults: 0 } }));
    expect(checkThroughput(exchanges, plan, 10_050).hasFailed()).toBe(false);
  });

  test('fails on a 429 and shows the first one', () => {
    const exchanges = Array.from({ length: 250 }, (_, i) => exchangeOf(i === 100 ? { status: 429, headers: { 'retry-after': '5' } } : { body: {} }));
    const run = checkThroughput(exchanges, plan, 10_000);
    expect(run.findings[0]?.code).toBe('THROUGHPUT_ENTRA_25_RPS');
    expect(run.findings[0]?.got).toMatch(/^250 requests in 10\.0 s \(25\.0 per second\): 249 × 200, 1 × 429; 1 throttled/);
  });

  test('fails when the server is too slow to keep up with the schedule', () => {
    const exchanges = Array.from({ length: 250 }, () => exchangeOf({ body: {} }));
    expect(checkThroughput(exchanges, plan, 14_000).hasFailed()).toBe(true);
  });
});
