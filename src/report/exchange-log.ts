import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Exchange } from '../http/exchange.js';

/**
 * Spec files run in worker processes; the reports are written by the main one. Each worker's
 * client leaves its (already redacted) exchanges in this folder, and the reporter gathers them.
 */
export const EXCHANGE_DIR_ENV = 'SCIMC_EXCHANGE_DIR';

/** An exchange with what sent it: a spec file (`suites/filters.spec.ts`) or `global setup`. */
export interface LoggedExchange extends Exchange {
  sentBy?: string;
}

export function saveExchanges(exchanges: readonly Exchange[], sentBy: string, env = process.env): void {
  const dir = env[EXCHANGE_DIR_ENV];
  if (dir === undefined || exchanges.length === 0) return;
  mkdirSync(dir, { recursive: true });
  const logged: LoggedExchange[] = exchanges.map((exchange) => ({ ...exchange, sentBy }));
  writeFileSync(join(dir, `${process.pid}-${randomBytes(4).toString('hex')}.json`), JSON.stringify(logged));
}

export function readExchanges(dir: string): LoggedExchange[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.flatMap((file) => {
    try {
      return JSON.parse(readFileSync(join(dir, file), 'utf8')) as LoggedExchange[];
    } catch {
      return [];
    }
  });
}
