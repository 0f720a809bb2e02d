import { describeResponse, excerpt } from '../diagnose/describe.js';
import { isObject, type Exchange } from '../http/exchange.js';
import { jsonValue, objectBody, statusOf } from './answers.js';
import { advertised, plainAnswered, type Features } from './discovery.js';
import { defineRules } from './rule.js';
import { CheckRun } from './run.js';

/**
 * RFC 7643 and 7644 rules that one request each can show (a read, or the answer to a create the
 * suite sends anyway), or the base URL alone (TRANSPORT_TLS), none of which Okta or Entra relies
 * on: RFC findings only.
 */
export const protocolRules = defineRules({
  FILTER_BOOLEAN_ORDERING_REFUSED: {
    title: 'gt on a Boolean attribute is refused with 400 invalidFilter',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.2 (gt, ge, lt, le: "Boolean and Binary attributes SHALL cause a failed response (HTTP status code 400 (Bad Request) and scimType of invalidFilter)")',
    requirement: 'With filter.supported true, GET /Users?filter=active gt true is answered 400 with scimType "invalidFilter", not a list.',
    fix: 'Refuse ordering comparisons on boolean and binary attributes with 400 invalidFilter; the attribute types are in your /Schemas.',
  },
  QUERY_SORT_DEFAULT_ASCENDING: {
    title: 'sortBy without sortOrder sorts ascending',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.4.2.3 ("If a value for sortBy is provided and no sortOrder is specified, sortOrder SHALL default to ascending")',
    requirement: 'With sort.supported true, GET /Users?sortBy=userName answers userNames in ascending order, compared case-insensitively (userName is caseExact false).',
    fix: 'Default sortOrder to ascending when only sortBy is given.',
  },
  HTTP_ACCEPT_APPLICATION_JSON: {
    title: 'a request that accepts application/json is answered with JSON',
    requiredBy: { rfc: 'SHOULD' },
    source: 'RFC 7644 §3.8 ("Service providers MUST support the Accept header application/scim+json and SHOULD support the header application/json")',
    requirement: 'GET /ServiceProviderConfig with "Accept: application/json" is answered 200 with a JSON body, not 406.',
    fix: 'Accept application/json as well as application/scim+json in content negotiation; the body is the same.',
  },
  ME_UNSUPPORTED_NOT_IMPLEMENTED: {
    title: "GET /Me is answered with the subject's resource, a redirect to it, or 501",
    requiredBy: { rfc: 'SHOULD' },
    source: 'RFC 7644 §3.11 ("A service provider that does NOT support this feature SHOULD respond with HTTP status code 501 (Not Implemented)")',
    requirement:
      'GET {base}/Me is answered 200 (the resource of the authenticated subject), 307 or 308 (a redirect to it), or 501 when the server does not offer /Me; a 404 tells a client nothing.',
    fix: 'Route GET /Me: answer 501 Not Implemented with a SCIM Error if your tokens are not tied to a User.',
  },
  RESOURCE_CREATED_UNMODIFIED: {
    title: 'a resource just created has meta.lastModified equal to meta.created',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7643 §3.1 (meta.lastModified: "If this resource has never been modified since its initial creation, the value MUST be the same as the value of created")',
    requirement: 'The 201 answer to a create carries meta.lastModified the same instant as meta.created: nothing has modified the resource yet.',
    fix: 'Set lastModified from the same timestamp as created when inserting (one clock reading, not two).',
  },
  TRANSPORT_TLS: {
    title: 'the SCIM base URL is https',
    // Okta and Entra refuse a plain-http connector URL themselves: the finding is the RFC's.
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §7.2 ("SCIM clients and service providers MUST require the use of a transport-layer security mechanism")',
    requirement: 'The base URL a client is given starts with https://: SCIM carries personal data and credentials, and a bearer token sent over plain http is readable on the way.',
    fix: 'Serve SCIM over TLS (terminate it at the server or a proxy in front of it) and give clients the https:// URL.',
  },
});

/** `creation` is the answer to a POST of a new user, or the reason none was sent. */
export function checkFreshResource(creation: Exchange | string): CheckRun {
  const run = new CheckRun();
  const rule = protocolRules.RESOURCE_CREATED_UNMODIFIED;
  if (typeof creation === 'string') return skipped(run, rule, creation);
  const meta = objectBody(creation)?.['meta'];
  if (statusOf(creation) !== 201 || !isObject(meta))
    return skipped(run, rule, 'the create was not answered 201 with a resource carrying meta (see USER_CREATE_STATUS and USER_CREATE_META)');
  const { created, lastModified } = meta;
  const instant = (value: unknown) => (typeof value === 'string' ? Date.parse(value) : Number.NaN);
  if (Number.isNaN(instant(created)) || Number.isNaN(instant(lastModified)))
    return skipped(run, rule, 'meta.created or meta.lastModified is missing or no dateTime (see USER_CREATE_META)');
  run.expect(rule, instant(created) === instant(lastModified), () => ({
    got: `The 201 carries meta.created ${JSON.stringify(created)} and meta.lastModified ${JSON.stringify(lastModified)}.`,
    exchange: creation,
  }));
  return run;
}

/** Hosts on which a plain-http base URL is a local test set-up, not the address clients are given. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** RFC 7644 §7.2, judged on the base URL: https, or skipped on loopback where TLS usually terminates in front. */
export function checkTransportSecurity(baseUrl: string): CheckRun {
  const run = new CheckRun();
  const rule = protocolRules.TRANSPORT_TLS;
  const url = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
  if (url === undefined) return skipped(run, rule, `the base URL ${JSON.stringify(baseUrl)} does not parse (see BASE_URL_ENDS_WITH_RESOURCE and the preflight)`);
  if (url.protocol !== 'https:' && isLoopbackHost(url.hostname)) {
    return skipped(
      run,
      rule,
      `the base URL is plain http on loopback (${url.host}): a local set-up, where TLS usually terminates in front of the server; the address clients are given must be https`,
    );
  }
  run.expect(rule, url.protocol === 'https:', () => ({ got: `The base URL is ${url.protocol}//${url.host}${url.pathname}: no transport-layer security.` }));
  return run;
}

/** `answer` is GET /Users?filter=active gt true, or the reason it was not sent. */
export function checkBooleanOrdering(features: Features, answer: Exchange | string): CheckRun {
  const run = new CheckRun();
  const rule = protocolRules.FILTER_BOOLEAN_ORDERING_REFUSED;
  const filter = advertised(features, 'filter');
  if (!filter.supported) return skipped(run, rule, filter.reason);
  if (typeof answer === 'string') return skipped(run, rule, answer);
  const scimType = objectBody(answer)?.['scimType'];
  run.expect(rule, statusOf(answer) === 400 && scimType === 'invalidFilter', () => ({
    got: `${describeResponse(answer)}${scimType === undefined ? '' : ` (scimType ${JSON.stringify(scimType)})`}`,
    exchange: answer,
  }));
  return run;
}

const userNames = (exchange: Exchange): string[] | undefined => {
  const resources = objectBody(exchange)?.['Resources'];
  return Array.isArray(resources) ? resources.filter(isObject).map((user) => String(user['userName'])) : undefined;
};

/** `answer` is GET /Users?sortBy=userName, or the reason it was not sent. */
export function checkSortDefault(features: Features, answer: Exchange | string): CheckRun {
  const run = new CheckRun();
  const rule = protocolRules.QUERY_SORT_DEFAULT_ASCENDING;
  const sort = advertised(features, 'sort');
  if (!sort.supported) return skipped(run, rule, sort.reason);
  if (typeof answer === 'string') return skipped(run, rule, answer);
  const names = statusOf(answer) === 200 ? userNames(answer) : undefined;
  if (names !== undefined && names.length < 2) return skipped(run, rule, 'the server lists fewer than two users: an order cannot be observed');
  const ascending = names?.every((name, index) => index === 0 || (names[index - 1] ?? '').toLowerCase() <= name.toLowerCase());
  run.expect(rule, ascending === true, () => ({
    got: names === undefined ? describeResponse(answer) : `sortBy=userName answered ${excerpt(names.join(', '), 160)}`,
    exchange: answer,
  }));
  return run;
}

/** GET /ServiceProviderConfig sent with Accept: application/json; `plain`, the same GET with the SCIM type, is its control. */
export function checkAcceptJson(answer: Exchange, plain?: Exchange): CheckRun {
  const run = new CheckRun();
  if (!plainAnswered(run, protocolRules.HTTP_ACCEPT_APPLICATION_JSON, plain, '/ServiceProviderConfig', 'DISCOVERY_SPC_VALID')) return run;
  const status = statusOf(answer) ?? 0;
  run.expect(protocolRules.HTTP_ACCEPT_APPLICATION_JSON, status >= 200 && status < 300 && jsonValue(answer) !== undefined, () => ({
    got: describeResponse(answer),
    exchange: answer,
  }));
  return run;
}

/** GET /Me. */
export function checkMe(answer: Exchange): CheckRun {
  const run = new CheckRun();
  const status = statusOf(answer) ?? 0;
  run.expect(protocolRules.ME_UNSUPPORTED_NOT_IMPLEMENTED, [200, 307, 308, 501].includes(status), () => ({ got: describeResponse(answer), exchange: answer }));
  return run;
}

function skipped(run: CheckRun, rule: (typeof protocolRules)[keyof typeof protocolRules], reason: string): CheckRun {
  run.skip(rule, reason);
  return run;
}
