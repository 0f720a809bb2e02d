import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { MemoryGate, RunHalted } from '../../src/http/memory-gate.js';
import { peakInFlight, startTimes } from '../support/gate-load.js';

/**
 * Runs `work` while another worker thread holds one place in flight, for `ms` from when it took
 * it. The thread uses the memory as a gate does (the in-flight count is the first Int32), so it
 * needs no TypeScript.
 */
async function whileAnotherThreadHolds<T>(memory: SharedArrayBuffer, ms: number, work: () => Promise<T>): Promise<T> {
  const other = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const inFlight = new Int32Array(workerData.memory, 0, 1);
     Atomics.add(inFlight, 0, 1);
     parentPort.postMessage('holding');
     setTimeout(() => { Atomics.sub(inFlight, 0, 1); Atomics.notify(inFlight, 0); }, workerData.ms);`,
    { eval: true, workerData: { memory, ms } },
  );
  try {
    await new Promise((resolve) => other.once('message', resolve));
    return await work();
  } finally {
    await other.terminate();
  }
}

/** Two spec files' gates on the run's one memory, as two worker threads have them. */
function twoGates(maxInFlight: number, maxRps?: number): [MemoryGate, MemoryGate] {
  const memory = MemoryGate.memory();
  return [new MemoryGate(memory, maxInFlight, maxRps), new MemoryGate(memory, maxInFlight, maxRps)];
}

describe('limits in memory shared by the worker threads', () => {
  test('no more than maxInFlight requests are in flight across all gates, and a busy one may use them all', async () => {
    const [a, b] = twoGates(3);
    expect(await peakInFlight([a, b], 8)).toBe(3);
    expect(a.inFlight).toBe(0);
    expect(await peakInFlight([a], 8)).toBe(3);
  });

  test('requests start no faster than maxRps across all gates, evenly spaced', async () => {
    const starts = await startTimes(twoGates(10, 20), 5);
    // 10 starts at 20 a second: the last about 450 ms after the first, none two closer than ~50 ms.
    expect((starts.at(-1) ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(440);
    const gaps = starts.slice(1).map((start, i) => start - (starts[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(45);
  });

  test('a pause asked for by one gate (Retry-After) holds back the others', async () => {
    const [a, b] = twoGates(4);
    const asked = Date.now();
    a.pause(asked + 300);
    a.pause(asked + 100); // an earlier end does not shorten the pause
    let startedAt = 0;
    await b.run(async () => {
      startedAt = Date.now();
    });
    expect(startedAt - asked).toBeGreaterThanOrEqual(295);
  });

  test('a failed request gives its place back', async () => {
    const [a] = twoGates(1);
    await expect(a.run(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(a.inFlight).toBe(0);
    expect(await a.run(async () => 'next')).toBe('next');
  });

  test('halt (an interrupted run): refuses waiting and new requests, and returns once those in flight are answered', async () => {
    const memory = MemoryGate.memory();
    await whileAnotherThreadHolds(memory, 200, async () => {
      const gate = new MemoryGate(memory, 1);
      const waiting = gate.run(async () => 'sent');
      const asked = Date.now();
      expect(MemoryGate.halt(memory, 2000)).toBe(0);
      expect(Date.now() - asked).toBeGreaterThanOrEqual(150);
      await expect(waiting).rejects.toBeInstanceOf(RunHalted);
      await expect(gate.run(async () => 'sent')).rejects.toBeInstanceOf(RunHalted);
    });
  });

  test('halt gives up waiting at its timeout and says how many are still in flight', async () => {
    const memory = MemoryGate.memory();
    await whileAnotherThreadHolds(memory, 5000, async () => {
      const asked = Date.now();
      expect(MemoryGate.halt(memory, 100)).toBe(1);
      expect(Date.now() - asked).toBeLessThan(1000);
    });
  });

  test('a place held by another thread is waited for without blocking this one, and taken when given back', async () => {
    const memory = MemoryGate.memory();
    await whileAnotherThreadHolds(memory, 200, async () => {
      const gate = new MemoryGate(memory, 1);
      const asked = Date.now();
      let ticks = 0;
      const ticking = setInterval(() => ticks++, 10);
      const startedAt = await gate.run(async () => Date.now());
      clearInterval(ticking);
      // Taken when given back (at 200 ms), not on some later poll.
      expect(startedAt - asked).toBeGreaterThanOrEqual(150);
      expect(startedAt - asked).toBeLessThan(500);
      expect(ticks).toBeGreaterThan(5);
    });
  });
});
