/** Lints the rules' metadata: every check carries a stable code, a level per client and a source. */
import { describe, expect, test } from 'vitest';
import { allRules } from '../../src/checks/catalog.js';
import { LEVELS } from '../../src/checks/rule.js';
import { CLIENTS } from '../../src/config.js';

describe.each(allRules())('rule $code', (rule) => {
  test('has a SCREAMING_SNAKE_CASE code', () => {
    expect(rule.code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/);
  });

  test('names at least one client, each with an RFC 2119 level', () => {
    const entries = Object.entries(rule.requiredBy);
    expect(entries.length).toBeGreaterThan(0);
    for (const [client, level] of entries) {
      expect(CLIENTS).toContain(client);
      expect(LEVELS).toContain(level);
    }
  });

  test('cites a source and says what is required and how to fix it', () => {
    expect(rule.source).toMatch(/RFC 764[34]|Okta|Entra|Microsoft/);
    expect(rule.requirement.length).toBeGreaterThan(20);
    expect(rule.fix.length).toBeGreaterThan(20);
  });

  test('has a title in the present tense, not "should"', () => {
    expect(rule.title).not.toMatch(/\bshould\b/i);
    expect(rule.title).toMatch(/^[a-z0-9"'/]/i);
  });
});

test('no two rules share a code', () => {
  const codes = allRules().map((r) => r.code);
  expect(new Set(codes).size).toBe(codes.length);
});
