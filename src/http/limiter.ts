import { RunHalted, type Answer, type Gate } from './gate.js';
import { RETRYABLE_STATUSES } from './retry-after.js';
import { SILENT_REQUESTS_IN_A_ROW, type SilentMark } from './silence.js';

export interface Limits {
  /** SCIM_MAX_IN_FLIGHT: where the bound on requests in flight starts, and the most it recovers to. */
  maxInFlight: number;
  /** SCIM_MAX_RPS, opt-in: requests started per second at most, evenly spaced. */
  maxRps?: number | undefined;
}

/**
 * The run's one limiter. Politeness is a bound on requests in flight, adapted to the server as
 * TCP adapts its window: it halves at the first 429 or 503, or when answers grow sharply slower,
 * and grows back by one place each time a bound's worth of answers came back fine. A Retry-After
 * pauses every request; SCIM_MAX_RPS, when set, spaces the starts evenly.
 *
 * Its state is a SharedArrayBuffer, so the spec files' worker threads share one limiter: each
 * builds one on the run's memory, and waiting for a place blocks no thread. In one thread (the
 * CLI, our tests) it is the same class on memory of its own. The silence watch
 * (src/http/silence.ts) keeps its count here too, so every thread stops when it trips.
 */
export class Limiter implements Gate {
  private readonly ints: Int32Array;
  /** Microseconds since the epoch: the earliest next start, and the end of a Retry-After pause; the spacing. */
  private readonly times: BigInt64Array;

  readonly memory: SharedArrayBuffer;

  /**
   * `limits` for a limiter on memory of its own; or the run's memory, made with the limits in the
   * main process, to share its limiter. `now` is the clock (Vitest's fake one in tests).
   */
  constructor(
    limits: Limits | SharedArrayBuffer,
    private readonly now: () => number = Date.now,
  ) {
    this.memory = limits instanceof SharedArrayBuffer ? limits : newMemory(limits);
    this.ints = new Int32Array(this.memory, 0, INTS);
    this.times = new BigInt64Array(this.memory, TIMES_AT, TIMES);
  }

  /** The bound on requests in flight now. */
  get bound(): number {
    return Atomics.load(this.ints, BOUND);
  }

  get inFlight(): number {
    return Atomics.load(this.ints, IN_FLIGHT);
  }

  /** How often the bound was halved: the server showed it had enough. */
  get slowdowns(): number {
    return Atomics.load(this.ints, SLOWDOWNS);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // Under way from the call, waiting for a place too: the silence watch waits on these (`silenced`).
    Atomics.add(this.ints, PENDING, 1);
    try {
      await this.enter();
      try {
        await this.slot();
        this.refuseIfHalted();
        return await task();
      } finally {
        Atomics.sub(this.ints, IN_FLIGHT, 1);
        // Every thread's waiters may try: one of them may be busy, another free to send.
        Atomics.notify(this.ints, IN_FLIGHT);
      }
    } finally {
      // After the task told the watch what it got: a waiter that wakes here sees it.
      Atomics.sub(this.ints, PENDING, 1);
      Atomics.notify(this.ints, PENDING);
    }
  }

  async slot(): Promise<void> {
    for (;;) {
      const now = BigInt(Math.round(this.now() * 1000));
      const next = Atomics.load(this.times, NEXT_START);
      const start = [now, next, Atomics.load(this.times, PAUSED_UNTIL)].reduce((a, b) => (a > b ? a : b));
      // Another thread took this start first: read again.
      if (Atomics.compareExchange(this.times, NEXT_START, next, start + Atomics.load(this.times, SPACING)) !== next) continue;
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

  note(answer: Answer): void {
    // Sent before the bound was last halved: what it says was said already.
    if (this.answeredSinceHalving()) return;
    if (answer.status === undefined) return;
    const rising = this.latencyRising(answer.latencyMs);
    if (RETRYABLE_STATUSES.has(answer.status) || rising) this.halve();
    else this.growAfterGoodAnswer();
  }

  /** Stops every request from now on, and every one waiting, with `cause`. */
  halt(cause: string): void {
    if (Atomics.load(this.ints, STOPPED) !== 0) return;
    this.writeText(CAUSE, cause);
    Atomics.compareExchange(this.ints, STOPPED, 0, SILENT);
    Atomics.notify(this.ints, IN_FLIGHT);
  }

  /**
   * Stops every thread's requests and waits (blocking, up to `timeoutMs`) for those in flight to be
   * answered: what an interrupted run does before it deletes its test data, so that no request it
   * sent creates something after the cleanup has looked. Returns how many are still in flight.
   */
  interrupt(timeoutMs: number): number {
    Atomics.store(this.ints, STOPPED, INTERRUPTED);
    Atomics.notify(this.ints, IN_FLIGHT);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const inFlight = Atomics.load(this.ints, IN_FLIGHT);
      if (inFlight === 0 || Date.now() >= deadline) return inFlight;
      Atomics.wait(this.ints, IN_FLIGHT, inFlight, deadline - Date.now());
    }
  }

  /** The silence's cause; an interrupt is not told here (the main process cleans up and exits). */
  haltCause(): string | undefined {
    return Atomics.load(this.ints, STOPPED) === SILENT ? this.readText(CAUSE) : undefined;
  }

  answered(request: string): void {
    // The row that stopped the run stays the last: the requests it kept back are told by it (`silenced`).
    this.updateWatch((watch) => (watch.tripped ? watch : { row: (watch.row + 1) % ROWS, inARow: 0, tripped: false }));
    this.writeText(LAST_ANSWERED, request);
  }

  unanswered(): SilentMark {
    const { row, inARow } = this.updateWatch((watch) => {
      const next = Math.min(watch.inARow + 1, MAX_IN_A_ROW);
      return { row: watch.row, inARow: next, tripped: watch.tripped || next >= SILENT_REQUESTS_IN_A_ROW };
    });
    return { row, inARow };
  }

  async silenced(mark: SilentMark): Promise<boolean> {
    for (;;) {
      // Read first: a request that ends after this read wakes the wait below, or keeps it from starting.
      const pending = Atomics.load(this.ints, PENDING);
      const stopped = Atomics.load(this.ints, STOPPED);
      const watch = unpackWatch(Atomics.load(this.ints, WATCH));
      if (stopped === INTERRUPTED || watch.row !== mark.row) return false;
      // The row stopped the run once its halt is told (the request that stopped it is still under way until then).
      if (watch.tripped && stopped === SILENT) return true;
      if (pending === 0) return false;
      const wait = Atomics.waitAsync(this.ints, PENDING, pending);
      if (wait.async) await wait.value;
    }
  }

  lastAnswered(): string | undefined {
    return this.readText(LAST_ANSWERED);
  }

  claimReport(): boolean {
    return Atomics.compareExchange(this.ints, REPORT_CLAIMED, 0, 1) === 0;
  }

  /** Takes a place under the bound, waiting (without blocking the thread) until one is free. */
  private async enter(): Promise<void> {
    for (;;) {
      this.refuseIfHalted();
      const active = Atomics.load(this.ints, IN_FLIGHT);
      if (active < Atomics.load(this.ints, BOUND)) {
        if (Atomics.compareExchange(this.ints, IN_FLIGHT, active, active + 1) === active) return;
        continue;
      }
      // Resolves when a place is given back or the bound grows (at once if either happened since the load).
      const wait = Atomics.waitAsync(this.ints, IN_FLIGHT, active);
      if (wait.async) await wait.value;
    }
  }

  /** True for an answer to a request that was in flight when the bound was halved. */
  private answeredSinceHalving(): boolean {
    for (;;) {
      const left = Atomics.load(this.ints, BEFORE_HALVING);
      if (left <= 0) return false;
      if (Atomics.compareExchange(this.ints, BEFORE_HALVING, left, left - 1) === left) return true;
    }
  }

  /** Halves the bound, once for everything in flight now: their answers are ignored (`answeredSinceHalving`). */
  private halve(): void {
    // Another thread is halving: once is enough.
    if (Atomics.compareExchange(this.ints, BEFORE_HALVING, 0, HALVING) !== 0) return;
    const bound = Atomics.load(this.ints, BOUND);
    Atomics.store(this.ints, BOUND, Math.max(1, Math.floor(bound / 2)));
    Atomics.store(this.ints, GOOD_ANSWERS, 0);
    Atomics.add(this.ints, SLOWDOWNS, 1);
    // The others in flight: this answer's request still holds its place.
    Atomics.store(this.ints, BEFORE_HALVING, Math.max(0, Atomics.load(this.ints, IN_FLIGHT) - 1));
  }

  /** One place more once a bound's worth of answers came back fine, up to SCIM_MAX_IN_FLIGHT. */
  private growAfterGoodAnswer(): void {
    const bound = Atomics.load(this.ints, BOUND);
    if (bound >= Atomics.load(this.ints, MAX_IN_FLIGHT)) return;
    if (Atomics.add(this.ints, GOOD_ANSWERS, 1) + 1 < bound) return;
    if (Atomics.compareExchange(this.ints, BOUND, bound, bound + 1) !== bound) return;
    Atomics.store(this.ints, GOOD_ANSWERS, 0);
    Atomics.notify(this.ints, IN_FLIGHT);
  }

  /**
   * Keeps the smoothed latency (as TCP smooths its round-trip time) and the fastest answer seen;
   * rising sharply means the smoothed latency is well above the fastest, by a margin that the
   * delays of a busy client of ours (an event loop held up by its own work) rarely reach.
   */
  private latencyRising(latencyMs: number): boolean {
    const us = Math.max(1, Math.round(latencyMs * 1000));
    const fastest = Atomics.load(this.ints, FASTEST_US);
    if (fastest === 0 || us < fastest) Atomics.store(this.ints, FASTEST_US, us);
    const smoothed = Atomics.load(this.ints, SMOOTHED_US);
    const next = smoothed === 0 ? us : Math.round(smoothed + (us - smoothed) / SMOOTHING);
    Atomics.store(this.ints, SMOOTHED_US, next);
    const base = Atomics.load(this.ints, FASTEST_US);
    return next > RISE_FACTOR * base + RISE_MARGIN_MS * 1000;
  }

  private refuseIfHalted(): void {
    const stopped = Atomics.load(this.ints, STOPPED);
    if (stopped !== 0) throw new RunHalted(stopped === SILENT ? this.readText(CAUSE) : undefined);
  }

  /** The watch's row and count change together, in one word: no thread sees one changed without the other. */
  private updateWatch(change: (watch: Watch) => Watch): Watch {
    for (;;) {
      const word = Atomics.load(this.ints, WATCH);
      const next = change(unpackWatch(word));
      if (Atomics.compareExchange(this.ints, WATCH, word, packWatch(next)) === word) return next;
    }
  }

  /** Texts are written by any thread: a short lock keeps a reader from seeing half of one. */
  private writeText(slot: TextSlot, text: string): void {
    this.locked(() => {
      const length = Buffer.from(this.memory, TEXT_AT + slot.index * TEXT_BYTES, TEXT_BYTES).write(text, 'utf8');
      Atomics.store(this.ints, slot.length, length);
    });
  }

  private readText(slot: TextSlot): string | undefined {
    return this.locked(() => {
      const length = Atomics.load(this.ints, slot.length);
      return length === 0 ? undefined : Buffer.from(this.memory, TEXT_AT + slot.index * TEXT_BYTES, length).toString('utf8');
    });
  }

  private locked<T>(work: () => T): T {
    // Held for the copy of a few hundred bytes: spinning is cheaper than waiting.
    while (Atomics.compareExchange(this.ints, TEXT_LOCK, 0, 1) !== 0);
    try {
      return work();
    } finally {
      Atomics.store(this.ints, TEXT_LOCK, 0);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A latency smoothed over about this many answers, so that one slow request is not a trend. */
const SMOOTHING = 8;
/** Sharply rising: the smoothed latency above this many times the fastest answer, plus RISE_MARGIN_MS. */
const RISE_FACTOR = 3;
const RISE_MARGIN_MS = 500;

// The Int32s.
const IN_FLIGHT = 0;
const BOUND = 1;
const MAX_IN_FLIGHT = 2;
/** Answers that came back fine since the bound last changed. */
const GOOD_ANSWERS = 3;
/** Answers still to come from requests sent before the last halving (HALVING while it is under way). */
const BEFORE_HALVING = 4;
const HALVING = -1;
const SLOWDOWNS = 5;
const FASTEST_US = 6;
const SMOOTHED_US = 7;
/** 0 while requests go on, INTERRUPTED after Ctrl-C, SILENT when the silence watch tripped. */
const STOPPED = 8;
const INTERRUPTED = 1;
const SILENT = 2;
/** The silence watch's word (packWatch): the row of silent requests, how many in it, whether it stopped the run. */
const WATCH = 9;
const TEXT_LOCK = 10;
const REPORT_CLAIMED = 11;
interface TextSlot {
  index: number;
  /** Where its length in bytes is, among the Int32s. */
  length: number;
}
const LAST_ANSWERED: TextSlot = { index: 0, length: 12 };
const CAUSE: TextSlot = { index: 1, length: 13 };
/** Requests under way: waiting for a place, or in flight. */
const PENDING = 14;
const INTS = 15;
// The BigInt64s, after the Int32s (8-byte aligned).
const TIMES_AT = 64;
const NEXT_START = 0;
const PAUSED_UNTIL = 1;
const SPACING = 2;
const TIMES = 3;
const TEXT_AT = TIMES_AT + TIMES * 8;
const TEXT_BYTES = 512;

interface Watch extends SilentMark {
  /** This row reached SILENT_REQUESTS_IN_A_ROW: the run stops, and the row is the last. */
  tripped: boolean;
}

/** Rows are told apart by equality only: counted modulo this, they fit the word with the count and the flag. */
const ROWS = 1 << 22;
const IN_A_ROW_SPAN = 256;
const MAX_IN_A_ROW = IN_A_ROW_SPAN - 1;
const TRIPPED_FLAG = ROWS * IN_A_ROW_SPAN;

function packWatch({ row, inARow, tripped }: Watch): number {
  return (tripped ? TRIPPED_FLAG : 0) + row * IN_A_ROW_SPAN + inARow;
}

function unpackWatch(word: number): Watch {
  const rest = word % TRIPPED_FLAG;
  return { row: Math.floor(rest / IN_A_ROW_SPAN), inARow: rest % IN_A_ROW_SPAN, tripped: word >= TRIPPED_FLAG };
}

function newMemory(limits: Limits): SharedArrayBuffer {
  const memory = new SharedArrayBuffer(TEXT_AT + 2 * TEXT_BYTES);
  const ints = new Int32Array(memory, 0, INTS);
  ints[BOUND] = limits.maxInFlight;
  ints[MAX_IN_FLIGHT] = limits.maxInFlight;
  const rps = limits.maxRps;
  new BigInt64Array(memory, TIMES_AT, TIMES)[SPACING] = rps === undefined ? 0n : BigInt(Math.ceil(1_000_000 / rps));
  return memory;
}
