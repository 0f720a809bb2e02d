/**
 * One paging walk over GET /Users, as Okta's import does (count=100, startIndex 1, 101, 201 ...),
 * in its own process so that its peak memory is its own. Prints one JSON line.
 * Usage: tsx bench/walk.ts <baseUrl> <token>
 */
import { ScimClient } from '../src/http/client.js';
import { isObject, jsonBody } from '../src/http/exchange.js';

const [baseUrl = '', token] = process.argv.slice(2);
const PAGE = 100;
const client = new ScimClient({ baseUrl, token, timeoutMs: 30_000, maxInFlight: 1, keepLog: false });
const started = Date.now();
let requests = 0;
let users = 0;
let peakHeap = 0;
let firstPageMs = 0;
let lastPageMs = 0;
for (let startIndex = 1; ; startIndex += PAGE) {
  const exchange = await client.send({ path: '/Users', query: { startIndex, count: PAGE } });
  requests++;
  if (requests === 1) firstPageMs = exchange.timing.durationMs;
  lastPageMs = exchange.timing.durationMs;
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  const body = exchange.response === undefined ? undefined : jsonBody(exchange.response);
  if (body?.kind !== 'json' || !isObject(body.value) || !Array.isArray(body.value['Resources'])) break;
  users += body.value['Resources'].length;
  const total = body.value['totalResults'];
  if (body.value['Resources'].length === 0 || typeof total !== 'number' || startIndex + PAGE > total) break;
}
await client.close();
process.stdout.write(
  `${JSON.stringify({ users, requests, wallMs: Date.now() - started, peakRssMb: process.resourceUsage().maxRSS / 1024, peakHeapMb: peakHeap / 1024 / 1024, firstPageMs, lastPageMs })}\n`,
);
