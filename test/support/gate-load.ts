import type { Gate } from '../../src/http/gate.js';
import { sleep } from '../../src/http/limiter.js';

/** The most requests in flight at once while `each` 20 ms requests go through every gate together. */
export async function peakInFlight(gates: readonly Gate[], each: number): Promise<number> {
  let active = 0;
  let peak = 0;
  const request = async () => {
    peak = Math.max(peak, ++active);
    await sleep(20);
    active--;
  };
  await Promise.all(gates.flatMap((gate) => Array.from({ length: each }, () => gate.run(request))));
  return peak;
}

/** When each of `each` requests per gate was let through, every gate at once, in order. */
export async function startTimes(gates: readonly Gate[], each: number): Promise<number[]> {
  const starts: number[] = [];
  await Promise.all(gates.flatMap((gate) => Array.from({ length: each }, () => gate.run(async () => void starts.push(Date.now())))));
  return starts.sort((x, y) => x - y);
}
