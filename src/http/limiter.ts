import { RunHalted, type Gate } from './gate.js';

/**
 * Keeps a run polite to a production-like staging server: at most `maxInFlight` requests at once,
 * at most `maxRps` started per second (evenly spaced, so there is no burst at the start), and a
 * pause for everyone when the server asks for one with Retry-After.
 */
export class Limiter implements Gate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private nextStart = 0;
  private pausedUntil = 0;

  constructor(
    private readonly max: number,
    maxRps = Number.POSITIVE_INFINITY,
    private readonly now: () => number = Date.now,
  ) {
    this.interval = maxRps === Number.POSITIVE_INFINITY ? 0 : 1000 / maxRps;
  }

  private readonly interval: number;

  private silentInARow = 0;
  private lastAnsweredRequest: string | undefined;
  private stoppedBecause: string | undefined;
  private reported = false;

  async run<T>(task: () => Promise<T>): Promise<T> {
    this.refuseIfHalted();
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      await this.slot();
      this.refuseIfHalted();
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** Waits for the next start time the rate allows; also used for a retry of the same request. */
  async slot(): Promise<void> {
    const now = this.now();
    const start = Math.max(now, this.nextStart, this.pausedUntil);
    this.nextStart = start + this.interval;
    if (start > now) await sleep(start - now);
  }

  /** Nobody starts a request before `until` (the server said Retry-After). */
  pause(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  answered(request: string): void {
    this.silentInARow = 0;
    this.lastAnsweredRequest = request;
  }

  unanswered(): number {
    return ++this.silentInARow;
  }

  lastAnswered(): string | undefined {
    return this.lastAnsweredRequest;
  }

  halt(cause: string): void {
    this.stoppedBecause ??= cause;
    // Those waiting for a place wake up, see the halt, and give up.
    for (const wake of this.waiting.splice(0)) wake();
  }

  haltCause(): string | undefined {
    return this.stoppedBecause;
  }

  claimReport(): boolean {
    if (this.reported) return false;
    this.reported = true;
    return true;
  }

  private refuseIfHalted(): void {
    if (this.stoppedBecause !== undefined) throw new RunHalted(this.stoppedBecause);
  }

  get inFlight(): number {
    return this.active;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
