import type { Gate } from './gate.js';
import { sleep } from './limiter.js';

/**
 * The run's politeness limits in memory that every worker thread shares. A request then waits on
 * nothing but the limits themselves: asking the main process (SharedGate) costs a round trip to
 * a thread that, just when the first requests go out, is busy loading the workers' code. Worker
 * threads only (Vitest's default here); worker processes (`--pool forks`) ask the main process.
 *
 * The same rules as a Limiter: at most `maxInFlight` requests at once, starts spaced evenly for
 * `maxRps`, and a pause for everyone when a server asks for one with Retry-After.
 */
export class MemoryGate implements Gate {
  private readonly counts: Int32Array;
  /** Microseconds since the epoch: the earliest next start, and the end of a Retry-After pause. */
  private readonly times: BigInt64Array;
  private readonly intervalUs: bigint;

  constructor(
    memory: SharedArrayBuffer,
    private readonly max: number,
    maxRps = Number.POSITIVE_INFINITY,
    private readonly now: () => number = Date.now,
  ) {
    this.counts = new Int32Array(memory, 0, 2);
    this.times = new BigInt64Array(memory, 8, 2);
    this.intervalUs = maxRps === Number.POSITIVE_INFINITY ? 0n : BigInt(Math.ceil(1_000_000 / maxRps));
  }

  /** What every thread's MemoryGate of one run is built on: made once, in the main process. */
  static memory(): SharedArrayBuffer {
    return new SharedArrayBuffer(24);
  }

  /**
   * Stops every thread's requests and waits (blocking, up to `timeoutMs`) for those in flight to be
   * answered: what an interrupted run does before it deletes its test data, so that no request it
   * sent creates something after the cleanup has looked. Returns how many are still in flight.
   */
  static halt(memory: SharedArrayBuffer, timeoutMs: number): number {
    const counts = new Int32Array(memory, 0, 2);
    Atomics.store(counts, STOPPED, 1);
    // Waiting requests wake up, see the stop, and give up.
    Atomics.notify(counts, IN_FLIGHT);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const inFlight = Atomics.load(counts, IN_FLIGHT);
      if (inFlight === 0 || Date.now() >= deadline) return inFlight;
      Atomics.wait(counts, IN_FLIGHT, inFlight, deadline - Date.now());
    }
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      await this.slot();
      this.refuseIfHalted();
      return await task();
    } finally {
      Atomics.sub(this.counts, IN_FLIGHT, 1);
      Atomics.notify(this.counts, IN_FLIGHT);
    }
  }

  async slot(): Promise<void> {
    for (;;) {
      const now = this.nowUs();
      const next = Atomics.load(this.times, NEXT_START);
      const start = [now, next, Atomics.load(this.times, PAUSED_UNTIL)].reduce((a, b) => (a > b ? a : b));
      // Another thread took this start first: read again.
      if (Atomics.compareExchange(this.times, NEXT_START, next, start + this.intervalUs) !== next) continue;
      if (start > now) await sleep(Number(start - now) / 1000);
      return;
    }
  }

  pause(until: number): void {
    const untilUs = BigInt(Math.ceil(until * 1000));
    for (;;) {
      const paused = Atomics.load(this.times, PAUSED_UNTIL);
      if (paused >= untilUs || Atomics.compareExchange(this.times, PAUSED_UNTIL, paused, untilUs) === paused) return;
    }
  }

  get inFlight(): number {
    return Atomics.load(this.counts, IN_FLIGHT);
  }

  /** Takes an in-flight place, waiting (without blocking the thread) until one is free. */
  private async enter(): Promise<void> {
    for (;;) {
      this.refuseIfHalted();
      const active = Atomics.load(this.counts, IN_FLIGHT);
      if (active < this.max) {
        if (Atomics.compareExchange(this.counts, IN_FLIGHT, active, active + 1) === active) return;
        continue;
      }
      // Resolves when a place is given back (at once if one already was since the load above).
      const wait = Atomics.waitAsync(this.counts, IN_FLIGHT, active);
      if (wait.async) await wait.value;
    }
  }

  private refuseIfHalted(): void {
    if (Atomics.load(this.counts, STOPPED) === 1) throw new RunHalted();
  }

  private nowUs(): bigint {
    return BigInt(Math.round(this.now() * 1000));
  }
}

/** Thrown instead of sending a request once the run was interrupted. */
export class RunHalted extends Error {
  override name = 'RunHalted';
  constructor() {
    super('the run was interrupted: no more requests are sent');
  }
}

const IN_FLIGHT = 0;
const STOPPED = 1;
const NEXT_START = 0;
const PAUSED_UNTIL = 1;
