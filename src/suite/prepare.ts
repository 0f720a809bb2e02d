import { ScimClient } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { saveExchanges } from '../report/exchange-log.js';
import { banner } from './banner.js';
import { describeSweep, sweepAtStart } from './sweep.js';
import { obtainAccessToken, preflight } from './preflight.js';
import type { Prepared } from './run-service.js';
import { readShared } from './shared-reads.js';
import type { Preflight, Target } from './target.js';

/**
 * Token, preflight, banner, the shared reads and the sweep: what every spec file waits for. The
 * banner goes to `out`: stderr when a reporter writes its file to stdout (src/report/streams.ts).
 * `walkPages`: whether suites/paging.spec.ts is in the run (src/suite/shared-reads.ts).
 * `onExchange` is told of each exchange as it ends.
 */
export async function prepare(initial: Target, out: NodeJS.WritableStream = process.stdout, walkPages = true, onExchange?: (exchange: Exchange) => void): Promise<Prepared> {
  let target = initial;
  let result: Preflight;
  const client = new ScimClient({ ...target, onExchange });
  try {
    const obtained = await obtainAccessToken(client);
    if ('failed' in obtained) result = obtained.failed;
    else {
      if (obtained.token !== undefined) target = { ...target, token: obtained.token, issuedSecrets: client.issuedSecrets() };
      result = await preflight(client, target.token !== undefined || target.auth.method !== 'bearer');
    }
    out.write(banner(target, result));
    if (result.status === 'ok') {
      // What an interrupted earlier run left behind goes first (our prefix only, older runs only);
      // the bundled server starts empty of it.
      const swept = target.bundled ? Promise.resolve(false) : sweep(client, target, out);
      const [shared] = await Promise.all([readShared(client, result.exchange, swept, walkPages), swept]);
      result = { ...result, shared };
    }
  } finally {
    // The preflight, the sweep and its deletions go into the reports too: every request the run sent.
    saveExchanges(client.log, 'global setup');
    await client.close();
  }
  return { target, preflight: result };
}

/** Says what the sweep did; resolves to whether it wrote to the store (deleted or deactivated, or tried to). */
async function sweep(client: ScimClient, target: Target, out: NodeJS.WritableStream): Promise<boolean> {
  const report = await sweepAtStart(client, target);
  const lines = report === undefined ? [] : describeSweep(report);
  if (lines.length > 0) out.write(`  leftovers of earlier interrupted runs:\n${lines.map((l) => `    ${l}\n`).join('')}`);
  return report !== undefined && report.deleted.length + report.deactivated.length + report.failed.length > 0;
}
