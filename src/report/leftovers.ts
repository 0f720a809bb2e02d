/**
 * What a run's cleanup could not remove (or would not touch), carried from the workers to the
 * verdict: each spec file's TestData leaves its lines in the exchange folder, next to its exchanges,
 * and the main process prints them after the verdict with the command that removes them.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeControl } from '../diagnose/escape.js';
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

export const LEFTOVERS_HEADING = 'Test data not removed (remove it with `npx scim-conformance cleanup`, or `npm run cleanup` here)';

/** One line per leftover, `[scope] what`; server-provided text (an id) is escaped, so it cannot add or hide a line. */
export function leftoverLines(all: readonly Leftovers[]): string[] {
  return all.flatMap(({ scope, lines }) => lines.map((line) => escapeControl(`[${scope}] ${line}`)));
}

/** The section after the verdict; empty when the run left nothing behind. */
export function renderLeftovers(all: readonly Leftovers[]): string {
  const lines = leftoverLines(all);
  if (lines.length === 0) return '';
  return `  ${LEFTOVERS_HEADING}:\n${lines.map((line) => `    ${line}`).join('\n')}\n`;
}
