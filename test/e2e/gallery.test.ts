/**
 * `npx vitest run` against each deliberately broken server: it exits non-zero, names the cause with
 * its finding code, and its rendered diagnosis (pinned) says what came back, what is required, the
 * fix, and a curl to reproduce it. The token never appears in the output.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectionRules } from '../../src/checks/connection.js';
import { listRules } from '../../src/checks/list-response.js';
import { responseRules } from '../../src/checks/response.js';
import { userResourceRules } from '../../src/checks/user-resource.js';
import { renderFinding } from '../../src/diagnose/render.js';
import { gallery, GALLERY_TOKEN, unusable } from '../servers/gallery.js';
import { RecordedRuns } from '../support/recorded-runs.js';
import { normalise, ONE_WORKER, SuiteSession, twoAtATime, verdictBlockers } from '../support/run-suite.js';

const runs = new RecordedRuns();
const session = new SuiteSession(ONE_WORKER);

beforeAll(async () => {
  await twoAtATime([...gallery, ...unusable], async (broken) => {
    const strict = 'strict' in broken && broken.strict === true ? { SCIM_STRICT: 'true' } : {};
    await runs.record(broken.name, broken.start, (server) => session.run({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: GALLERY_TOKEN, ...strict }));
  });
}, 600_000);

afterAll(async () => {
  await runs.closeOpen();
  await session.close();
});

describe.each(gallery)('a server with "$cause"', (broken) => {
  test(`fails with ${broken.expected.join(' and ')}`, () => {
    const run = runs.of(broken.name);
    expect(run.exitCode).not.toBe(0);
    for (const code of broken.expected) expect(run.failedCodes).toContain(code);
  });

  test('the verdict names the cause first, before its consequences', () => {
    expect(verdictBlockers(runs.of(broken.name))[0]).toBe(broken.expected[0]);
  });

  test('prints a diagnosis with the fix and a curl that reproduces it', () => {
    const run = runs.of(broken.name);
    const finding = run.findings.find((f) => f.code === broken.expected[0]);
    expect(finding).toBeDefined();
    const output = run.stdout + run.stderr;
    expect(output).toContain(`${broken.expected[0]} (`);
    expect(output).toContain('Fix:');
    expect(output).toMatch(/Reproduce: curl -i|Got: {7}The Base URL/);
  });

  test('never prints the token', () => {
    const run = runs.of(broken.name);
    expect(run.stdout + run.stderr).not.toContain(GALLERY_TOKEN);
  });
});

describe.each(unusable)('a server where $cause', (broken) => {
  test('stops at the preflight with one clear line and skips the rest', () => {
    const run = runs.of(broken.name);
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toMatch(broken.summary);
    const failed = run.tests.filter((t) => t.status === 'failed');
    expect(failed.map((t) => t.name)).toEqual([expect.stringContaining('[PREFLIGHT]')]);
    expect(run.tests.filter((t) => t.status === 'passed')).toEqual([]);
  });

  test('prints no stack trace and never the token', () => {
    const run = runs.of(broken.name);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(run.stdout + run.stderr).not.toContain(GALLERY_TOKEN);
  });
});

test('every rule of the connection checks fails on one of these servers', () => {
  const shown = new Set([...gallery.flatMap((broken) => broken.expected), 'HTTP_NO_ANSWER', 'AUTH_TOKEN_ACCEPTED']);
  const rules = [responseRules, listRules, connectionRules, userResourceRules].flatMap((set) => Object.keys(set));
  // The hostile galleries show the rest: HTTP_BODY_NOT_JSON (invalid JSON) in test/hostile/hostile.test.ts,
  // the server that goes silent, the deep body and invalid UTF-8 in test/hostile/bounded.test.ts.
  expect(rules.filter((code) => !shown.has(code)).sort()).toEqual(['HTTP_BODY_NOT_JSON', 'HTTP_BODY_NOT_UTF8', 'HTTP_BODY_TOO_DEEP', 'HTTP_SERVER_WENT_SILENT']);
});

test('a server that only breaks a SHOULD passes without SCIM_STRICT, with the warning in the verdict', async () => {
  const broken = gallery.find((b) => b.name === 'json-not-scim-json');
  if (broken === undefined) throw new Error('no json-not-scim-json server');
  const server = await broken.start();
  try {
    const run = await session.run({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: GALLERY_TOKEN }, ['suites/connection.spec.ts']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/RFC 7643\/7644: .*responses and ListResponse not tested: CONTENT_TYPE_NOT_SCIM came first \(1 warning\)\n {4}! CONTENT_TYPE_NOT_SCIM/);
    // The RFC-only warning kept LIST_SHAPE from being judged; for Okta that can only warn, so its connector test works.
    expect(run.stdout).toMatch(/\n {6}✓ Test Connector Configuration[^\n]*: works \(not judged: LIST_SHAPE\)\n/);
  } finally {
    await server.close();
  }
});

describe('rendered diagnoses', () => {
  const rendered = (name: string, code: string) => {
    const finding = runs.of(name).findings.find((f) => f.code === code);
    return finding === undefined ? `no ${code} finding` : normalise(renderFinding(finding));
  };

  test('an empty body says to answer with a full ListResponse', () => {
    expect(rendered('empty-body', 'HTTP_BODY_EMPTY')).toMatchInlineSnapshot(`
      "HTTP_BODY_EMPTY (MUST): the answer has a JSON body
        Got:       GET http://127.0.0.1:PORT/scim/v2/Users?startIndex=1&count=2 answered 200, Content-Type application/scim+json; charset=utf-8, an empty body
        Required:  A JSON body; clients read the answer from it. [RFC 7644 §3.4.2; okta MUST, entra MUST, rfc MUST]
        Fix:       An empty store must still be answered with a ListResponse: {"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}. If your server does send one, a proxy or load balancer in front of it answered instead: compare with the server reached directly.
        Reproduce: curl -i 'http://127.0.0.1:PORT/scim/v2/Users?startIndex=1&count=2' -H 'accept: application/scim+json' -H 'user-agent: Okta SCIM Client 1.0.0' -H 'authorization: Bearer '"$SCIM_TOKEN" -H 'accept-charset: utf-8'"
    `);
  });

  test('null says to wrap the results in a ListResponse', () => {
    expect(rendered('null-body', 'LIST_NOT_AN_OBJECT')).toMatchInlineSnapshot(`
      "LIST_NOT_AN_OBJECT (MUST): a list is answered with a ListResponse object, not null or a bare array
        Got:       The body is null.
        Required:  A ListResponse object, also when nothing matches: {"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]} [RFC 7644 §3.4.2; okta MUST, entra MUST, rfc MUST]
        Fix:       Wrap the results in a ListResponse even when the store is empty; \`null\` and \`[]\` are what a serialised empty list or a missing object look like, and Okta reports them as "No results for users returned".
        Reproduce: curl -i 'http://127.0.0.1:PORT/scim/v2/Users?startIndex=1&count=2' -H 'accept: application/scim+json' -H 'user-agent: Okta SCIM Client 1.0.0' -H 'authorization: Bearer '"$SCIM_TOKEN" -H 'accept-charset: utf-8'"
    `);
  });

  test('a Base URL ending in /Users says which Base URL to use', () => {
    expect(rendered('base-url-ends-with-users', 'BASE_URL_ENDS_WITH_RESOURCE')).toMatchInlineSnapshot(`
      "BASE_URL_ENDS_WITH_RESOURCE (MUST): the Base URL is the SCIM root, not a resource endpoint
        Got:       The Base URL is http://127.0.0.1:PORT/scim/v2/Users, so clients will call http://127.0.0.1:PORT/scim/v2/Users/Users.
        Required:  The Base URL given to the identity provider is the SCIM root, e.g. https://api.example.com/scim/v2. Okta and Entra append /Users and /Groups themselves. [RFC 7644 §3.2; Okta and Entra setup guides; okta MUST, entra MUST, rfc MUST]
        Fix:       Set the Base URL to http://127.0.0.1:PORT/scim/v2 (without /Users)."
    `);
  });

  test('a site root says that something other than the SCIM server answered', () => {
    expect(rendered('site-root', 'HTTP_HTML_PAGE')).toMatchInlineSnapshot(`
      "HTTP_HTML_PAGE (MUST): the endpoint answers SCIM JSON, not an HTML page
        Got:       GET http://127.0.0.1:PORT/Users?startIndex=1&count=2 answered 200, Content-Type text/html; charset=utf-8, body <!DOCTYPE html><html><head><title>Acme</title></head><body><h1>Welcome to Acme</h1></body></html>
        Required:  A SCIM JSON body (application/scim+json). [RFC 7644 §3.1, §8.1; okta MUST, entra MUST, rfc MUST]
        Fix:       Something other than the SCIM server answered: the Base URL points at a web page (site root, login page, SPA fallback route), or a proxy, WAF or load balancer served its own page. Point the Base URL at the SCIM endpoint, and compare with the server reached directly.
        Reproduce: curl -i 'http://127.0.0.1:PORT/Users?startIndex=1&count=2' -H 'accept: application/scim+json' -H 'user-agent: Okta SCIM Client 1.0.0' -H 'authorization: Bearer '"$SCIM_TOKEN" -H 'accept-charset: utf-8'"
    `);
  });

  test('a dropped query string is told apart from an ignored filter', () => {
    expect(rendered('query-string-dropped', 'FILTER_UNKNOWN_USER_EMPTY')).toMatchInlineSnapshot(`
      "FILTER_UNKNOWN_USER_EMPTY (MUST): a filter for a user that does not exist is a 200 empty ListResponse
        Got:       The filter for a user that does not exist matched 3 (Resources holds 3).
        Required:  200 with totalResults 0 and Resources [] (RFC 7644 §3.4.2: a query that matches nothing is a success). Entra's Test Connection sends exactly this and fails on anything else; Okta checks for an existing user this way before every create. [RFC 7644 §3.4.2; Entra "Test Connection"; Okta SPEC test; okta MUST, entra MUST, rfc MUST]
        Fix:       The server also ignored count and startIndex on GET /Users?startIndex=1&count=2, so the query string is not reaching your code: a proxy, WAF, API gateway or URL rewrite drops it. Allow GET with query strings through, and compare with the server reached directly.
        Reproduce: curl -i 'http://127.0.0.1:PORT/scim/v2/Users?filter=userName%20eq%20%22GUID%22' -H 'accept: application/scim+json' -H 'user-agent: scim-conformance/0.1' -H 'authorization: Bearer '"$SCIM_TOKEN""
    `);
    expect(rendered('filter-ignored', 'FILTER_UNKNOWN_USER_EMPTY')).toMatchInlineSnapshot(`
      "FILTER_UNKNOWN_USER_EMPTY (MUST): a filter for a user that does not exist is a 200 empty ListResponse
        Got:       The filter for a user that does not exist matched 3 (Resources holds 3).
        Required:  200 with totalResults 0 and Resources [] (RFC 7644 §3.4.2: a query that matches nothing is a success). Entra's Test Connection sends exactly this and fails on anything else; Okta checks for an existing user this way before every create. [RFC 7644 §3.4.2; Entra "Test Connection"; Okta SPEC test; okta MUST, entra MUST, rfc MUST]
        Fix:       The filter is ignored: the server answers with everyone. Parse the filter parameter (at least \`userName eq "..."\`, \`externalId eq "..."\` and \`emails[type eq "work"].value eq "..."\`); Okta and Entra will otherwise match the wrong user and overwrite them.
        Reproduce: curl -i 'http://127.0.0.1:PORT/scim/v2/Users?filter=userName%20eq%20%22GUID%22' -H 'accept: application/scim+json' -H 'user-agent: scim-conformance/0.1' -H 'authorization: Bearer '"$SCIM_TOKEN""
    `);
  });

  test('numbers as strings name the member and its value', () => {
    expect(rendered('numbers-as-strings', 'LIST_PAGING_NUMBERS')).toMatchInlineSnapshot(`
      "LIST_PAGING_NUMBERS (MUST): startIndex and itemsPerPage are JSON integers
        Got:       "startIndex" is the string "1"; "itemsPerPage" is the string "2"
        Required:  "startIndex" (1-based) and "itemsPerPage" as JSON integers when the request pages with startIndex and count; Okta imports by these numbers. [RFC 7644 §3.4.2; Okta SPEC test; okta MUST, entra MUST, rfc MUST]
        Fix:       Echo startIndex and send itemsPerPage = the number of Resources returned, both as numbers, not strings ("1") and not omitted.
        Reproduce: curl -i 'http://127.0.0.1:PORT/scim/v2/Users?startIndex=1&count=2' -H 'accept: application/scim+json' -H 'user-agent: Okta SCIM Client 1.0.0' -H 'authorization: Bearer '"$SCIM_TOKEN" -H 'accept-charset: utf-8'"
    `);
  });

  test('a login redirect says where it went', () => {
    expect(rendered('login-redirect', 'HTTP_REDIRECT')).toMatchInlineSnapshot(`
      "HTTP_REDIRECT (MUST): the endpoint answers directly, without a redirect
        Got:       GET http://127.0.0.1:PORT/scim/v2/Users?startIndex=1&count=2 answered 302, no Content-Type, Location /login?next=%2Fscim%2Fv2%2FUsers, an empty body
        Required:  The SCIM answer itself. Okta and Entra do not follow redirects, so they see no SCIM response at all. [RFC 7644 §3.4.2; Okta and Entra do not follow redirects; okta MUST, entra MUST, rfc MUST]
        Fix:       A redirect usually means the Base URL points at a web application (a login page, the site root, http instead of https, or a missing or extra trailing path). Set the Base URL to the SCIM root that answers directly.
        Reproduce: curl -i 'http://127.0.0.1:PORT/scim/v2/Users?startIndex=1&count=2' -H 'accept: application/scim+json' -H 'user-agent: Okta SCIM Client 1.0.0' -H 'authorization: Bearer '"$SCIM_TOKEN" -H 'accept-charset: utf-8'"
    `);
  });

  test('a wrong Content-Type names the header to send', () => {
    expect(rendered('json-as-text-plain', 'CONTENT_TYPE_NOT_JSON')).toMatchInlineSnapshot(`
      "CONTENT_TYPE_NOT_JSON (MUST): the Content-Type is a JSON media type
        Got:       GET http://127.0.0.1:PORT/scim/v2/Users?startIndex=1&count=2 answered 200, Content-Type text/plain; charset=utf-8, body {"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":3,"startIndex":1,"itemsPerPage":2,"Resources":[{"schemas":["urn:ietf:params:sci…
        Required:  Content-Type application/scim+json (application/json is accepted by Okta and Entra). [RFC 7644 §3.1, §8.1; okta MUST, entra MUST, rfc SHOULD]
        Fix:       Set the response header Content-Type: application/scim+json; charset=utf-8 (many frameworks default to text/plain or text/html when a string is written).
        Reproduce: curl -i 'http://127.0.0.1:PORT/scim/v2/Users?startIndex=1&count=2' -H 'accept: application/scim+json' -H 'user-agent: Okta SCIM Client 1.0.0' -H 'authorization: Bearer '"$SCIM_TOKEN" -H 'accept-charset: utf-8'"
    `);
  });
});
