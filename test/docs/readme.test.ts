/**
 * The README is read on the npm page, where a relative link resolves against npmjs.com and breaks
 * (npm rewrites relative links only for a package with a `repository`). So it links to the shipped
 * files through unpkg, which serves any file of the published package, and says what the catalog says.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { allRules, SPEC_FILES } from '../../src/checks/catalog.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; files: string[] };
const UNPKG = `https://unpkg.com/${packageJson.name}/`;

/** Every Markdown link target in the README, inline `[text](target)`. */
function linkTargets(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '');
}

function shipped(path: string): boolean {
  return packageJson.files.some((entry) => (entry.endsWith('/') ? path.startsWith(entry) : path === entry));
}

describe('README', () => {
  test('every link is absolute or an anchor in the page, so it works on the npm page', () => {
    const targets = linkTargets(readme);
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((target) => !/^(https:\/\/|#)/.test(target))).toEqual([]);
  });

  test('every link to a file of the package names a file the tarball ships, which exists here', () => {
    const paths = linkTargets(readme)
      .filter((target) => target.startsWith(UNPKG))
      .map((target) => target.slice(UNPKG.length));
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((path) => !shipped(path))).toEqual([]);
    for (const path of paths) expect(() => readFileSync(new URL(`../../${path}`, import.meta.url)), path).not.toThrow();
  });

  test('the number of rules and spec files is the catalog’s, and the table lists every spec file', () => {
    const counted = /(\d+) rules in (\d+) spec files/.exec(readme);
    expect(counted?.slice(1).map(Number)).toEqual([allRules().length, SPEC_FILES.length]);
    for (const spec of SPEC_FILES) expect(readme).toContain(`| \`${spec.name}.spec.ts\` |`);
  });
});
