import { excerpt } from '../diagnose/describe.js';
import type { Exchange } from '../http/exchange.js';
import { describeIssues, validateMessage } from '../schemas.js';
import { at } from './answers.js';
import { defineRules } from './rule.js';
import type { CheckRun } from './run.js';

export const userResourceRules = defineRules({
  USER_SCHEMA: {
    title: 'a User resource matches the RFC 7643 User schema',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7643 §4.1, §4.3',
    requirement: 'A User with "schemas", "id" and "userName", each attribute of its RFC 7643 type (booleans as true/false, not "true").',
    fix: 'Correct the attributes named above in your User serialiser.',
  },
  OKTA_USER_ATTRIBUTES: {
    title: 'a listed User carries the attributes Okta reads',
    requiredBy: { okta: 'MUST' },
    source: 'Okta SPEC test (GET /Users?count=1&startIndex=1; GET /Users/{id})',
    requirement: "id, userName, name.givenName, name.familyName, active and emails[0].value, each present and non-empty: Okta's SPEC test asserts every one.",
    fix: 'Return these attributes for every user (active as a boolean, emails as an array of {value, type, primary}).',
  },
});

const OKTA_PATHS = ['id', 'userName', 'name.givenName', 'name.familyName', 'active', 'emails.0.value'] as const;

function empty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** Okta's SPEC test assertions on a user, and the RFC 7643 schema. `where` names it in messages. */
export function checkUserResource(run: CheckRun, user: unknown, exchange: Exchange, where: string): void {
  const rules = userResourceRules;
  const issues = validateMessage('user', user);
  run.expect(rules.USER_SCHEMA, issues.length === 0, () => ({ got: `${where}: ${describeIssues(issues)}`, exchange }));
  const missing = OKTA_PATHS.filter((path) => empty(at(user, path)));
  run.expect(rules.OKTA_USER_ATTRIBUTES, missing.length === 0, () => ({
    got: `${where} lacks ${missing.map((p) => p.replace('.0.', '[0].')).join(', ')}: ${excerpt(JSON.stringify(user))}`,
    exchange,
  }));
}
