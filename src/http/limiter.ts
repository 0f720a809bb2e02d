import type { Gate } from './gate.js';

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

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      await this.slot();
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

  get inFlight(): number {
    return this.active;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
