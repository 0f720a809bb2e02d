import { excerpt } from '../diagnose/describe.js';
import { isObject, type Exchange } from '../http/exchange.js';
import { describeIssues, validateMessage } from '../schemas.js';
import { checkJsonAnswer, type ExpectedAnswer } from './response.js';
import { defineRules } from './rule.js';
import type { CheckRun } from './run.js';

export const LIST_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export const EMPTY_LIST_RESPONSE = `{"schemas":["${LIST_RESPONSE_URN}"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`;

export const listRules = defineRules({
  LIST_NOT_AN_OBJECT: {
    title: 'a list is answered with a ListResponse object, not null or a bare array',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2',
    requirement: `A ListResponse object, also when nothing matches: ${EMPTY_LIST_RESPONSE}`,
    fix: 'Wrap the results in a ListResponse even when the store is empty; `null` and `[]` are what a serialised empty list or a missing object look like, and Okta reports them as "No results for users returned".',
  },
  LIST_SCHEMAS: {
    title: 'the ListResponse names its schema',
    requiredBy: { okta: 'MUST', entra: 'SHOULD', rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2; Okta SPEC test',
    requirement: `"schemas": ["${LIST_RESPONSE_URN}"] (Okta's SPEC test asserts it).`,
    fix: `Add "schemas": ["${LIST_RESPONSE_URN}"] to every list answer.`,
  },
  LIST_TOTAL_RESULTS: {
    title: 'the ListResponse has totalResults as a JSON integer',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2',
    requirement: '"totalResults": the number of results the query matched, as a JSON integer (not a string).',
    fix: 'Send totalResults as a number; if it is a string, your serialiser or an ORM count type is turning it into text.',
  },
  LIST_PAGING_NUMBERS: {
    title: 'startIndex and itemsPerPage are JSON integers',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2; Okta SPEC test',
    requirement: '"startIndex" (1-based) and "itemsPerPage" as JSON integers when the request pages with startIndex and count; Okta imports by these numbers.',
    fix: 'Echo startIndex and send itemsPerPage = the number of Resources returned, both as numbers, not strings ("1") and not omitted.',
  },
  LIST_RESOURCES_PRESENT: {
    title: 'the ListResponse carries a Resources array',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2; Okta SCIM guide',
    requirement:
      '"Resources": an array of the results. RFC 7644 requires it when totalResults is non-zero; Okta needs it always, as [] when nothing matches. The name is case-sensitive in practice: "Resources", capital R.',
    fix: 'Always send "Resources", as [] when there are no results, spelt with a capital R.',
  },
  LIST_ITEMS_PER_PAGE: {
    title: 'itemsPerPage equals the number of Resources returned',
    // Okta checks only that itemsPerPage is a number (its SPEC test); Entra does not page: an RFC rule only.
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2',
    requirement: '"itemsPerPage" is the number of resources in this page, i.e. Resources.length.',
    fix: 'Set itemsPerPage to the length of the Resources array you send, not to the requested count or the page size setting.',
  },
  LIST_COUNT_RESPECTED: {
    title: 'a page never holds more than count resources',
    // Okta's probe and SPEC test accept a longer page (count=1 answered with 4 passes it), its import
    // walk is judged by PAGING_WALK_COMPLETE, and Entra does not page: an RFC rule only.
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.4',
    requirement: 'At most `count` resources in Resources.',
    fix: 'Apply count as the page size. If the filter and startIndex are ignored too, the query string is not reaching your code (a proxy, WAF or URL rewrite drops it).',
  },
  LIST_SHAPE: {
    title: 'the ListResponse matches the RFC 7644 schema',
    requiredBy: { okta: 'SHOULD', entra: 'SHOULD', rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2',
    requirement: 'A ListResponse as RFC 7644 §3.4.2 defines it.',
    fix: 'Correct the members named above.',
  },
});

export interface ListExpectation extends Partial<ExpectedAnswer> {
  /** The count the request asked for; pages must not exceed it. */
  count?: number;
  /** Whether the request paged (startIndex/count), which makes startIndex and itemsPerPage required. */
  paged?: boolean;
}

export interface ListResult {
  run: CheckRun;
  list?: { totalResults: number; resources: unknown[]; body: Record<string, unknown> };
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `a ${typeof value}`;
}

/** Everything a client checks in a list answer: the transport layers, then the envelope. */
export function checkListResponse(exchange: Exchange, expectation: ListExpectation = {}): ListResult {
  const { run, json } = checkJsonAnswer(exchange, { status: expectation.status ?? [200], ...(expectation.fixes ? { fixes: expectation.fixes } : {}) });
  if (json === undefined) return { run };
  const rules = listRules;
  const details = (got: string) => ({ got, exchange });
  const body = excerpt(JSON.stringify(json));

  if (!isObject(json)) {
    run.fail(rules.LIST_NOT_AN_OBJECT, details(json === null ? 'The body is null.' : `The body is ${jsonTypeOf(json)}: ${body}`));
    return { run };
  }
  run.pass(rules.LIST_NOT_AN_OBJECT);

  const schemas = json['schemas'];
  run.expect(rules.LIST_SCHEMAS, Array.isArray(schemas) && schemas.includes(LIST_RESPONSE_URN), () =>
    details(schemas === undefined ? `"schemas" is missing: ${body}` : `"schemas" is ${excerpt(JSON.stringify(schemas))}`),
  );

  const total = json['totalResults'];
  const totalOk = Number.isInteger(total) && (total as number) >= 0;
  run.expect(rules.LIST_TOTAL_RESULTS, totalOk, () => details(total === undefined ? `"totalResults" is missing: ${body}` : `"totalResults" is ${jsonTypeOf(total)}`));

  if (expectation.paged === true) {
    const wrong = (['startIndex', 'itemsPerPage'] as const).filter((name) => !Number.isInteger(json[name]));
    run.expect(rules.LIST_PAGING_NUMBERS, wrong.length === 0, () =>
      details(wrong.map((name) => (json[name] === undefined ? `"${name}" is missing` : `"${name}" is ${jsonTypeOf(json[name])}`)).join('; ')),
    );
  }

  const resources = json['Resources'];
  const misspelt = Object.keys(json).find((key) => key !== 'Resources' && key.toLowerCase() === 'resources');
  if (
    !run.expect(rules.LIST_RESOURCES_PRESENT, Array.isArray(resources), () =>
      details(
        resources !== undefined
          ? `"Resources" is ${jsonTypeOf(resources)}`
          : misspelt !== undefined
            ? `"Resources" is missing; the body has "${misspelt}" instead`
            : `"Resources" is missing: ${body}`,
      ),
    )
  ) {
    return { run };
  }
  const list = resources as unknown[];

  const itemsPerPage = json['itemsPerPage'];
  if (Number.isInteger(itemsPerPage)) {
    run.expect(rules.LIST_ITEMS_PER_PAGE, itemsPerPage === list.length, () => details(`"itemsPerPage" is ${String(itemsPerPage)} but Resources holds ${list.length}`));
  }
  if (expectation.count !== undefined) {
    run.expect(rules.LIST_COUNT_RESPECTED, list.length <= expectation.count, () => details(`count=${expectation.count} was asked for, and Resources holds ${list.length}`));
  }

  // The schema catches what the targeted checks above do not name (a negative number, a bad item).
  if (!run.hasFailed()) {
    const issues = validateMessage('listResponse', json);
    run.expect(rules.LIST_SHAPE, issues.length === 0, () => details(describeIssues(issues)));
  }
  return { run, list: { totalResults: totalOk ? (total as number) : list.length, resources: list, body: json } };
}
