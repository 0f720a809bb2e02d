import { describeResponse } from '../diagnose/describe.js';
import { jsonBody, MAX_JSON_DEPTH, mediaType, type Exchange, type TransportErrorCode } from '../http/exchange.js';
import { defineRules } from './rule.js';
import { CheckRun } from './run.js';

const ALL_MUST = { okta: 'MUST', entra: 'MUST', rfc: 'MUST' } as const;

export const responseRules = defineRules({
  HTTP_NO_ANSWER: {
    title: 'the server answers the request',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3',
    requirement: 'An HTTP answer within the timeout; Okta and Entra give up and report the connection as failed.',
    fix: 'Check that the server is running and that SCIM_BASE_URL names the right host, port and scheme.',
  },
  HTTP_SERVER_WENT_SILENT: {
    title: 'the server goes on answering for the whole run',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3; Okta and Entra import and provision in long series of requests, each with a timeout',
    requirement:
      'An answer to every request within the timeout, for as long as the client goes on: a server that answers the first requests and then hangs, drips its answers or throttles forever breaks every import and sync.',
    fix: 'The server answered the requests before, then stopped: look in its logs, at the time of the last request it answered, for a crash, a deadlock, an exhausted connection or worker pool, or a rate limit that never lifts. Every check after it was skipped.',
  },
  HTTP_REDIRECT: {
    title: 'the endpoint answers directly, without a redirect',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.4.2; Okta and Entra do not follow redirects',
    requirement: 'The SCIM answer itself. Okta and Entra do not follow redirects, so they see no SCIM response at all.',
    fix: 'A redirect usually means the Base URL points at a web application (a login page, the site root, http instead of https, or a missing or extra trailing path). Set the Base URL to the SCIM root that answers directly.',
  },
  HTTP_HTML_PAGE: {
    title: 'the endpoint answers SCIM JSON, not an HTML page',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.1, §8.1',
    requirement: 'A SCIM JSON body (application/scim+json).',
    fix: 'Something other than the SCIM server answered: the Base URL points at a web page (site root, login page, SPA fallback route), or a proxy, WAF or load balancer served its own page. Point the Base URL at the SCIM endpoint, and compare with the server reached directly.',
  },
  HTTP_STATUS: {
    title: 'the endpoint answers with the expected status',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.12',
    requirement: 'The status code RFC 7644 assigns to this request.',
    fix: 'See the status and body above: a 404 usually means the Base URL path is wrong, a 5xx is a server bug.',
  },
  HTTP_BODY_EMPTY: {
    title: 'the answer has a JSON body',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.4.2',
    requirement: 'A JSON body; clients read the answer from it.',
    fix: 'Serialise the response object even when there is nothing to return.',
  },
  HTTP_BODY_NOT_JSON: {
    title: 'the body is valid JSON',
    requiredBy: ALL_MUST,
    source: 'RFC 7644 §3.1, §8.1',
    requirement: 'A body that parses as JSON (UTF-8).',
    fix: 'Return the object serialised with a JSON library; a body that does not parse is often an error page, a debug dump or a truncated stream.',
  },
  HTTP_BODY_TOO_DEEP: {
    title: 'the JSON body nests no deeper than a SCIM resource can',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7643 §2.3.8 (a complex attribute MUST NOT contain complex sub-attributes), §2.4',
    requirement: `A SCIM body nests a few levels (a ListResponse of resources with multi-valued complex attributes); this suite reads at most ${MAX_JSON_DEPTH}.`,
    fix: 'The server serialised something other than a SCIM resource (a cyclic object graph, a recursive structure, or a hostile payload): return the resource as RFC 7643 defines it.',
  },
  HTTP_BODY_NOT_UTF8: {
    title: 'the body is valid UTF-8',
    requiredBy: { rfc: 'MUST' },
    source: 'RFC 7644 §3.1, §8.1; RFC 8259 §8.1 (JSON exchanged between systems MUST be encoded using UTF-8)',
    requirement: 'JSON encoded as UTF-8; a client either rejects other bytes or silently replaces them, so names and e-mail addresses arrive damaged.',
    fix: 'Encode the response as UTF-8 (a Latin-1 or Windows-1252 string written as bytes is the usual cause), and declare charset=utf-8 in the Content-Type.',
  },
  CONTENT_TYPE_NOT_JSON: {
    title: 'the Content-Type is a JSON media type',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'SHOULD' },
    source: 'RFC 7644 §3.1, §8.1',
    requirement: 'Content-Type application/scim+json (application/json is accepted by Okta and Entra).',
    fix: 'Set the response header Content-Type: application/scim+json; charset=utf-8 (many frameworks default to text/plain or text/html when a string is written).',
  },
  CONTENT_TYPE_NOT_SCIM: {
    title: 'the Content-Type is application/scim+json',
    requiredBy: { rfc: 'SHOULD' },
    source: 'RFC 7644 §3.1, §8.1',
    requirement: 'The SCIM media type application/scim+json; application/json is what older SCIM versions used.',
    fix: 'Set Content-Type: application/scim+json; charset=utf-8 on every SCIM response.',
  },
});

const TRANSPORT_FIXES: Record<TransportErrorCode, string> = {
  TIMEOUT:
    'The server accepted the connection but did not answer in time: check that it is not stuck, that a proxy is not holding the request, or raise SCIM_TIMEOUT_MS for a slow server.',
  CONNECTION_REFUSED: 'Nothing listens at that host and port: start the server, or correct the port in SCIM_BASE_URL.',
  DNS_FAILED: 'The host name does not resolve: check the spelling in SCIM_BASE_URL, or your DNS and VPN.',
  TLS_FAILED:
    'The certificate is not trusted or does not match the host name: use a certificate from a public CA (Okta and Entra require one), or trust your CA for this run with NODE_EXTRA_CA_CERTS.',
  PLAIN_HTTP_PORT:
    'The port speaks plain HTTP, so the TLS handshake read an HTTP answer: use http:// for this port in SCIM_BASE_URL, or the port that serves HTTPS (Okta and Entra require HTTPS with a public certificate).',
  PROXY_AUTH_REQUIRED:
    'The proxy wants credentials (407): put them in the proxy URL, HTTPS_PROXY=http://user:password@proxy:port (HTTP_PROXY for http:// servers); the password is never printed. See docs/networks.md.',
  PROXY_REFUSED: 'The proxy would not open a tunnel to the server: check that the proxy allows this host and port, or add the host to NO_PROXY if it is reachable directly.',
  CONNECTION_RESET: 'The server or a proxy closed the connection mid-exchange: look at the server logs for a crash or a proxy limit.',
  NETWORK_ERROR: 'The request could not be completed: check the host, port and network path.',
};

export interface JsonResponse {
  run: CheckRun;
  json?: unknown;
}

export interface ExpectedAnswer {
  /** Status codes that count as the expected answer. */
  status: readonly number[];
  /** Replaces the generic fixes when the caller knows the context, e.g. the Base URL probe. */
  fixes?: Partial<Record<keyof typeof responseRules, string>>;
}

function looksLikeHtml(body: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body|<\?xml|<[a-z]+[\s>])/i.test(body);
}

/**
 * The layers every SCIM answer must get right before its content can be judged, most fundamental
 * first: an answer at all, no redirect, not HTML, the expected status, a JSON body, a JSON type.
 * Returns the parsed JSON when the content can be judged.
 */
export function checkJsonAnswer(exchange: Exchange, expected: ExpectedAnswer): JsonResponse {
  const run = new CheckRun();
  const rules = responseRules;
  const got = () => describeResponse(exchange);
  const fix = (code: keyof typeof responseRules) => expected.fixes?.[code];
  const details = (code: keyof typeof responseRules, extra: { fix?: string | undefined; requirementDetail?: string } = {}) => {
    const specific = extra.fix ?? fix(code);
    return {
      got: got(),
      exchange,
      ...(specific !== undefined ? { fix: specific } : {}),
      ...(extra.requirementDetail !== undefined ? { requirementDetail: extra.requirementDetail } : {}),
    };
  };

  const { response, error } = exchange;
  if (response === undefined) {
    run.fail(rules.HTTP_NO_ANSWER, details('HTTP_NO_ANSWER', { fix: error === undefined ? undefined : TRANSPORT_FIXES[error.code] }));
    return { run };
  }
  run.pass(rules.HTTP_NO_ANSWER);

  const redirected = response.status >= 300 && response.status < 400 && response.status !== 304;
  if (!run.expect(rules.HTTP_REDIRECT, !redirected, () => details('HTTP_REDIRECT'))) return { run };

  const type = mediaType(response);
  const body = jsonBody(response);
  // A JSON body labelled text/html is a Content-Type mistake, not a web page.
  const html = looksLikeHtml(response.body) || (body.kind !== 'json' && (type === 'text/html' || type === 'application/xhtml+xml'));
  if (!run.expect(rules.HTTP_HTML_PAGE, !html, () => details('HTTP_HTML_PAGE'))) return { run };

  const statusOk = expected.status.includes(response.status);
  run.expect(rules.HTTP_STATUS, statusOk, () => details('HTTP_STATUS', { requirementDetail: `Expected ${expected.status.join(' or ')}.` }));

  if (body.kind === 'empty') {
    run.fail(rules.HTTP_BODY_EMPTY, details('HTTP_BODY_EMPTY'));
    return { run };
  }
  run.pass(rules.HTTP_BODY_EMPTY);
  if (body.kind === 'invalid') {
    const encoding = response.invalidUtf8 === true ? ' The bytes are not valid UTF-8 either.' : '';
    run.fail(rules.HTTP_BODY_NOT_JSON, details('HTTP_BODY_NOT_JSON', { requirementDetail: `It did not parse: ${body.reason}.${encoding}` }));
    return { run };
  }
  run.pass(rules.HTTP_BODY_NOT_JSON);
  if (body.kind === 'too-deep') {
    run.fail(rules.HTTP_BODY_TOO_DEEP, details('HTTP_BODY_TOO_DEEP', { requirementDetail: `This one nests deeper than ${body.limit} levels.` }));
    return { run };
  }
  run.pass(rules.HTTP_BODY_TOO_DEEP);
  // The content can still be judged: only the characters that were not UTF-8 are damaged.
  run.expect(rules.HTTP_BODY_NOT_UTF8, response.invalidUtf8 !== true, () =>
    details('HTTP_BODY_NOT_UTF8', { requirementDetail: 'This body has byte sequences that are not UTF-8; they are shown as U+FFFD (�) above.' }),
  );

  const jsonType = type === 'application/scim+json' || type === 'application/json';
  if (run.expect(rules.CONTENT_TYPE_NOT_JSON, jsonType, () => details('CONTENT_TYPE_NOT_JSON'))) {
    run.expect(rules.CONTENT_TYPE_NOT_SCIM, type === 'application/scim+json', () => details('CONTENT_TYPE_NOT_SCIM'));
  }
  // Content of an unexpected status (a 404 Error for a list) is not the content asked for.
  return statusOk ? { run, json: body.value } : { run };
}
