import type { Exchange } from '../http/exchange.js';

/**
 * One line on how often the server asked the run to slow down (429 or 503 with Retry-After) and how
 * long the suite waited as asked; undefined when it never did. Each wait is on its exchange too.
 */
export function throttlingNote(exchanges: readonly Exchange[]): string | undefined {
  const waits = exchanges.flatMap((exchange) => exchange.retried ?? []).filter((retry) => retry.status === 429 || retry.status === 503);
  if (waits.length === 0) return undefined;
  const byStatus = [429, 503]
    .map((status) => ({ status, count: waits.filter((retry) => retry.status === status).length }))
    .filter(({ count }) => count > 0)
    .map(({ status, count }) => `${status} ×${count}`)
    .join(', ');
  const seconds = (waits.reduce((sum, retry) => sum + retry.waitedMs, 0) / 1000).toFixed(1);
  return (
    `The server asked the suite to slow down ${waits.length} time${waits.length === 1 ? '' : 's'} (${byStatus}, with Retry-After); ` +
    `the suite waited ${seconds} s in all, as asked. Entra's gallery asks a server to hold 25 requests a second (SCIM_THROUGHPUT_CHECK=true tests it).`
  );
}
