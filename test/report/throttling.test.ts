import { describe, expect, test } from 'vitest';
import type { Exchange } from '../../src/http/exchange.js';
import { throttlingNote } from '../../src/report/throttling.js';
import { exchangeOf } from '../support/exchange.js';

const waited = (...retried: Array<{ status: number; waitedMs: number }>): Exchange => ({ ...exchangeOf({ status: 200, body: {} }), retried });

describe('the throttling note', () => {
  test('counts the waits for 429 and 503 and adds up the time', () => {
    const note = throttlingNote([waited({ status: 429, waitedMs: 1_000 }), waited({ status: 429, waitedMs: 500 }, { status: 503, waitedMs: 2_000 })]);
    expect(note).toMatch(/^The server asked the suite to slow down 3 times \(429 ×2, 503 ×1, with Retry-After\); the suite waited 3\.5 s in all, as asked\./);
  });

  test('says nothing when the server never asked, and does not count a new OAuth token as a wait', () => {
    expect(throttlingNote([exchangeOf({ status: 200, body: {} })])).toBeUndefined();
    expect(throttlingNote([waited({ status: 401, waitedMs: 0 })])).toBeUndefined();
  });
});
