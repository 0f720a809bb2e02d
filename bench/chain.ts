/**
 * The critical path of a run, from its HAR: the longest chain of requests that must follow one
 * another. Within one sender (the global setup, or one spec file), a request follows another when
 * it was sent only after the other was answered. The global setup (preflight, sweep) comes before
 * every spec file, so its chain and the longest spec file's chain add up.
 */
export interface TimedRequest {
  sentBy: string;
  startMs: number;
  endMs: number;
}

export const SETUP = 'global setup';
/** Timestamps in a HAR are to the millisecond; a request sent in the same millisecond still follows. */
const CLOCK_SLACK_MS = 1;

/** The longest chain of requests in which each was sent after the one before it answered. */
export function longestChain(requests: readonly TimedRequest[]): number {
  const sorted = [...requests].sort((a, b) => a.startMs - b.startMs);
  const depth: number[] = [];
  sorted.forEach((request, j) => {
    let best = 0;
    for (let i = 0; i < j; i++) {
      const before = sorted[i];
      if (before !== undefined && before.endMs <= request.startMs + CLOCK_SLACK_MS) best = Math.max(best, depth[i] ?? 0);
    }
    depth.push(best + 1);
  });
  return Math.max(0, ...depth);
}

export interface CriticalPath {
  /** Requests in the longest chain: the setup's, then the longest spec file's. */
  length: number;
  setup: number;
  longestSpec: { sentBy: string; length: number };
}

export function criticalPath(requests: readonly TimedRequest[]): CriticalPath {
  const bySender = new Map<string, TimedRequest[]>();
  for (const request of requests) bySender.set(request.sentBy, [...(bySender.get(request.sentBy) ?? []), request]);
  const setup = longestChain(bySender.get(SETUP) ?? []);
  let longestSpec = { sentBy: 'none', length: 0 };
  for (const [sentBy, sent] of bySender) {
    if (sentBy === SETUP) continue;
    const length = longestChain(sent);
    if (length > longestSpec.length) longestSpec = { sentBy, length };
  }
  return { length: setup + longestSpec.length, setup, longestSpec };
}

interface HarEntry {
  _sentBy?: string;
  startedDateTime: string;
  time: number;
}

/** The requests of a HAR written by SCIM_REPORTS=har. */
export function requestsOfHar(har: { log: { entries: HarEntry[] } }): TimedRequest[] {
  return har.log.entries.map((entry) => {
    const startMs = Date.parse(entry.startedDateTime);
    return { sentBy: entry._sentBy ?? 'unknown', startMs, endMs: startMs + entry.time };
  });
}

/** From the first request sent to the last answer received. */
export function networkWindowMs(requests: readonly TimedRequest[]): number {
  if (requests.length === 0) return 0;
  return Math.max(...requests.map((r) => r.endMs)) - Math.min(...requests.map((r) => r.startMs));
}

/** From the first request (the preflight) to the first a spec file sent: mostly the workers starting up. */
export function specStartMs(requests: readonly TimedRequest[]): number {
  const specs = requests.filter((r) => r.sentBy !== SETUP);
  if (requests.length === 0 || specs.length === 0) return 0;
  return Math.min(...specs.map((r) => r.startMs)) - Math.min(...requests.map((r) => r.startMs));
}
