/**
 * The README is read on the npm page, where a relative link resolves against npmjs.com and breaks
 * (npm rewrites relative links only for a package with a `repository`). So it links to the shipped
 * files through unpkg, which serves any file of the published package (test/e2e/package.test.ts shows
 * each is in the tarball), and says what the catalog says.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { allRules, SPEC_FILES } from '../../src/checks/catalog.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** Every Markdown link target in the README, inline `[text](target)`. */
function linkTargets(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '');
}

describe('README', () => {
  test('every link is absolute or an anchor in the page, so it works on the npm page', () => {
    const targets = linkTargets(readme);
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((target) => !/^(https:\/\/|#)/.test(target))).toEqual([]);
  });

  test('the number of rules and spec files is the catalog’s, and the table lists every spec file', () => {
    const counted = /(\d+) rules in (\d+) spec files/.exec(readme);
    expect(counted?.slice(1).map(Number)).toEqual([allRules().length, SPEC_FILES.length]);
    for (const spec of SPEC_FILES) expect(readme).toContain(`| \`${spec.name}.spec.ts\` |`);
  });
});
