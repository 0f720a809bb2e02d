/**
 * The test data a team can fit to its server: SCIM_EMAIL_DOMAIN and SCIM_USER_TEMPLATE. Each is
 * parsed with one sentence for a bad value, and reaches every user the suite creates, which still
 * carries the run marker and stays under the write guard.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ScimClient } from '../../src/http/client.js';
import { newRunPrefix, TestData } from '../../src/suite/test-data.js';
import { withUserTemplate } from '../../src/suite/user-template.js';
import { entraUserFlow, groupFlow, oktaUserFlow } from '../../src/flows/write-flows.js';
import { leftovers, RECORDING_TOKEN, startRecordingServer, type RecordingServer } from '../servers/recording.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const dir = mkdtempSync(join(tmpdir(), 'scimc-template-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function templateFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('SCIM_EMAIL_DOMAIN', () => {
  test('defaults to example.com, and takes a domain with or without its @, in any case', () => {
    expect(loadConfig({}).emailDomain).toBe('example.com');
    expect(loadConfig({ SCIM_EMAIL_DOMAIN: '@Staging.Acme.io ' }).emailDomain).toBe('staging.acme.io');
  });

  test.for(['acme', 'acme..io', 'user@acme.io', 'http://acme.io', '-acme.io'])('"%s" stops the run with one sentence', (value) => {
    expect(() => loadConfig({ SCIM_EMAIL_DOMAIN: value })).toThrow(new ConfigError(`SCIM_EMAIL_DOMAIN must be a domain such as staging.example.com, not "${value}".`));
  });
});

describe('SCIM_USER_TEMPLATE', () => {
  test('is read from the JSON file named', () => {
    const path = templateFile('ok.json', JSON.stringify({ title: 'Tester', [ENTERPRISE]: { employeeNumber: 'E-1' } }));
    expect(loadConfig({ SCIM_USER_TEMPLATE: path }).userTemplate).toEqual({ title: 'Tester', [ENTERPRISE]: { employeeNumber: 'E-1' } });
    expect(loadConfig({}).userTemplate).toBeUndefined();
  });

  test.for([
    ['a missing file', 'missing.json', undefined, /^SCIM_USER_TEMPLATE ".*missing\.json" cannot be read: set it to a JSON file/],
    ['a file that is not JSON', 'junk.json', '{title:', /^SCIM_USER_TEMPLATE ".*junk\.json" is not JSON \(/],
    ['an array', 'array.json', '[]', /must hold one JSON object of User attributes/],
    ['the run marker', 'username.json', '{"userName":"alice@acme.io"}', /sets userName, which the suite sets itself \(its run marker, or what its checks change\): remove it\.$/],
    [
      'what the checks change and match by',
      'reserved.json',
      '{"active":false,"externalId":"x","ID":"1"}',
      /sets id, active, externalId, which the suite sets itself .*: remove them\.$/,
    ],
    ['schemas that are not URNs', 'schemas.json', '{"schemas":"urn:x"}', /has "schemas" that is not a list of URNs\.$/],
  ] as const)('%s stops the run with one sentence', ([, name, content, message]) => {
    const path = content === undefined ? join(dir, name) : templateFile(name, content);
    expect(() => loadConfig({ SCIM_USER_TEMPLATE: path })).toThrow(ConfigError);
    expect(() => loadConfig({ SCIM_USER_TEMPLATE: path })).toThrow(message);
  });

  test('fills in what the suite does not send, and what the suite sends wins', () => {
    const body = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'scimc-x@acme.io', name: { givenName: 'Test' }, emails: [{ value: 'scimc-x@acme.io' }] };
    const template = { name: { givenName: 'Template', familyName: 'Family' }, emails: [{ value: 'other@acme.io' }], title: 'Tester', [ENTERPRISE]: { costCenter: 'CC-7' } };
    const merged = withUserTemplate(body, template);
    expect(merged).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      userName: 'scimc-x@acme.io',
      name: { givenName: 'Test', familyName: 'Family' },
      emails: [{ value: 'scimc-x@acme.io' }],
      title: 'Tester',
      [ENTERPRISE]: { costCenter: 'CC-7' },
    });
    expect(withUserTemplate(merged, template)).toEqual(merged);
  });
});

describe('the settings reach every user the lifecycles create', () => {
  const servers: RecordingServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function run(flow: typeof oktaUserFlow, scope: string) {
    const server = await startRecordingServer();
    servers.push(server);
    const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4 });
    const prefix = newRunPrefix();
    const userTemplate = { title: 'Template Title', [ENTERPRISE]: { costCenter: 'CC-7', employeeNumber: 'template-number' } };
    const data = new TestData(client, prefix, scope, { emailDomain: 'staging.acme.io', userTemplate });
    try {
      const checks = await flow({ client, data });
      await data.cleanup();
      const created = server.calls.filter((call) => call.method === 'POST' && /\/Users$/.test(call.path)).map((call) => JSON.parse(call.body) as Record<string, unknown>);
      return { checks, created, prefix, left: leftovers(server.service), writes: server.writes() };
    } finally {
      await client.close();
    }
  }

  test.for([
    ['okta', oktaUserFlow],
    ['entra', entraUserFlow],
    ['group', groupFlow],
  ] as const)('the %s lifecycle: every user carries the run marker, the domain and the template, and the flow still passes', async ([scope, flow]) => {
    const { checks, created, prefix, left } = await run(flow, scope);
    expect(checks.findings.map((f) => `${f.code}: ${f.got}`)).toEqual([]);
    expect(created.length).toBeGreaterThan(0);
    for (const user of created) {
      expect(String(user['userName'])).toMatch(new RegExp(`^${prefix}.*@staging\\.acme\\.io$`, 'i'));
      expect(user['title']).toBe('Template Title');
      expect((user[ENTERPRISE] as Record<string, unknown>)['costCenter']).toBe('CC-7');
      expect(user['schemas']).toContain(ENTERPRISE);
    }
    expect(left).toEqual([]);
  });

  test("Entra's create sends employeeNumber, department and the manager's id, its own values over the template's", async () => {
    const { created } = await run(entraUserFlow, 'entra');
    const entra = created.find((user) => typeof user['externalId'] === 'string' && /^[0-9a-f-]{36}$/.test(user['externalId']));
    const enterprise = entra?.[ENTERPRISE] as Record<string, unknown> | undefined;
    expect(enterprise).toMatchObject({ employeeNumber: '42', department: 'Provisioning', costCenter: 'CC-7', manager: { value: expect.any(String) } });
  });
});
