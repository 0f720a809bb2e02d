import { describeResponse, excerpt } from '../diagnose/describe.js';
import { isObject, type Exchange } from '../http/exchange.js';
import { hasValue, jsonValue } from './answers.js';
import { advertised, type Features } from './discovery.js';
import { CheckRun } from './run.js';
import { defineRules } from './rule.js';

export const SEARCH_REQUEST_URN = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export const queryRules = defineRules({
  QUERY_ATTRIBUTES: {
    title: 'attributes= returns only the attributes asked for',
    requiredBy: { entra: 'SHOULD', rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.5; Microsoft SCIM test collection ("Get User Attributes": attributes=userName,emails)',
    requirement:
      'GET /Users?attributes=userName (and GET /Users/{id}?attributes=userName) answers userName, plus id and schemas (returned always), and no other attribute (meta is tolerated).',
    fix: 'Apply the attributes parameter to every resource in the answer, list or single.',
  },
  QUERY_ALWAYS_RETURNED: {
    title: 'id and schemas are returned whatever attributes and excludedAttributes say',
    // Neither Okta nor Entra sends attributes= or excludedAttributes= on users (SCIM-CLIENTS.md): an RFC rule only.
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7643 §2.4 (returned "always"), §3.1; RFC 7644 §3.4.2.5; Microsoft SCIM test collection (attributes=userName,emails answers the id)',
    requirement: 'Every resource in an answer to attributes=userName or excludedAttributes=id,emails still carries "id" and "schemas". Clients key everything on the id.',
    fix: 'Add the attributes whose returned characteristic is "always" (id, schemas) after applying attributes / excludedAttributes.',
  },
  QUERY_EXCLUDED_ATTRIBUTES: {
    title: 'excludedAttributes= leaves out the attributes named, and only those',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.5',
    requirement: 'GET /Users?excludedAttributes=emails answers users without emails, with their other default attributes (userName) still there.',
    fix: 'Remove the named attributes from the default set instead of ignoring the parameter (or replacing the default set with it).',
  },
  QUERY_EXCLUDE_MEMBERS: {
    title: 'excludedAttributes=members returns groups without their members',
    requiredBy: { entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.5; Entra (GET /Groups?excludedAttributes=members&filter=displayName eq "..."); Microsoft SCIM test collection ("Get group exclude members")',
    requirement:
      'GET /Groups?excludedAttributes=members&filter=... and GET /Groups/{id}?excludedAttributes=members answer the group (id, displayName) without "members". Entra asks this so that a group of 50 000 members is not sent each time it matches a group.',
    fix: 'Honour excludedAttributes=members on /Groups, for lists and single groups, and do not load the members at all when they are excluded.',
  },
  QUERY_SORT: {
    title: 'an advertised sortBy orders the results, ascending and descending',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.3; RFC 7643 §5 (sort.supported)',
    requirement:
      'With sort.supported true, GET /Users?sortBy=userName&sortOrder=ascending answers userNames in ascending order (compared case-insensitively, userName being caseExact false), and sortOrder=descending in descending order.',
    fix: 'Apply sortBy and sortOrder before paging, or advertise sort.supported false.',
  },
  QUERY_SEARCH: {
    title: 'POST /.search answers like the same query sent with GET',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.4.3',
    requirement: `POST /Users/.search with {"schemas":["${SEARCH_REQUEST_URN}"],"filter":...} answers a ListResponse with the same resources as GET /Users?filter=...`,
    fix: 'Route POST {endpoint}/.search to the same query code as GET, reading filter, startIndex, count, attributes and sortBy from the body.',
  },
});

/** The resources an answer holds: a list's Resources, or the single resource itself. */
export function resourcesOfAnswer(exchange: Exchange): Record<string, unknown>[] | undefined {
  if (exchange.response?.status !== 200) return undefined;
  const value = jsonValue(exchange);
  if (!isObject(value)) return undefined;
  if ('Resources' in value) return Array.isArray(value['Resources']) ? value['Resources'].filter(isObject) : undefined;
  return [value];
}

const TOLERATED = new Set(['id', 'schemas', 'meta']);

function unusable(exchange: Exchange): string {
  return `${describeResponse(exchange)}`;
}

export interface ProjectionEvidence {
  /** attributes=userName, on a list and on one user. */
  attributes: readonly Exchange[];
  /** excludedAttributes=id,emails on a list. */
  excluded: readonly Exchange[];
  /** excludedAttributes=members on /Groups (filtered list and one group), or why not sent. */
  groups: readonly Exchange[] | string;
}

export function checkProjection(evidence: ProjectionEvidence): CheckRun {
  const run = new CheckRun();
  const rules = queryRules;

  const attributeProblems: string[] = [];
  const alwaysProblems: string[] = [];
  for (const exchange of evidence.attributes) {
    const resources = resourcesOfAnswer(exchange);
    if (resources === undefined || resources.length === 0) {
      attributeProblems.push(resources === undefined ? unusable(exchange) : `${exchange.request.url} answered no resources`);
      continue;
    }
    for (const resource of resources) {
      const extra = Object.keys(resource).filter((key) => key !== 'userName' && !TOLERATED.has(key));
      if (typeof resource['userName'] !== 'string') attributeProblems.push(`${String(resource['id'])} lacks userName, which was asked for`);
      if (extra.length > 0) attributeProblems.push(`${String(resource['id'])} also has ${extra.join(', ')}`);
      if (resource['id'] === undefined || !Array.isArray(resource['schemas'])) alwaysProblems.push(`attributes=userName: ${excerpt(JSON.stringify(resource), 120)}`);
    }
  }
  run.expect(rules.QUERY_ATTRIBUTES, attributeProblems.length === 0, () => ({ got: attributeProblems.join('\n'), exchange: evidence.attributes[0] }));

  const excludedProblems: string[] = [];
  for (const exchange of evidence.excluded) {
    const resources = resourcesOfAnswer(exchange);
    if (resources === undefined || resources.length === 0) {
      excludedProblems.push(resources === undefined ? unusable(exchange) : `${exchange.request.url} answered no resources`);
      continue;
    }
    for (const resource of resources) {
      if (hasValue(resource, 'emails')) excludedProblems.push(`${String(resource['id'])} still has emails`);
      if (typeof resource['userName'] !== 'string')
        excludedProblems.push(`${String(resource['id'] ?? excerpt(JSON.stringify(resource), 80))} lost userName, which was not excluded`);
      if (resource['id'] === undefined || !Array.isArray(resource['schemas'])) alwaysProblems.push(`excludedAttributes=id,emails: ${excerpt(JSON.stringify(resource), 120)}`);
    }
  }
  run.expect(rules.QUERY_EXCLUDED_ATTRIBUTES, excludedProblems.length === 0, () => ({ got: excludedProblems.join('\n'), exchange: evidence.excluded[0] }));
  run.expect(rules.QUERY_ALWAYS_RETURNED, alwaysProblems.length === 0, () => ({
    got: `resources without id or schemas:\n${alwaysProblems.join('\n')}`,
    exchange: evidence.attributes[0],
  }));

  if (typeof evidence.groups === 'string') run.skip(rules.QUERY_EXCLUDE_MEMBERS, evidence.groups);
  else {
    const problems: string[] = [];
    for (const exchange of evidence.groups) {
      const resources = resourcesOfAnswer(exchange);
      if (resources === undefined || resources.length === 0) {
        problems.push(resources === undefined ? unusable(exchange) : `${exchange.request.url} answered no group`);
        continue;
      }
      for (const group of resources) {
        if (hasValue(group, 'members')) problems.push(`group ${String(group['id'])} still has members (${excerpt(JSON.stringify(group['members']), 80)})`);
        if (typeof group['displayName'] !== 'string' || group['id'] === undefined) problems.push(`group ${excerpt(JSON.stringify(group), 80)} lost its id or displayName`);
      }
    }
    run.expect(rules.QUERY_EXCLUDE_MEMBERS, problems.length === 0, () => ({ got: problems.join('\n'), exchange: evidence.groups[0] as Exchange }));
  }
  return run;
}

const collator = new Intl.Collator('en', { sensitivity: 'base' });
const simple = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);

/** Ordered by either a plain case-insensitive comparison or a locale collation: databases use both. */
function ordered(names: readonly string[], direction: 1 | -1): boolean {
  const by = (compare: (a: string, b: string) => number) => names.every((name, i) => i === 0 || direction * compare(names[i - 1] as string, name) <= 0);
  return by(simple) || by(collator.compare);
}

export function checkSort(features: Features, answers: { ascending: Exchange; descending: Exchange } | string): CheckRun {
  const run = new CheckRun();
  const rule = queryRules.QUERY_SORT;
  const sort = advertised(features, 'sort');
  if (!sort.supported) {
    run.skip(rule, sort.reason);
    return run;
  }
  if (typeof answers === 'string') {
    run.skip(rule, answers);
    return run;
  }
  const problems: string[] = [];
  let sample = 0;
  for (const [exchange, direction] of [
    [answers.ascending, 1],
    [answers.descending, -1],
  ] as const) {
    const resources = resourcesOfAnswer(exchange);
    if (resources === undefined) {
      problems.push(unusable(exchange));
      continue;
    }
    const names = resources.map((resource) => String(resource['userName']));
    sample = Math.max(sample, names.length);
    if (!ordered(names, direction)) problems.push(`sortOrder=${direction === 1 ? 'ascending' : 'descending'} answered ${excerpt(names.join(', '), 160)}`);
  }
  if (problems.length === 0 && sample < 2) {
    run.skip(rule, `the server lists ${sample} users: an order cannot be observed`);
    return run;
  }
  run.expect(rule, problems.length === 0, () => ({ got: problems.join('\n'), exchange: answers.descending }));
  return run;
}

/**
 * Why a read-only run does not send POST /.search unless asked to: a POST is a write to a server
 * that does not route /.search, and one real server answers POST /Users/.search by creating a user.
 */
export const SEARCH_POST_OPT_IN =
  'not sent: a read-only run sends GET only; set SCIM_SEARCH_POST=true to send POST /Users/.search (off by default: some servers route that POST to create), or SCIM_WRITE=true';

export function searchBody(filter: string): Record<string, unknown> {
  return { schemas: [SEARCH_REQUEST_URN], filter, startIndex: 1, count: 10 };
}

/** POST /.search is not advertised by a flag: it is tried when filtering is, and a 404/405/501 says it is not there. */
export function checkSearch(features: Features, answers: { get: Exchange; post: Exchange } | string): CheckRun {
  const run = new CheckRun();
  const rule = queryRules.QUERY_SEARCH;
  const filter = advertised(features, 'filter');
  if (!filter.supported) {
    run.skip(rule, `${filter.reason}; POST /.search is only tried when filtering is advertised`);
    return run;
  }
  if (typeof answers === 'string') {
    run.skip(rule, answers);
    return run;
  }
  const status = answers.post.response?.status;
  if (status === 404 || status === 405 || status === 501) {
    run.skip(rule, `POST ${answers.post.request.url} answered ${status}: the server does not offer /.search, which RFC 7644 §3.4.3 leaves optional`);
    return run;
  }
  const viaGet = resourcesOfAnswer(answers.get)?.map((resource) => String(resource['id']));
  const viaPost = resourcesOfAnswer(answers.post)?.map((resource) => String(resource['id']));
  const postBody = jsonValue(answers.post);
  const isList = isObject(postBody) && Array.isArray(postBody['schemas']) && postBody['schemas'].includes('urn:ietf:params:scim:api:messages:2.0:ListResponse');
  run.expect(rule, isList && viaGet !== undefined && viaPost !== undefined && viaGet.join() === viaPost.join(), () => ({
    got:
      !isList || viaPost === undefined
        ? describeResponse(answers.post)
        : `GET answered [${viaGet?.join(', ') ?? 'nothing usable'}], POST /.search answered [${viaPost.join(', ')}]`,
    exchange: answers.post,
  }));
  return run;
}
