import { randomUUID } from 'node:crypto';
import { describeResponse, excerpt } from '../diagnose/describe.js';
import { isObject, type Exchange } from '../http/exchange.js';
import { objectBody, statusOf } from './answers.js';
import { EMPTY_LIST_RESPONSE } from './list-response.js';
import { defineRules, type Rule } from './rule.js';
import { CheckRun, DOES_NOT_APPLY } from './run.js';

const ALL_MUST = { okta: 'MUST', entra: 'MUST', rfc: 'MUST' } as const;
const RFC_OPERATOR = 'RFC 7644 §3.4.2.2';
const REFUSAL_ALLOWED =
  'Apply the operator as RFC 7644 §3.4.2.2 defines it. A server that does not support it must say so with 400 and "scimType": "invalidFilter" (the check is then skipped), never answer with wrong results.';

export const filterRules = defineRules({
  FILTER_APPLIED: {
    title: 'a filter is applied, not ignored',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.4.2.2; Okta and Entra match users by filter before every create',
    requirement:
      'GET /Users?filter=... answers only the resources that match. A server (or a proxy) that drops the filter answers everyone, and Okta and Entra then link the wrong user and overwrite it.',
    fix: 'Parse and apply the filter parameter.',
  },
  FILTER_USERNAME_EQ: {
    title: 'userName eq finds exactly that user',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.4.2.2; Okta (existence check before create), Entra (default matching attribute)',
    requirement: 'filter=userName eq "<userName>" answers that one user.',
    fix: 'Support at least `userName eq "..."`: it is how Okta and Entra find a user.',
  },
  FILTER_USERNAME_CASE_INSENSITIVE: {
    title: 'userName eq ignores case, as userName is caseExact false',
    requiredBy: { okta: 'MUST', entra: 'SHOULD', rfc: 'MUST' },
    source: 'RFC 7643 §4.1.1 (userName caseExact false); RFC 7644 §3.4.2.2; Okta SPEC test ("Username Case Sensitivity Check")',
    requirement: 'filter=userName eq "<userName in upper case>" finds the same user. Okta otherwise creates a duplicate for Ada@Example.com when ada@example.com exists.',
    fix: 'Compare userName case-insensitively (lower() on both sides, or a case-insensitive collation on the column).',
  },
  FILTER_NAMES_CASE_INSENSITIVE: {
    title: 'attribute names and operators in a filter ignore case',
    requiredBy: { entra: 'SHOULD', rfc: 'MUST' },
    source:
      'RFC 7644 §3.4.2.2 ("Attribute names and attribute operators used in filters are case insensitive"); Microsoft SCIM test collection (DisplayName, name.FamilyName, emails.Value, meta.Created)',
    requirement: 'filter=UserName EQ "<userName>" is the same filter as userName eq "<userName>".',
    fix: 'Match attribute names and operators case-insensitively when parsing the filter.',
  },
  FILTER_ID_EQ: {
    title: 'id eq finds the resource with that id',
    requiredBy: { rfc: 'MUST' },
    source: RFC_OPERATOR,
    requirement: 'filter=id eq "<id>" answers that one resource.',
    fix: REFUSAL_ALLOWED,
  },
  FILTER_EXTERNAL_ID_EQ: {
    title: 'externalId eq finds the user with that externalId',
    requiredBy: { entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.2; Entra (externalId as the matching attribute)',
    requirement: 'filter=externalId eq "<externalId>" answers the users with that externalId (caseExact: compared as is), and no others.',
    fix: 'Support `externalId eq "..."`: Entra can be configured to match on it.',
  },
  FILTER_EMAILS_WORK_VALUE: {
    title: 'emails[type eq "work"].value eq finds the user with that work email',
    requiredBy: { entra: 'MUST', rfc: 'SHOULD' },
    source: 'Entra matching attribute (emails[type eq "work"].value); RFC 7644 §3.4.2.2 value paths',
    requirement: 'filter=emails[type eq "work"].value eq "<email>" answers the users who have that work email, and no others.',
    fix: 'Parse the value path and its sub-attribute: both tests apply to the same email. Entra sends exactly this form when matching on email.',
  },
  FILTER_GROUP_DISPLAY_NAME: {
    title: 'displayName eq finds the group with that name',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.4.2.2; Okta group push, Entra group matching (GET /Groups?excludedAttributes=members&filter=displayName eq "...")',
    requirement: 'GET /Groups?excludedAttributes=members&filter=displayName eq "<name>" answers the groups with that name (displayName is caseExact false), and no others.',
    fix: 'Support `displayName eq "..."` on /Groups: Okta and Entra look a group up this way before creating it, and create a duplicate when it is not found.',
  },
  FILTER_AND: {
    title: 'and requires both conditions',
    requiredBy: { entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.2; Entra (combines matching attributes with and)',
    requirement: 'A filter with `and` answers only the resources that match both sides.',
    fix: 'Evaluate both sides of `and`; a parser that stops after the first expression answers too much.',
  },
  FILTER_OR: {
    title: 'or accepts either condition',
    requiredBy: { rfc: 'MUST' },
    source: `${RFC_OPERATOR}; Microsoft SCIM test collection ("filter eq and (val or val)")`,
    requirement: 'A filter with `or` answers the resources that match either side, and only those.',
    fix: REFUSAL_ALLOWED,
  },
  FILTER_NOT: {
    title: 'not ( ) negates the condition',
    requiredBy: { rfc: 'MUST' },
    source: RFC_OPERATOR,
    requirement: '`not (userName eq "x")` answers the resources whose userName is not x.',
    fix: REFUSAL_ALLOWED,
  },
  FILTER_PARENTHESES: {
    title: 'parentheses group conditions before and',
    requiredBy: { rfc: 'MUST' },
    source: `${RFC_OPERATOR} (precedence: grouping, then not, and, or)`,
    requirement: '`a and (b or c)` is not `(a and b) or c`.',
    fix: 'Parse parenthesised expressions as one operand; without grouping, `and` binds tighter than `or`.',
  },
  FILTER_NE: {
    title: 'ne excludes the value',
    requiredBy: { rfc: 'MUST' },
    source: RFC_OPERATOR,
    requirement: '`userName ne "x"` answers the resources whose userName is not x.',
    fix: REFUSAL_ALLOWED,
  },
  FILTER_CO: {
    title: 'co matches a substring',
    requiredBy: { rfc: 'MUST' },
    source: `${RFC_OPERATOR}; Microsoft SCIM test collection (emails.Value co)`,
    requirement: '`userName co "x"` answers the resources whose userName contains x, ignoring case (caseExact false).',
    fix: REFUSAL_ALLOWED,
  },
  FILTER_SW: {
    title: 'sw matches a prefix',
    requiredBy: { rfc: 'MUST' },
    source: `${RFC_OPERATOR}; Microsoft SCIM test collection ("filter starts with")`,
    requirement: '`userName sw "x"` answers the resources whose userName starts with x.',
    fix: REFUSAL_ALLOWED,
  },
  FILTER_EW: {
    title: 'ew matches a suffix',
    requiredBy: { rfc: 'MUST' },
    source: RFC_OPERATOR,
    requirement: '`userName ew "x"` answers the resources whose userName ends with x.',
    fix: REFUSAL_ALLOWED,
  },
  FILTER_PR: {
    title: 'pr matches only attributes that have a value',
    requiredBy: { rfc: 'MUST' },
    source: RFC_OPERATOR,
    requirement: '`userName pr` matches every user; `<an attribute the user lacks> pr` does not match it.',
    fix: REFUSAL_ALLOWED,
  },
  FILTER_GT: {
    title: 'gt compares dateTimes as later than',
    requiredBy: { rfc: 'MUST' },
    source: `${RFC_OPERATOR}; Microsoft SCIM test collection (meta.Created gt)`,
    requirement: '`meta.created gt "<time>"` answers the resources created strictly after that time, compared as dateTimes.',
    fix: REFUSAL_ALLOWED,
  },
  FILTER_GE: {
    title: 'ge compares dateTimes as later than or equal',
    requiredBy: { rfc: 'MUST' },
    source: RFC_OPERATOR,
    requirement: '`meta.created ge "<its own created time>"` matches the resource.',
    fix: REFUSAL_ALLOWED,
  },
  FILTER_LT: {
    title: 'lt compares dateTimes as earlier than',
    requiredBy: { rfc: 'MUST' },
    source: RFC_OPERATOR,
    requirement: '`meta.created lt "<time>"` answers the resources created strictly before that time.',
    fix: REFUSAL_ALLOWED,
  },
  FILTER_LE: {
    title: 'le compares dateTimes as earlier than or equal',
    requiredBy: { rfc: 'MUST' },
    source: RFC_OPERATOR,
    requirement: '`meta.created le "<its own created time>"` matches the resource.',
    fix: REFUSAL_ALLOWED,
  },
  FILTER_VALUE_PATH: {
    title: 'a value path [ ] applies all its conditions to the same value',
    requiredBy: { rfc: 'MUST' },
    source: `${RFC_OPERATOR} (valuePath)`,
    requirement: '`emails[type eq "work" and value eq "x"]` matches a user only when one email is both.',
    fix: REFUSAL_ALLOWED,
  },
  FILTER_NO_MATCH_EMPTY: {
    title: 'a filter that matches nothing is a 200 empty ListResponse, never 404',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.4.2; Okta (existence check before create, group push), Entra (matching)',
    requirement: `userName, externalId and (on /Groups) displayName filters that match nothing are answered 200 with ${EMPTY_LIST_RESPONSE}.`,
    fix: 'A query that matches nothing is a success: answer an empty ListResponse. A 404 here makes Okta and Entra report an error instead of creating the user or group.',
  },
  FILTER_INVALID_REFUSED: {
    title: 'a malformed filter is refused with 400 invalidFilter',
    // Okta and Entra only send well-formed eq/and filters (SCIM-CLIENTS.md): an RFC rule only.
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.2, §3.12 (invalidFilter)',
    requirement: 'A filter that does not parse is answered 400 with a SCIM Error whose "scimType" is "invalidFilter": not 200 with everyone, not 500.',
    fix: 'Validate the filter before querying and answer 400 {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidFilter","detail":"..."}.',
  },
});

/** What the filter cases are built from: one user the server holds (ours, with writes allowed). */
export interface FilterTarget {
  id: string;
  userName: string;
  externalId?: string;
  workEmail?: string;
  created?: string;
  /** A simple attribute this user does not have, for `pr`. */
  absent?: string;
}

const ABSENT_CANDIDATES = ['nickName', 'title', 'profileUrl', 'userType', 'preferredLanguage', 'timezone', 'locale'];

/** Reads the facts a filter case needs from a user as the server returned it. */
export function filterTargetOf(user: Record<string, unknown>): FilterTarget | undefined {
  const { id, userName, externalId, emails, meta } = user;
  if (typeof id !== 'string' || typeof userName !== 'string') return undefined;
  const work = Array.isArray(emails) ? emails.find((email) => isObject(email) && email['type'] === 'work' && typeof email['value'] === 'string') : undefined;
  const created = isObject(meta) && typeof meta['created'] === 'string' && !Number.isNaN(Date.parse(meta['created'])) ? meta['created'] : undefined;
  const absent = ABSENT_CANDIDATES.find((name) => user[name] === undefined || user[name] === null || user[name] === '');
  return {
    id,
    userName,
    ...(typeof externalId === 'string' && externalId !== '' ? { externalId } : {}),
    ...(isObject(work) ? { workEmail: String(work['value']) } : {}),
    ...(created !== undefined ? { created } : {}),
    ...(absent !== undefined ? { absent } : {}),
  };
}

/**
 * `only`: exactly the target; `matching`: the target and only resources that satisfy `matches`;
 * `none`: nothing.
 */
export type Expectation = 'only' | 'matching' | 'none';

export interface BuiltCase {
  positive?: string;
  negative?: string;
}

export interface FilterCase {
  rule: Rule;
  /** Rules this case's filters rely on (they are combined with userName eq and and). */
  dependsOn: Rule[];
  /** A 400 invalidFilter means "not supported", which RFC 7644 allows: the rule is skipped. */
  refusalAllowed: boolean;
  positive: Expectation;
  /** Builds the filters, or says why it cannot (the user lacks the attribute). */
  build(target: FilterTarget): BuiltCase | string;
  /** For `matching`: whether a returned resource satisfies the filter. */
  matches?(resource: Record<string, unknown>, target: FilterTarget): boolean;
  /** Never folded into one request (see foldedFilter): the case tests the very shape folding changes. */
  keepApart?: boolean;
  /** Folded on its own, never with other cases (see combinedFilter): it tests the grouping that combining relies on. */
  foldsAlone?: boolean;
}

const nobody = () => `scimc-nobody-${randomUUID()}@example.com`;
const quote = (text: string) => JSON.stringify(text);
const shift = (time: string, days: number) => new Date(Date.parse(time) + days * 86_400_000).toISOString();
const R = filterRules;
const anchor = (t: FilterTarget) => `userName eq ${quote(t.userName)}`;

function anchored(rule: Rule, expression: (t: FilterTarget) => { positive: string; negative: string } | string, extra: Rule[] = []): FilterCase {
  return {
    rule,
    dependsOn: [R.FILTER_USERNAME_EQ, R.FILTER_AND, ...extra],
    refusalAllowed: true,
    positive: 'only',
    build: (t) => {
      const built = expression(t);
      return typeof built === 'string' ? built : { positive: `${anchor(t)} and ${built.positive}`, negative: `${anchor(t)} and ${built.negative}` };
    },
  };
}

function dates(t: FilterTarget, positiveDays: number, negativeDays: number, op: string): { positive: string; negative: string } | string {
  if (t.created === undefined) return 'the user has no meta.created to compare with';
  const at = (days: number) => quote(days === 0 ? (t.created as string) : shift(t.created as string, days));
  return { positive: `meta.created ${op} ${at(positiveDays)}`, negative: `meta.created ${op} ${at(negativeDays)}` };
}

const sameText = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/** The filter cases on /Users, in the order they are judged (what others depend on comes first). */
export const userFilterCases: FilterCase[] = [
  { rule: R.FILTER_USERNAME_EQ, dependsOn: [], refusalAllowed: false, positive: 'only', build: (t) => ({ positive: anchor(t) }) },
  {
    rule: R.FILTER_USERNAME_CASE_INSENSITIVE,
    dependsOn: [R.FILTER_USERNAME_EQ],
    refusalAllowed: false,
    positive: 'only',
    build: (t) =>
      t.userName.toUpperCase() === t.userName
        ? `the userName ${quote(t.userName)} has no lower-case letters to change`
        : { positive: `userName eq ${quote(t.userName.toUpperCase())}` },
  },
  {
    rule: R.FILTER_NAMES_CASE_INSENSITIVE,
    dependsOn: [R.FILTER_USERNAME_EQ],
    refusalAllowed: false,
    positive: 'only',
    build: (t) => ({ positive: `UserName EQ ${quote(t.userName)}` }),
  },
  { rule: R.FILTER_ID_EQ, dependsOn: [], refusalAllowed: true, positive: 'only', build: (t) => ({ positive: `id eq ${quote(t.id)}` }) },
  {
    rule: R.FILTER_EXTERNAL_ID_EQ,
    dependsOn: [],
    refusalAllowed: false,
    positive: 'matching',
    build: (t) => (t.externalId === undefined ? 'the user has no externalId' : { positive: `externalId eq ${quote(t.externalId)}` }),
    matches: (resource, t) => resource['externalId'] === t.externalId,
  },
  {
    rule: R.FILTER_EMAILS_WORK_VALUE,
    dependsOn: [],
    refusalAllowed: false,
    positive: 'matching',
    build: (t) => (t.workEmail === undefined ? 'the user has no work email' : { positive: `emails[type eq "work"].value eq ${quote(t.workEmail)}` }),
    matches: (resource, t) =>
      Array.isArray(resource['emails']) && resource['emails'].some((email) => isObject(email) && email['type'] === 'work' && sameText(email['value'], t.workEmail ?? '')),
  },
  {
    rule: R.FILTER_AND,
    dependsOn: [R.FILTER_USERNAME_EQ],
    refusalAllowed: false,
    positive: 'only',
    // `userName eq "x" and ...` as clients send it: a server's userName fast path may drop the rest.
    keepApart: true,
    build: (t) => ({ positive: `${anchor(t)} and ${anchor(t)}`, negative: `${anchor(t)} and userName eq ${quote(nobody())}` }),
  },
  {
    rule: R.FILTER_OR,
    dependsOn: [R.FILTER_USERNAME_EQ],
    refusalAllowed: true,
    positive: 'only',
    foldsAlone: true,
    build: (t) => ({ positive: `userName eq ${quote(nobody())} or ${anchor(t)}`, negative: `userName eq ${quote(nobody())} or userName eq ${quote(nobody())}` }),
  },
  anchored(R.FILTER_NOT, (t) => ({ positive: `not (userName eq ${quote(nobody())})`, negative: `not (${anchor(t)})` })),
  {
    rule: R.FILTER_PARENTHESES,
    dependsOn: [R.FILTER_USERNAME_EQ, R.FILTER_AND, R.FILTER_OR],
    refusalAllowed: true,
    positive: 'only',
    foldsAlone: true,
    // Without grouping, the negative reads as (nobody and nobody) or userName eq <target>: the target.
    build: (t) => ({
      positive: `${anchor(t)} and (userName eq ${quote(nobody())} or ${anchor(t)})`,
      negative: `userName eq ${quote(nobody())} and (userName eq ${quote(nobody())} or ${anchor(t)})`,
    }),
  },
  anchored(R.FILTER_NE, (t) => ({ positive: `userName ne ${quote(nobody())}`, negative: `userName ne ${quote(t.userName)}` })),
  anchored(R.FILTER_CO, (t) => ({
    positive: `userName co ${quote(t.userName.length > 2 ? t.userName.slice(1, -1) : t.userName)}`,
    negative: `userName co ${quote(randomUUID())}`,
  })),
  anchored(R.FILTER_SW, (t) => ({ positive: `userName sw ${quote(t.userName.slice(0, Math.ceil(t.userName.length / 2)))}`, negative: `userName sw ${quote(randomUUID())}` })),
  anchored(R.FILTER_EW, (t) => ({ positive: `userName ew ${quote(t.userName.slice(Math.floor(t.userName.length / 2)))}`, negative: `userName ew ${quote(randomUUID())}` })),
  anchored(R.FILTER_PR, (t) =>
    t.absent === undefined ? 'the user has a value for every attribute `pr` could be tested on' : { positive: 'userName pr', negative: `${t.absent} pr` },
  ),
  anchored(R.FILTER_GT, (t) => dates(t, -1, 1, 'gt')),
  anchored(R.FILTER_GE, (t) => dates(t, 0, 1, 'ge')),
  anchored(R.FILTER_LT, (t) => dates(t, 1, -1, 'lt')),
  anchored(R.FILTER_LE, (t) => dates(t, 0, -1, 'le')),
  anchored(R.FILTER_VALUE_PATH, (t) =>
    t.workEmail === undefined
      ? 'the user has no work email'
      : { positive: `emails[type eq "work" and value eq ${quote(t.workEmail)}]`, negative: `emails[type eq "work" and value eq ${quote(nobody())}]` },
  ),
];

/**
 * Whether a user, a bystander and a group let every case be judged: a write run creates its own
 * when the server's do not.
 */
export function judgesEveryCase({ user, bystander, group }: { user: FilterTarget | string; bystander: FilterTarget | undefined; group: GroupTarget | string }): boolean {
  return typeof user === 'object' && bystander !== undefined && typeof group === 'object' && userFilterCases.every((filterCase) => typeof filterCase.build(user) === 'object');
}

export interface CaseAnswers {
  positive?: Exchange;
  negative?: Exchange;
  /** One answer for both filters (see foldedFilter), when it was exactly right. */
  folded?: Exchange;
}

/**
 * The positive filter on the target and the negative filter on a second user, the bystander, in
 * one request: `(<positive on target>) or (<negative on bystander>)` must find the target alone.
 * A server that ignores the operator finds the bystander too; one that never matches finds
 * nobody. Only an exactly right answer is taken: anything else, or a server without `or` or
 * grouping, gets the two filters separately, so every failure is diagnosed as before.
 */
export function foldedFilter(filterCase: FilterCase, target: FilterTarget, bystander: FilterTarget): string | undefined {
  if (filterCase.keepApart === true || filterCase.positive !== 'only' || bystander.id === target.id || bystander.userName.toLowerCase() === target.userName.toLowerCase())
    return undefined;
  const own = filterCase.build(target);
  const theirs = filterCase.build(bystander);
  if (typeof own === 'string' || typeof theirs === 'string' || own.positive === undefined || theirs.negative === undefined) return undefined;
  return `(${own.positive}) or (${theirs.negative})`;
}

/**
 * Several foldable cases in one request: `((P1) and (P2) and ...) or (N1) or (N2) or ...`, each P a
 * case's positive filter on the target, each N its negative filter on the bystander. The target
 * alone is again the only right answer: a positive that misses the target empties the first part,
 * a negative that finds the bystander adds it. Each P and N is `userName eq "..." and <operator>`,
 * so a positive that also finds others is hidden by the rest of the first part only when `and` is
 * broken, which FILTER_AND (sent apart) judges and every combined case depends on; and a server that
 * drops the parentheses still reads the same filter, a disjunction of conjunctions. `or` and
 * grouping themselves (foldsAlone) are folded on their own. Anything but the target alone, and each
 * case is folded on its own (see foldedFilter).
 */
export function combinedFilter(cases: readonly FilterCase[], target: FilterTarget, bystander: FilterTarget): string | undefined {
  const built = cases.flatMap((filterCase) => {
    const own = filterCase.foldsAlone === true || foldedFilter(filterCase, target, bystander) === undefined ? undefined : filterCase.build(target);
    const theirs = filterCase.build(bystander);
    return typeof own === 'object' && typeof theirs === 'object' && own.positive !== undefined && theirs.negative !== undefined
      ? [{ positive: own.positive, negative: theirs.negative }]
      : [];
  });
  if (built.length < 2 || built.length < cases.length) return undefined;
  return [`(${built.map(({ positive }) => `(${positive})`).join(' and ')})`, ...built.map(({ negative }) => `(${negative})`)].join(' or ');
}

/** Whether an answer lists the target and nothing else: the one answer a folded filter may give. */
export function listsOnly(exchange: Exchange, target: { id: string }): boolean {
  return problemWith(exchange, 'only', target) === undefined;
}

interface Listed {
  ids: string[];
  resources: Record<string, unknown>[];
  totalResults: number;
}

function listed(exchange: Exchange): Listed | undefined {
  const body = statusOf(exchange) === 200 ? objectBody(exchange) : undefined;
  if (body === undefined) return undefined;
  const { Resources, totalResults } = body;
  const resources = Array.isArray(Resources) ? Resources.filter(isObject) : Resources === undefined ? [] : undefined;
  if (resources === undefined || !Number.isInteger(totalResults)) return undefined;
  return { ids: resources.map((resource) => String(resource['id'])), resources, totalResults: totalResults as number };
}

/** A 400 invalidFilter: the server declines the filter, as RFC 7644 allows for one it does not support. */
export function isFilterRefusal(exchange: Exchange): boolean {
  return statusOf(exchange) === 400 && objectBody(exchange)?.['scimType'] === 'invalidFilter';
}

function filterOf(exchange: Exchange): string {
  try {
    return new URL(exchange.request.url).searchParams.get('filter') ?? exchange.request.url;
  } catch {
    return exchange.request.url;
  }
}

/** What is wrong with one answer to a case filter, or undefined when it is right. */
function problemWith(exchange: Exchange, expectation: Expectation, target: { id: string }, matches?: (resource: Record<string, unknown>) => boolean): string | undefined {
  const list = listed(exchange);
  const filter = filterOf(exchange);
  if (list === undefined) return `filter=${filter}: ${describeResponse(exchange)}`;
  const others = list.ids.filter((id) => id !== target.id);
  switch (expectation) {
    case 'none':
      return list.ids.length === 0 && list.totalResults === 0
        ? undefined
        : `filter=${filter} should match nothing, and answered ${list.totalResults} (${excerpt(list.ids.join(', '), 100)})`;
    case 'only':
      if (list.ids.length === 1 && others.length === 0 && list.totalResults === 1) return undefined;
      return list.ids.includes(target.id)
        ? `filter=${filter} should match only ${target.id}, and answered ${list.totalResults} (${excerpt(list.ids.join(', '), 100)})`
        : `filter=${filter} should match ${target.id}, and answered ${list.totalResults} without it`;
    case 'matching': {
      const wrong = list.resources.filter((resource) => resource['id'] !== target.id && !(matches?.(resource) ?? false));
      if (list.ids.includes(target.id) && wrong.length === 0) return undefined;
      return list.ids.includes(target.id)
        ? `filter=${filter} also answered resources that do not match: ${excerpt(wrong.map((resource) => String(resource['id'])).join(', '), 100)}`
        : `filter=${filter} should match ${target.id}, and answered ${list.totalResults} without it`;
    }
  }
}

/** Judges one case from its answers; `run` already holds the cases it depends on. */
export function judgeCase(run: CheckRun, filterCase: FilterCase, target: FilterTarget, answers: CaseAnswers | string): void {
  const { rule } = filterCase;
  if (typeof answers === 'string') return run.skip(rule, answers);
  const blocked = filterCase.dependsOn.find((dependency) => !run.checked.has(dependency.code) || run.findings.some((f) => f.code === dependency.code));
  if (blocked !== undefined) return run.skip(rule, `not checked: it relies on ${blocked.code}, which ${run.checked.has(blocked.code) ? 'failed' : 'was not judged'}`);
  if (answers.folded !== undefined && listsOnly(answers.folded, target)) return run.pass(rule);
  const exchanges = [answers.positive, answers.negative].filter((exchange): exchange is Exchange => exchange !== undefined);
  const refused = exchanges.find(isFilterRefusal);
  if (refused !== undefined && filterCase.refusalAllowed) {
    return run.skip(
      rule,
      `${DOES_NOT_APPLY}the server declines filter=${filterOf(refused)} with 400 invalidFilter, which RFC 7644 §3.4.2.2 allows for a filter it does not support`,
    );
  }
  const matches = filterCase.matches;
  const positive = answers.positive && problemWith(answers.positive, filterCase.positive, target, matches && ((resource) => matches(resource, target)));
  const negative = answers.negative && problemWith(answers.negative, 'none', target);
  const problems = [positive, negative].filter((problem): problem is string => problem !== undefined);
  const first = positive !== undefined ? answers.positive : answers.negative;
  run.expect(rule, problems.length === 0, () => ({
    got: problems.join('\n'),
    exchange: first,
    ...(refused !== undefined
      ? {
          fix: `The server refuses this filter with 400 invalidFilter, but ${rule.code.includes('EMAILS') || rule.code.includes('EXTERNAL') ? 'Entra' : 'Okta and Entra'} send it: implement it.`,
        }
      : {}),
  }));
}

export interface AppliedEvidence {
  /** An unfiltered page of GET /Users (its totalResults is the store's). */
  unfiltered: Exchange;
  /** GET /Users?filter=userName eq "<nobody>"&startIndex=1&count=1. */
  filtered: Exchange;
}

/** A filter that changes nothing is ignored; when count was dropped too, the query string never arrived. */
export function checkFilterApplied(run: CheckRun, evidence: AppliedEvidence): void {
  const all = listed(evidence.unfiltered);
  const some = listed(evidence.filtered);
  if (all === undefined || some === undefined || all.totalResults === 0) return;
  const ignored = some.totalResults >= all.totalResults && some.totalResults > 0;
  const countDropped = some.ids.length > 1;
  run.expect(filterRules.FILTER_APPLIED, !ignored, () => ({
    got: `filter=${filterOf(evidence.filtered)} (a user that does not exist) answered totalResults ${some.totalResults}, as many as there are users (${all.totalResults})`,
    exchange: evidence.filtered,
    fix: countDropped
      ? 'count=1 was ignored as well: the query string does not reach your code. A proxy, WAF, API gateway or URL rewrite drops it; allow GET with query strings through, and compare with the server reached directly.'
      : 'count=1 was applied but the filter was not: the server ignores the filter parameter. Parse and apply it (at least userName eq, externalId eq, emails[type eq "work"].value eq and, on /Groups, displayName eq).',
  }));
}

export function checkNoMatch(run: CheckRun, exchanges: readonly Exchange[]): void {
  const wrong = exchanges.filter((exchange) => {
    const list = listed(exchange);
    return list === undefined || list.totalResults !== 0 || list.ids.length !== 0;
  });
  run.expect(filterRules.FILTER_NO_MATCH_EMPTY, wrong.length === 0, () => ({
    got: wrong.map((exchange) => `filter=${filterOf(exchange)}: ${describeResponse(exchange)}`).join('\n'),
    exchange: wrong[0],
    ...(wrong.some((exchange) => exchange.response?.status === 404)
      ? { fix: `A filter that matches nothing is a 200 with an empty ListResponse, not "not found": ${EMPTY_LIST_RESPONSE}` }
      : {}),
  }));
}

export { MALFORMED_FILTERS } from './malformed-filters.js';

export function checkInvalidFilters(run: CheckRun, exchanges: readonly Exchange[]): void {
  const wrong = exchanges.filter((exchange) => !isFilterRefusal(exchange));
  run.expect(filterRules.FILTER_INVALID_REFUSED, wrong.length === 0, () => ({
    got: wrong.map((exchange) => `filter=${filterOf(exchange)}: ${describeResponse(exchange)}`).join('\n'),
    exchange: wrong[0],
    ...(wrong.some((exchange) => exchange.response?.status === 200)
      ? {
          fix: 'The malformed filter was answered 200: the server ignores what it cannot parse, so a typo in a client\'s filter returns everyone. Answer 400 with "scimType": "invalidFilter".',
        }
      : {}),
  }));
}

export interface GroupTarget {
  id: string;
  displayName: string;
}

export function checkGroupDisplayName(run: CheckRun, group: GroupTarget | string, answer: Exchange | undefined): void {
  const rule = filterRules.FILTER_GROUP_DISPLAY_NAME;
  if (typeof group === 'string') return run.skip(rule, group);
  if (answer === undefined) return;
  const problem = problemWith(answer, 'matching', group, (resource) => sameText(resource['displayName'], group.displayName));
  run.expect(rule, problem === undefined, () => ({ got: problem ?? '', exchange: answer }));
}
