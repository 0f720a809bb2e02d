import { request } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { Limiter, sleep } from '../../src/http/limiter.js';
import { serveSharedLimits, SharedGate, type SharedLimits } from '../../src/http/shared-limits.js';
import { peakInFlight, startTimes } from '../support/gate-load.js';

const services: SharedLimits[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
});

async function service(limits: { maxInFlight: number; maxRps?: number }): Promise<SharedLimits> {
  const started = await serveSharedLimits(limits);
  services.push(started);
  return started;
}

/** A worker's gate; its own fallback would allow far more than the shared limits. */
const worker = (url: string) => new SharedGate(url, new Limiter(100));

describe('limits shared by several workers', () => {
  test('no more than maxInFlight requests are in flight across all workers, and a busy worker may use them all', async () => {
    const { url } = await service({ maxInFlight: 3 });
    const [a, b] = [worker(url), worker(url)];
    expect(await peakInFlight([a, b], 8)).toBe(3);
    expect(await peakInFlight([a], 8)).toBe(3);
  });

  test('requests start no faster than maxRps across all workers', async () => {
    const { url } = await service({ maxInFlight: 10, maxRps: 20 });
    const starts = await startTimes([worker(url), worker(url)], 5);
    // 10 starts at 20 a second: the last about 450 ms after the first.
    expect((starts.at(-1) ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(400);
  });

  test("a worker that dies holding a place gives it back: the place is its open connection", async () => {
    const { url } = await service({ maxInFlight: 1 });
    const { hostname, port, pathname } = new URL(url);
    const held = await new Promise<() => void>((resolve) => {
      const req = request({ host: hostname, port, path: `${pathname}/place`, agent: false }, () => resolve(() => req.destroy()));
      req.on('error', () => {});
      req.end();
    });
    let ran = false;
    const waiting = worker(url).run(async () => {
      ran = true;
    });
    await sleep(100);
    expect(ran).toBe(false);
    held();
    await waiting;
    expect(ran).toBe(true);
  });

  test('answers only at its secret address: the run service hands out credentials', async () => {
    const { url } = await service({ maxInFlight: 1 });
    const { hostname, port } = new URL(url);
    const status = await new Promise<number | undefined>((resolve) => {
      const req = request({ host: hostname, port, path: '/place', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', () => resolve(undefined));
      req.end();
    });
    expect(status).toBe(404);
  });

  test('a pause asked for by one worker (Retry-After) holds back the others', async () => {
    const { url } = await service({ maxInFlight: 4 });
    const [a, b] = [worker(url), worker(url)];
    const asked = Date.now();
    a.pause(asked + 300);
    await sleep(20);
    let startedAt = 0;
    await b.run(async () => {
      startedAt = Date.now();
    });
    expect(startedAt - asked).toBeGreaterThanOrEqual(280);
  });

  test('without the service (the main process is gone), a worker keeps to its own share and goes on', async () => {
    const { url, close } = await serveSharedLimits({ maxInFlight: 1 });
    await close();
    const gate = new SharedGate(url, new Limiter(2));
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        gate.run(async () => {
          peak = Math.max(peak, ++active);
          await sleep(10);
          active--;
          return i;
        }),
      ),
    );
    expect(results).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    await gate.slot();
  });
});
