/**
 * Entra's gallery rule: the server holds 25 requests per second for 10 seconds. A load test, so it
 * runs only when asked for (SCIM_THROUGHPUT_CHECK=true), and with its own client: the run's
 * politeness limits would otherwise keep it below the rate it must prove.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, test } from 'vitest';
import { checkThroughput, ENTRA_THROUGHPUT, throughputRules } from '../src/checks/throughput.js';
import { ScimClient } from '../src/http/client.js';
import type { Exchange } from '../src/http/exchange.js';
import { sleep } from '../src/http/limiter.js';
import { once, ruleTests, suiteTarget } from '../src/suite/spec.js';

const { target } = suiteTarget();

describe('Entra gallery throughput: 25 requests per second for 10 seconds', () => {
  if (!target.throughputCheck) {
    const rule = throughputRules.THROUGHPUT_ENTRA_25_RPS;
    test(`${rule.title} [${rule.code}]`, (context) => {
      context.task.meta.code = rule.code;
      context.skip('opt-in: set SCIM_THROUGHPUT_CHECK=true to run this 250-request load test');
    });
    return;
  }
  const client = new ScimClient({ ...target, maxRps: ENTRA_THROUGHPUT.rps, maxInFlight: ENTRA_THROUGHPUT.rps * 2 });
  afterAll(() => client.close());
  const load = once(async () => {
    const started = Date.now();
    const sent: Array<Promise<Exchange>> = [];
    for (let i = 0; i < ENTRA_THROUGHPUT.rps * ENTRA_THROUGHPUT.seconds; i++) {
      // On a fixed schedule, as Entra's sync does, whatever the answers so far.
      const due = started + (i * 1000) / ENTRA_THROUGHPUT.rps;
      if (due > Date.now()) await sleep(due - Date.now());
      sent.push(client.send({ path: '/Users', query: { filter: `userName eq "${randomUUID()}"` } }));
    }
    const exchanges = await Promise.all(sent);
    return checkThroughput(exchanges, ENTRA_THROUGHPUT, Date.now() - started);
  });
  ruleTests([throughputRules.THROUGHPUT_ENTRA_25_RPS], load);
});
