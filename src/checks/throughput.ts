import { describeResponse } from '../diagnose/describe.js';
import type { Exchange } from '../http/exchange.js';
import { defineRules } from './rule.js';
import { CheckRun } from './run.js';

/** Entra's gallery rule: 25 requests per second, held for 10 seconds. */
export const ENTRA_THROUGHPUT = { rps: 25, seconds: 10 } as const;

export const throughputRules = defineRules({
  THROUGHPUT_ENTRA_25_RPS: {
    title: 'the server holds 25 requests per second for 10 seconds without errors or 429s',
    requiredBy: { entra: 'MUST' },
    source: 'Microsoft Entra ID application gallery: SCIM endpoints must handle 25 requests per second',
    requirement:
      'Every one of 250 GET /Users?filter=userName eq "<GUID>" requests, sent at 25 per second for 10 seconds, answered 200 within the timeout; no 429, no 5xx, no connection error.',
    fix: 'Raise the rate limit for the provisioning client to at least 25 requests per second (Entra sends bursts during a sync cycle), make the userName filter an indexed lookup, and check the connection limits of any proxy or load balancer in front of the server.',
  },
});

export interface ThroughputPlan {
  rps: number;
  seconds: number;
}

/** Judges the exchanges of a throughput run: all must be 200, none throttled, and the rate held. */
export function checkThroughput(exchanges: readonly Exchange[], plan: ThroughputPlan, wallMs: number): CheckRun {
  const run = new CheckRun();
  const expected = plan.rps * plan.seconds;
  const throttled = exchanges.filter((e) => e.response?.status === 429 || e.retried?.some((r) => r.status === 429 || r.status === 503));
  const failed = exchanges.filter((e) => e.response?.status !== 200);
  const achieved = (exchanges.length / wallMs) * 1000;
  // The schedule is ours; a server that answers slower than the schedule keeps requests queued, so
  // the whole run takes longer than planned. A 20 % margin allows for scheduling noise.
  const held = exchanges.length >= expected && wallMs <= plan.seconds * 1000 * 1.2;
  const first = throttled[0] ?? failed[0];
  const statuses = countBy(exchanges.map((e) => (e.response === undefined ? (e.error?.code ?? 'no answer') : String(e.response.status))));
  run.expect(throughputRules.THROUGHPUT_ENTRA_25_RPS, throttled.length === 0 && failed.length === 0 && held, () => ({
    got: `${exchanges.length} requests in ${(wallMs / 1000).toFixed(1)} s (${achieved.toFixed(1)} per second): ${statuses}; ${throttled.length} throttled (429 or Retry-After).${
      first === undefined ? '' : ` First failure: ${describeResponse(first)}`
    }`,
    ...(first !== undefined ? { exchange: first } : {}),
  }));
  return run;
}

function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${count} × ${value}`).join(', ');
}
