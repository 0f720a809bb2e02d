import { RunHalted, type Gate } from './gate.js';
import { sleep } from './limiter.js';

export { RunHalted } from './gate.js';

/**
 * The run's politeness limits in memory that every worker thread shares. A request then waits on
 * nothing but the limits themselves: asking the main process (SharedGate) costs a round trip to
 * a thread that, just when the first requests go out, is busy loading the workers' code. Worker
 * threads only (Vitest's default here); worker processes (`--pool forks`) ask the main process.
 *
 * The same rules as a Limiter: at most `maxInFlight` requests at once, starts spaced evenly for
 * `maxRps`, and a pause for everyone when a server asks for one with Retry-After. The silence
 * watch (src/http/silence.ts) keeps its count here too, so that every thread stops when it trips.
 */
export class MemoryGate implements Gate {
  private readonly counts: Int32Array;
  /** Microseconds since the epoch: the earliest next start, and the end of a Retry-After pause. */
  private readonly times: BigInt64Array;
  private readonly intervalUs: bigint;
  /** The silence watch: the count of silent requests in a row, a lock for the texts, their lengths, the report's claim. */
  private readonly watch: Int32Array;
  private readonly memory: SharedArrayBuffer;

  constructor(
    memory: SharedArrayBuffer,
    private readonly max: number,
    maxRps = Number.POSITIVE_INFINITY,
    private readonly now: () => number = Date.now,
  ) {
    this.counts = new Int32Array(memory, 0, 2);
    this.times = new BigInt64Array(memory, 8, 2);
    this.watch = new Int32Array(memory, WATCH_AT, WATCH_INTS);
    this.memory = memory;
    this.intervalUs = maxRps === Number.POSITIVE_INFINITY ? 0n : BigInt(Math.ceil(1_000_000 / maxRps));
  }

  /** What every thread's MemoryGate of one run is built on: made once, in the main process. */
  static memory(): SharedArrayBuffer {
    return new SharedArrayBuffer(TEXT_AT + 2 * TEXT_BYTES);
  }

  /**
   * Stops every thread's requests and waits (blocking, up to `timeoutMs`) for those in flight to be
   * answered: what an interrupted run does before it deletes its test data, so that no request it
   * sent creates something after the cleanup has looked. Returns how many are still in flight.
   */
  static halt(memory: SharedArrayBuffer, timeoutMs: number): number {
    const counts = new Int32Array(memory, 0, 2);
    Atomics.store(counts, STOPPED, INTERRUPTED);
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

  answered(request: string): void {
    Atomics.store(this.watch, SILENT_IN_A_ROW, 0);
    this.writeText(LAST_ANSWERED, request);
  }

  unanswered(): number {
    return Atomics.add(this.watch, SILENT_IN_A_ROW, 1) + 1;
  }

  lastAnswered(): string | undefined {
    return this.readText(LAST_ANSWERED);
  }

  halt(cause: string): void {
    if (Atomics.load(this.counts, STOPPED) !== 0) return;
    this.writeText(CAUSE, cause);
    Atomics.compareExchange(this.counts, STOPPED, 0, SILENT);
    Atomics.notify(this.counts, IN_FLIGHT);
  }

  /** The silence's cause; an interrupt is not told here (the main process cleans up and exits). */
  haltCause(): string | undefined {
    return Atomics.load(this.counts, STOPPED) === SILENT ? this.readText(CAUSE) : undefined;
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

  claimReport(): boolean {
    return Atomics.compareExchange(this.watch, REPORT_CLAIMED, 0, 1) === 0;
  }

  private refuseIfHalted(): void {
    const stopped = Atomics.load(this.counts, STOPPED);
    if (stopped !== 0) throw new RunHalted(stopped === SILENT ? this.readText(CAUSE) : undefined);
  }

  /** Texts are written by any thread: a short lock keeps a reader from seeing half of one. */
  private writeText(slot: TextSlot, text: string): void {
    this.locked(() => {
      const length = Buffer.from(this.memory, TEXT_AT + slot.index * TEXT_BYTES, TEXT_BYTES).write(text, 'utf8');
      Atomics.store(this.watch, slot.length, length);
    });
  }

  private readText(slot: TextSlot): string | undefined {
    return this.locked(() => {
      const length = Atomics.load(this.watch, slot.length);
      return length === 0 ? undefined : Buffer.from(this.memory, TEXT_AT + slot.index * TEXT_BYTES, length).toString('utf8');
    });
  }

  private locked<T>(work: () => T): T {
    // Held for the copy of a few hundred bytes: spinning is cheaper than waiting.
    while (Atomics.compareExchange(this.watch, TEXT_LOCK, 0, 1) !== 0);
    try {
      return work();
    } finally {
      Atomics.store(this.watch, TEXT_LOCK, 0);
    }
  }

  private nowUs(): bigint {
    return BigInt(Math.round(this.now() * 1000));
  }
}

const IN_FLIGHT = 0;
/** 0 while requests go on, INTERRUPTED after Ctrl-C, SILENT when the silence watch tripped. */
const STOPPED = 1;
const INTERRUPTED = 1;
const SILENT = 2;
const WATCH_AT = 24;
const SILENT_IN_A_ROW = 0;
const TEXT_LOCK = 1;
const REPORT_CLAIMED = 4;
const WATCH_INTS = 5;
const TEXT_AT = WATCH_AT + WATCH_INTS * 4;
const TEXT_BYTES = 512;
interface TextSlot {
  index: number;
  /** Where its length in bytes is, in `watch`. */
  length: number;
}
const LAST_ANSWERED: TextSlot = { index: 0, length: 2 };
const CAUSE: TextSlot = { index: 1, length: 3 };
const NEXT_START = 0;
const PAUSED_UNTIL = 1;
