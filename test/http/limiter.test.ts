/**
 * The run's one limiter: a bound on requests in flight that halves when the server shows it has
 * enough and recovers gradually, Retry-After and SCIM_MAX_RPS, all in memory the worker threads
 * share. Counts and order, never milliseconds: held requests are answered by the test, and the
 * clock is Vitest's fake one.
 */
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { RunHalted } from '../../src/http/gate.js';
import { Limiter } from '../../src/http/limiter.js';
import { peakInFlight } from '../support/gate-load.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A few turns of the event loop: a place given back wakes its waiters in a task, not a microtask. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Requests through `limiter` that stay in flight until the test answers them, oldest first, with
 * a status (noted as the client notes it) and a latency.
 */
function heldRequests(limiter: Limiter) {
  const waiting: Array<(answer: { status: number; latencyMs: number }) => void> = [];
  let started = 0;
  const send = (count: number) => {
    for (let i = 0; i < count; i++) {
      void limiter.run(async () => {
        started++;
        const answer = await new Promise<{ status: number; latencyMs: number }>((resolve) => waiting.push(resolve));
        limiter.note(answer);
      });
    }
  };
  const answer = async (status: number, latencyMs = 100) => {
    const oldest = waiting.shift();
    if (oldest === undefined) throw new Error('no request in flight to answer');
    oldest({ status, latencyMs });
    await settle();
  };
  return { send, answer, started: () => started, inFlight: () => waiting.length };
}

describe('the bound on requests in flight', () => {
  test('starts at SCIM_MAX_IN_FLIGHT: that many go out at once, the rest wait', async () => {
    const limiter = new Limiter({ maxInFlight: 8 });
    const requests = heldRequests(limiter);
    requests.send(12);
    await settle();
    expect(requests.started()).toBe(8);
    expect(limiter.bound).toBe(8);
  });

  test('halves at the first 429, once for the requests already in flight, and recovers one place per bound of good answers', async () => {
    const limiter = new Limiter({ maxInFlight: 8 });
    const requests = heldRequests(limiter);
    requests.send(60);
    await settle();
    await requests.answer(429);
    expect(limiter.bound).toBe(4);
    // The seven others were sent before the halving: their 429s say nothing new.
    for (let i = 0; i < 7; i++) await requests.answer(429);
    expect(limiter.bound).toBe(4);
    expect(limiter.slowdowns).toBe(1);
    // Eight answered, and the bound of 4 let four more out in their places.
    expect(requests.started()).toBe(12);
    expect(requests.inFlight()).toBe(4);
    const bounds: number[] = [];
    for (let i = 0; i < 4 + 5 + 6 + 7; i++) {
      await requests.answer(200);
      bounds.push(limiter.bound);
      expect(requests.inFlight()).toBeLessThanOrEqual(limiter.bound);
    }
    expect(bounds).toEqual([4, 4, 4, 5, ...[5, 5, 5, 5, 6], ...[6, 6, 6, 6, 6, 7], ...[7, 7, 7, 7, 7, 7, 8]]);
    // Back at SCIM_MAX_IN_FLIGHT, it grows no further.
    for (let i = 0; i < 8; i++) await requests.answer(200);
    expect(limiter.bound).toBe(8);
    expect(requests.inFlight()).toBe(8);
  });

  test('halves at a 503 too, and again at the first 429 of requests sent after the halving, down to one', async () => {
    const limiter = new Limiter({ maxInFlight: 4 });
    const requests = heldRequests(limiter);
    requests.send(20);
    await settle();
    await requests.answer(503);
    expect(limiter.bound).toBe(2);
    for (let i = 0; i < 3; i++) await requests.answer(200);
    // Those three answers were of requests sent before: no place was earned by them.
    expect(limiter.bound).toBe(2);
    await requests.answer(429);
    expect(limiter.bound).toBe(1);
    await requests.answer(429);
    await requests.answer(429);
    expect(limiter.bound).toBe(1);
    expect(limiter.slowdowns).toBe(3);
  });

  test('halves when answers grow sharply slower, not when one is slow', async () => {
    const limiter = new Limiter({ maxInFlight: 8 });
    const requests = heldRequests(limiter);
    requests.send(60);
    await settle();
    for (let i = 0; i < 8; i++) await requests.answer(200, 100);
    // One slow answer among fast ones is not a trend.
    await requests.answer(200, 3_000);
    await requests.answer(200, 100);
    expect(limiter.slowdowns).toBe(0);
    let answered = 0;
    while (limiter.slowdowns === 0 && answered < 30) {
      await requests.answer(200, 3_000);
      answered++;
    }
    expect(limiter.slowdowns).toBe(1);
    expect(limiter.bound).toBe(4);
    expect(answered).toBeGreaterThan(1);
  });

  test('control: answers that come back fine, fast or slow alike, never lower it', async () => {
    const limiter = new Limiter({ maxInFlight: 4 });
    const requests = heldRequests(limiter);
    requests.send(30);
    await settle();
    for (let i = 0; i < 30; i++) await requests.answer(i % 2 === 0 ? 200 : 404, 400);
    expect(limiter.slowdowns).toBe(0);
    expect(limiter.bound).toBe(4);
  });

  test('is one bound for every thread: a limiter on the run memory sees the halving, and a busy one may use every place', async () => {
    const main = new Limiter({ maxInFlight: 4 });
    const worker = new Limiter(main.memory);
    expect(await peakInFlight([main, worker], 8)).toBe(4);
    await main.run(async () => main.note({ status: 429, latencyMs: 1 }));
    expect(worker.bound).toBe(2);
    expect(await peakInFlight([worker], 8)).toBe(2);
  });
});

describe('Retry-After and SCIM_MAX_RPS', () => {
  test('SCIM_MAX_RPS spaces the starts evenly, with no burst at the start', async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new Limiter({ maxInFlight: 10, maxRps: 20 });
    const starts: number[] = [];
    const all = Promise.all(Array.from({ length: 5 }, () => limiter.run(async () => void starts.push(Date.now()))));
    await vi.advanceTimersByTimeAsync(1_000);
    await all;
    expect(starts).toEqual([0, 50, 100, 150, 200]);
  });

  test('control: without SCIM_MAX_RPS, no start waits for a clock', async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new Limiter({ maxInFlight: 10 });
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 5 }, () => limiter.run(async () => void starts.push(Date.now()))));
    expect(starts).toEqual([0, 0, 0, 0, 0]);
  });

  test('a pause asked for by one thread (Retry-After) holds back the others, and an earlier end does not shorten it', async () => {
    vi.useFakeTimers({ now: 1_000 });
    const main = new Limiter({ maxInFlight: 4 });
    const worker = new Limiter(main.memory);
    main.pause(1_300);
    main.pause(1_100);
    let startedAt = 0;
    const sent = worker.run(async () => void (startedAt = Date.now()));
    await vi.advanceTimersByTimeAsync(299);
    expect(startedAt).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await sent;
    expect(startedAt).toBe(1_300);
  });

  test('a failed request gives its place back', async () => {
    const limiter = new Limiter({ maxInFlight: 1 });
    await expect(limiter.run(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(limiter.inFlight).toBe(0);
    expect(await limiter.run(async () => 'next')).toBe('next');
  });
});

/**
 * Runs `work` while another worker thread holds one place in flight until it is told to give it
 * back (`release` in `signal`), or for `ms`. The thread uses the memory as the limiter does (the
 * in-flight count is the first Int32), so it needs no TypeScript; it marks the release first.
 */
async function whileAnotherThreadHolds<T>(memory: SharedArrayBuffer, ms: number, work: (released: Int32Array) => Promise<T>): Promise<T> {
  const released = new Int32Array(new SharedArrayBuffer(4));
  const other = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const inFlight = new Int32Array(workerData.memory, 0, 1);
     Atomics.add(inFlight, 0, 1);
     parentPort.postMessage('holding');
     setTimeout(() => { Atomics.store(workerData.released, 0, 1); Atomics.sub(inFlight, 0, 1); Atomics.notify(inFlight, 0); }, workerData.ms);`,
    { eval: true, workerData: { memory, ms, released } },
  );
  try {
    await new Promise((resolve) => other.once('message', resolve));
    return await work(released);
  } finally {
    await other.terminate();
  }
}

describe('halting every thread', () => {
  test('an interrupt refuses waiting and new requests, and returns once those in flight are answered', async () => {
    const limiter = new Limiter({ maxInFlight: 1 });
    await whileAnotherThreadHolds(limiter.memory, 200, async (released) => {
      const waiting = limiter.run(async () => 'sent');
      expect(limiter.interrupt(5_000)).toBe(0);
      expect(Atomics.load(released, 0)).toBe(1);
      await expect(waiting).rejects.toBeInstanceOf(RunHalted);
      await expect(limiter.run(async () => 'sent')).rejects.toBeInstanceOf(RunHalted);
    });
  });

  test('an interrupt gives up waiting at its timeout and says how many are still in flight', async () => {
    const limiter = new Limiter({ maxInFlight: 4 });
    await whileAnotherThreadHolds(limiter.memory, 60_000, async () => {
      expect(limiter.interrupt(50)).toBe(1);
    });
  });

  test('a place held by another thread is waited for without blocking this one, and taken when given back', async () => {
    const limiter = new Limiter({ maxInFlight: 1 });
    await whileAnotherThreadHolds(limiter.memory, 200, async (released) => {
      let ticks = 0;
      const ticking = setInterval(() => ticks++, 5);
      const releasedWhenStarted = await limiter.run(async () => Atomics.load(released, 0));
      clearInterval(ticking);
      expect(releasedWhenStarted).toBe(1);
      expect(ticks).toBeGreaterThan(0);
    });
  });
});
