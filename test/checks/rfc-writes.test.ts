/**
 * The RFC write flow against the reference server (every rule judged, none failed, everything it
 * created removed) and against servers that break exactly one rule: that rule fails with its code,
 * and the rules whose requests the breakage does not touch are not blamed. The pure checks are also
 * judged on recorded exchanges.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { checkDeletedNotListed, checkReadOnlyIgnored, rfcWriteRules, RFC_WRITE_VALUES } from '../../src/checks/rfc-writes.js';
import { CheckRun } from '../../src/checks/run.js';
import { ScimClient } from '../../src/http/client.js';
import type { ScimService } from '../../src/reference-server/index.js';
import type { ScimRequest, ScimResponse } from '../../src/reference-server/types.js';
import { exchangeOf } from '../support/exchange.js';
import { RFC_WRITE_RULES, rfcWriteFlow, type RfcWriteOptions } from '../../src/suite/rfc-write-flow.js';
import { newRunPrefix, TestData } from '../../src/suite/test-data.js';
import { bystanders, leftovers, RECORDING_TOKEN, startRecordingServer, type Breakage, type RecordingServer } from '../servers/recording.js';

const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function runFlow(breakage?: Breakage, options: RfcWriteOptions = {}) {
  const server = await startRecordingServer(breakage === undefined ? {} : { breakage });
  servers.push(server);
  const before = bystanders(server.service);
  const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4 });
  const data = new TestData(client, newRunPrefix(), 'rfc');
  try {
    const run = await rfcWriteFlow(options)({ client, data });
    const report = await data.cleanup();
    return { run, report, server, before, codes: run.findings.map((f) => f.code) };
  } finally {
    await client.close();
  }
}

describe('the RFC write flow against the reference server', () => {
  test('judges every rule, fails none, and leaves the store as it found it', async () => {
    const { run, server, before } = await runFlow();
    expect(run.findings.map((f) => `${f.code}: ${f.got}`)).toEqual([]);
    expect([...run.skipped]).toEqual([]);
    for (const rule of RFC_WRITE_RULES) expect(run.checked).toContain(rule.code);
    expect(leftovers(server.service)).toEqual([]);
    expect(bystanders(server.service)).toBe(before);
  });

  test('sends at most one request per rule it judges, cleanup included', async () => {
    const { server } = await runFlow();
    // create + read-back, five PATCHes, DELETE + read + filter, create + read-back, DELETE + read: 14.
    expect(server.calls.length).toBeLessThanOrEqual(RFC_WRITE_RULES.length);
  });
});

type Json = Record<string, unknown>;
type Operation = Json;
const USERS = /\/Users\/?$/;
const USER = /\/Users\/[^/]+$/;
const is = (request: ScimRequest, method: string, pattern: RegExp) => request.method === method && pattern.test(request.path);
const parsed = (text: string | undefined): Json => (text === undefined || text === '' ? {} : (JSON.parse(text) as Json));
const operationsOf = (request: ScimRequest) => (parsed(request.body)['Operations'] as Operation[] | undefined) ?? [];
const withOperations = (request: ScimRequest, operations: Operation[]): ScimRequest => ({ ...request, body: JSON.stringify({ ...parsed(request.body), Operations: operations }) });
const scimError = (status: number, scimType: string, detail: string): ScimResponse => ({
  status,
  headers: { 'content-type': 'application/scim+json' },
  body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), scimType, detail }),
});
const isNoTargetProbe = (operation: Operation) => String(operation['path']).includes('scimc-none');

/** Drops the operations `drop` selects from every PATCH (answering as if they were applied). */
const ignoring =
  (drop: (operation: Operation) => boolean): Breakage =>
  (request, service) => {
    if (!is(request, 'PATCH', USER)) return service.handle(request);
    const kept = operationsOf(request).filter((operation) => !drop(operation));
    return kept.length === 0
      ? service.handle(withOperations(request, [{ op: 'add', path: 'title', value: RFC_WRITE_VALUES.title }]))
      : service.handle(withOperations(request, kept));
  };

/** Rewrites the JSON body of the answers to POST /Users. */
const rewritingCreates =
  (rewrite: (body: Json, request: Json) => void): Breakage =>
  (request, service) => {
    const response = service.handle(request);
    if (!is(request, 'POST', USERS) || response.body === undefined) return response;
    const body = parsed(response.body);
    rewrite(body, parsed(request.body));
    return { ...response, body: JSON.stringify(body) };
  };

/** Remembers deleted users: `after` answers with them. */
function rememberingDeletions(after: (request: ScimRequest, service: ScimService, deleted: Json[]) => ScimResponse | undefined): Breakage {
  const deleted: Json[] = [];
  return (request, service) => {
    if (is(request, 'DELETE', USER)) {
      const current = service.handle({ ...request, method: 'GET', body: '' });
      if (current.status === 200) deleted.push(parsed(current.body));
    }
    return after(request, service, deleted) ?? service.handle(request);
  };
}

const brokenServers: Array<{ name: string; expected: string; breakage: Breakage }> = [
  {
    name: 'lower-cases externalId',
    expected: 'RESOURCE_CASE_EXACT_PRESERVED',
    breakage: rewritingCreates((body) => {
      if (typeof body['externalId'] === 'string') body['externalId'] = body['externalId'].toLowerCase();
    }),
  },
  {
    name: 'keeps the meta a create sends',
    expected: 'RESOURCE_READONLY_IGNORED_ON_CREATE',
    breakage: rewritingCreates((body, sent) => {
      if (sent['meta'] !== undefined) body['meta'] = { ...(body['meta'] as Json), ...(sent['meta'] as Json) };
    }),
  },
  {
    name: 'refuses a create that carries an id',
    expected: 'RESOURCE_READONLY_IGNORED_ON_CREATE',
    breakage: (request, service) => (is(request, 'POST', USERS) && 'id' in parsed(request.body) ? scimError(400, 'invalidValue', '"id" is readOnly.') : service.handle(request)),
  },
  {
    name: 'answers a PATCH with ?attributes= with 204',
    expected: 'PATCH_ATTRIBUTES_ANSWERS_200',
    breakage: (request, service) => {
      const response = service.handle(request);
      return is(request, 'PATCH', USER) && request.query.has('attributes') && response.status === 200 ? { status: 204, headers: {} } : response;
    },
  },
  {
    name: 'ignores a replace of nickName',
    expected: 'PATCH_REPLACE_ABSENT_ADDS',
    breakage: ignoring((o) => o['op'] === 'replace' && o['path'] === 'nickName' && o['value'] !== null),
  },
  {
    name: 'refuses a second primary email',
    expected: 'PATCH_PRIMARY_EXCLUSIVE',
    breakage: (request, service) =>
      is(request, 'PATCH', USER) && operationsOf(request).some((o) => o['path'] === 'emails' && JSON.stringify(o['value'] ?? null).includes('"primary":true'))
        ? scimError(400, 'invalidValue', '"emails" has more than one primary value.')
        : service.handle(request),
  },
  {
    name: 'touches lastModified on a PATCH that changes nothing',
    expected: 'PATCH_ADD_EXISTING_KEEPS_MODIFIED',
    breakage: (request, service) => {
      const response = service.handle(request);
      if (!is(request, 'PATCH', USER) || response.status !== 200 || request.query.has('attributes') || response.body === undefined) return response;
      const body = parsed(response.body);
      return { ...response, body: JSON.stringify({ ...body, meta: { ...(body['meta'] as Json), lastModified: '2099-01-01T00:00:00.000Z' } }) };
    },
  },
  {
    name: 'refuses an add of a value already there',
    expected: 'PATCH_ADD_EXISTING_ACCEPTED',
    breakage: (request, service) => {
      if (!is(request, 'PATCH', USER)) return service.handle(request);
      const [only, ...more] = operationsOf(request);
      const current = parsed(service.handle({ ...request, method: 'GET', body: '', query: new URLSearchParams() }).body);
      const repeats = more.length === 0 && only?.['op'] === 'add' && only['path'] === 'title' && current['title'] === only['value'];
      return repeats ? scimError(409, 'uniqueness', 'title already has that value.') : service.handle(request);
    },
  },
  {
    name: 'refuses a replace of an attribute the user lacks, but takes its add',
    expected: 'PATCH_REPLACE_ABSENT_ADDS',
    breakage: (request, service) => {
      if (!is(request, 'PATCH', USER)) return service.handle(request);
      const current = parsed(service.handle({ ...request, method: 'GET', body: '', query: new URLSearchParams() }).body);
      const absent = operationsOf(request).some((o) => o['op'] === 'replace' && typeof o['path'] === 'string' && !o['path'].includes('[') && !(o['path'] in current));
      return absent ? scimError(400, 'noTarget', 'Nothing to replace.') : service.handle(request);
    },
  },
  { name: 'ignores a replace whose filter matches nothing', expected: 'PATCH_REPLACE_NO_TARGET', breakage: ignoring(isNoTargetProbe) },
  {
    name: 'refuses a replace whose filter matches nothing with invalidValue, not noTarget',
    expected: 'PATCH_REPLACE_NO_TARGET',
    breakage: (request, service) =>
      is(request, 'PATCH', USER) && operationsOf(request).some(isNoTargetProbe) ? scimError(400, 'invalidValue', 'No email matches.') : service.handle(request),
  },
  {
    name: 'keeps the operations before the one that fails',
    expected: 'PATCH_ATOMIC',
    breakage: (request, service) => {
      const operations = operationsOf(request);
      const failing = operations.findIndex(isNoTargetProbe);
      if (!is(request, 'PATCH', USER) || failing < 1) return service.handle(request);
      service.handle(withOperations(request, operations.slice(0, failing)));
      return scimError(400, 'noTarget', 'No email matches the filter.');
    },
  },
  {
    name: 'refuses the remove of userName as invalidValue',
    expected: 'PATCH_REMOVE_REQUIRED_REFUSED',
    breakage: (request, service) =>
      is(request, 'PATCH', USER) && operationsOf(request).some((o) => o['op'] === 'remove' && o['path'] === 'userName')
        ? scimError(400, 'invalidValue', '"userName" is required.')
        : service.handle(request),
  },
  { name: 'ignores a remove of emails', expected: 'PATCH_REMOVE_UNASSIGNS', breakage: ignoring((o) => o['op'] === 'remove' && o['path'] === 'emails') },
  { name: 'ignores a replace with null', expected: 'PATCH_NULL_UNASSIGNS', breakage: ignoring((o) => o['op'] === 'replace' && o['value'] === null) },
  {
    name: 'still lists a deleted user',
    expected: 'USER_DELETED_NOT_LISTED',
    breakage: rememberingDeletions((request, _service, deleted) => {
      const filter = request.query.get('filter') ?? '';
      const listed = deleted.filter((user) => filter.includes(String(user['userName'])));
      if (!is(request, 'GET', USERS) || listed.length === 0) return undefined;
      const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: listed.length, startIndex: 1, itemsPerPage: listed.length, Resources: listed };
      return { status: 200, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify(body) };
    }),
  },
  {
    name: 'keeps the userName of a deleted user taken',
    expected: 'USER_DELETED_NAME_REUSABLE',
    breakage: rememberingDeletions((request, _service, deleted) => {
      const userName = parsed(request.body)['userName'];
      const taken = is(request, 'POST', USERS) && deleted.some((user) => user['userName'] === userName);
      return taken ? scimError(409, 'uniqueness', `userName ${String(userName)} is taken.`) : undefined;
    }),
  },
];

describe.for(brokenServers)('against a server that $name', ({ expected, breakage }) => {
  test(`only ${expected} fails, and everything created is removed`, async () => {
    const { codes, server, before } = await runFlow(breakage);
    expect(codes.length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set([expected]));
    expect(leftovers(server.service)).toEqual([]);
    expect(bystanders(server.service)).toBe(before);
  });
});

describe('controls: a server that breaks something else is not blamed for these rules', () => {
  test('a PATCH answer that leaves out attributes asked for is read again before the replace is judged', async () => {
    const { codes, run } = await runFlow((request, service) => {
      const response = service.handle(request);
      if (!is(request, 'PATCH', USER) || !request.query.has('attributes') || response.body === undefined) return response;
      const { nickName: _dropped, ...rest } = parsed(response.body);
      return { ...response, body: JSON.stringify(rest) };
    });
    expect(codes).toEqual([]);
    expect(run.checked).toContain(rfcWriteRules.PATCH_REPLACE_ABSENT_ADDS.code);
  });

  test('a server that refuses every PATCH fails only the rules of the operations it refused alone, and skips the others with the reason', async () => {
    const { codes, run } = await runFlow((request, service) => (is(request, 'PATCH', USER) ? scimError(400, 'invalidSyntax', 'PATCH is not supported.') : service.handle(request)));
    expect(run.skipped.get(rfcWriteRules.PATCH_ATTRIBUTES_ANSWERS_200.code)).toMatch(/^not judged: the same PATCH without \?attributes= was refused too/);
    expect(run.skipped.get(rfcWriteRules.PATCH_ATOMIC.code)).toMatch(/^not judged: the title/);
    expect(codes).not.toContain(rfcWriteRules.RESOURCE_READONLY_IGNORED_ON_CREATE.code);
    expect(codes).not.toContain(rfcWriteRules.USER_DELETED_NOT_LISTED.code);
  });

  test('a server whose schema has no nickName, refusing its add as well as its replace, is not blamed for PATCH_REPLACE_ABSENT_ADDS', async () => {
    // better-auth 1.7.5: "User PATCH path nickName is not supported" (invalidPath) for every op on it.
    const { codes, run } = await runFlow((request, service) =>
      is(request, 'PATCH', USER) && operationsOf(request).some((o) => o['path'] === 'nickName')
        ? scimError(400, 'invalidPath', 'User PATCH path nickName is not supported')
        : service.handle(request),
    );
    expect(codes).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.PATCH_REPLACE_ABSENT_ADDS.code)).toBe(
      'not judged: the control, the add of the same nickName, was refused too (400, scimType "invalidPath", detail "User PATCH path nickName is not supported"), so the server refuses that change in any form; the variant is not the cause',
    );
    expect(run.checked).toContain(rfcWriteRules.PATCH_PRIMARY_EXCLUSIVE.code);
  });

  test('a server that takes no sw filter in a PATCH path, matching or not, is not blamed for PATCH_REPLACE_NO_TARGET', async () => {
    // better-auth 1.7.5 takes only `type eq` in a PATCH path: "User PATCH path emails[type sw …].value is not supported".
    const { codes, run, server } = await runFlow((request, service) =>
      is(request, 'PATCH', USER) && operationsOf(request).some((o) => String(o['path']).includes(' sw '))
        ? scimError(400, 'invalidPath', 'User PATCH path emails[type sw] is not supported')
        : service.handle(request),
    );
    expect(codes).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.PATCH_REPLACE_NO_TARGET.code)).toMatch(
      /^not judged: the control, the same replace with a filter that matches the work email, was refused too \(400, scimType "invalidPath"/,
    );
    expect(run.checked).toContain(rfcWriteRules.PATCH_ATOMIC.code);
    const controls = server.calls.filter((call) => call.method === 'PATCH' && call.body.includes('type sw \\"work\\"'));
    expect(controls).toHaveLength(1);
  });

  test('on a server that does not advertise PATCH, no PATCH is sent and its rules are skipped with that reason', async () => {
    const { codes, run, server } = await runFlow(undefined, { patchNotOffered: 'not offered: patch.supported is false' });
    expect(server.calls.filter((call) => call.method === 'PATCH')).toEqual([]);
    expect(codes).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.PATCH_ATOMIC.code)).toBe('not offered: patch.supported is false');
    expect(run.checked).toContain(rfcWriteRules.USER_DELETED_NAME_REUSABLE.code);
  });
});

describe('the checks on recorded exchanges', () => {
  test('a create answered with the id the client chose fails RESOURCE_READONLY_IGNORED_ON_CREATE', () => {
    const run = new CheckRun();
    checkReadOnlyIgnored(run, exchangeOf({ status: 201, body: { id: 'client-guid', meta: { created: '2026-01-01T00:00:00Z' } } }), 'client-guid');
    expect(run.findings.map((f) => f.code)).toEqual([rfcWriteRules.RESOURCE_READONLY_IGNORED_ON_CREATE.code]);
    expect(run.findings[0]?.got).toContain('id "client-guid"');
  });

  test('a filter query that is not a ListResponse leaves USER_DELETED_NOT_LISTED unjudged, not failed', () => {
    const run = new CheckRun();
    checkDeletedNotListed(run, exchangeOf({ status: 400, body: { detail: 'filter not supported' } }), 'gone');
    expect(run.findings).toEqual([]);
    expect(run.skipped.get(rfcWriteRules.USER_DELETED_NOT_LISTED.code)).toMatch(/^not judged: the filter query was not answered with a ListResponse/);
  });
});
