/**
 * What a run's cleanup could not remove (or would not touch), carried from the workers to the
 * verdict: each spec file's TestData leaves its lines in the exchange folder, next to its exchanges,
 * and the main process prints them after the verdict with the command that removes them.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXCHANGE_DIR_ENV } from './exchange-log.js';

/** Not `.json`: the exchange log reads every `.json` file in the folder as exchanges. */
const SUFFIX = '.leftovers';

export interface Leftovers {
  /** The spec file's test data scope, or `sweep`. */
  scope: string;
  lines: string[];
}

export function saveLeftovers(leftovers: Leftovers, env = process.env): void {
  const dir = env[EXCHANGE_DIR_ENV];
  if (dir === undefined || leftovers.lines.length === 0) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${process.pid}-${randomBytes(4).toString('hex')}${SUFFIX}`), JSON.stringify(leftovers));
}

export function readLeftovers(dir: string): Leftovers[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(SUFFIX));
  } catch {
    return [];
  }
  return files
    .flatMap((file) => {
      try {
        return [JSON.parse(readFileSync(join(dir, file), 'utf8')) as Leftovers];
      } catch {
        return [];
      }
    })
    .sort((a, b) => a.scope.localeCompare(b.scope));
}

/** Server-provided text (an id) reaches these lines: no control character may reach the terminal. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The section after the verdict; empty when the run left nothing behind. */
export function renderLeftovers(all: readonly Leftovers[]): string {
  const lines = all.flatMap(({ scope, lines }) => lines.map((line) => `    [${printable(scope)}] ${printable(line)}`));
  if (lines.length === 0) return '';
  return `  Test data not removed (remove it with \`npx scim-conformance cleanup\`, or \`npm run cleanup\` here):\n${lines.join('\n')}\n`;
}
