import { describe, expect, test } from 'vitest';
import { criticalPath, longestChain, networkWindowMs, requestsOfHar, SETUP, specStartMs, type TimedRequest } from '../../bench/chain.js';

const sent = (sentBy: string, startMs: number, endMs = startMs + 100): TimedRequest => ({ sentBy, startMs, endMs });

describe('the longest chain of requests', () => {
  test('counts requests sent one after another, and not those sent together', () => {
    // Three in a row, and two more sent alongside the first.
    const requests = [sent('a', 0), sent('a', 0), sent('a', 0), sent('a', 100), sent('a', 200)];
    expect(longestChain(requests)).toBe(3);
  });

  test('a request sent in the same millisecond as the answer before it still follows it', () => {
    expect(longestChain([sent('a', 0, 100), sent('a', 99)])).toBe(2);
    expect(longestChain([sent('a', 0, 100), sent('a', 50)])).toBe(1);
  });

  test('is empty for no requests', () => {
    expect(longestChain([])).toBe(0);
  });
});

describe('the critical path of a run', () => {
  test('is the global setup chain plus the longest spec file chain, not the sum of spec files', () => {
    const requests = [
      sent(SETUP, 0),
      sent(SETUP, 100),
      sent(SETUP, 100),
      // Run one after another by one worker, but independent: only the longer counts.
      sent('suites/a.spec.ts', 300),
      sent('suites/a.spec.ts', 400),
      sent('suites/a.spec.ts', 500),
      sent('suites/b.spec.ts', 600),
    ];
    expect(criticalPath(requests)).toEqual({ length: 5, setup: 2, longestSpec: { sentBy: 'suites/a.spec.ts', length: 3 } });
  });

  test('reads the HAR the run wrote, and measures from the first request to the last answer', () => {
    const har = {
      log: {
        entries: [
          { _sentBy: SETUP, startedDateTime: '2026-11-30T10:00:00.000Z', time: 100 },
          { _sentBy: 'suites/a.spec.ts', startedDateTime: '2026-11-30T10:00:01.000Z', time: 250 },
        ],
      },
    };
    const requests = requestsOfHar(har);
    expect(requests.map((r) => r.sentBy)).toEqual([SETUP, 'suites/a.spec.ts']);
    expect(networkWindowMs(requests)).toBe(1_250);
    expect(specStartMs(requests)).toBe(1_000);
  });
});
