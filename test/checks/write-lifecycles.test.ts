/**
 * Each lifecycle against the reference server (every rule checked, none failed) and against a
 * server that breaks exactly one step (the rule of that step fails with its code). The flows run
 * in process against a loopback server, the way the suites run them; what they create is always
 * removed again, also when checks failed.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { badInputRules } from '../../src/checks/bad-input.js';
import { etagRules } from '../../src/checks/etag.js';
import { groupRules } from '../../src/checks/group-lifecycle.js';
import type { Rule } from '../../src/checks/rule.js';
import type { CheckRun } from '../../src/checks/run.js';
import { entraUserRules, userLifecycleRules } from '../../src/checks/user-lifecycle.js';
import { ScimClient } from '../../src/http/client.js';
import { newRunPrefix, TestData } from '../../src/suite/test-data.js';
import { badInputFlow, entraUserFlow, etagFlow, etagPrecondition, groupFlow, oktaUserFlow, otherCase, type FlowContext } from '../../src/suite/write-flows.js';
import { bystanders, leftovers, RECORDING_TOKEN, startRecordingServer, storeText, type Breakage, type RecordingServer } from '../servers/recording.js';
import { writeGallery, type FlowName } from '../servers/write-gallery.js';

const flows: Record<FlowName, (context: FlowContext) => Promise<CheckRun>> = {
  okta: oktaUserFlow,
  entra: entraUserFlow,
  group: groupFlow,
  bad: badInputFlow,
  etag: etagFlow,
};

const { USER_ACTIVE_BOOLEAN, USER_DEACTIVATED_READABLE, USER_DEACTIVATED_FINDABLE } = userLifecycleRules;
/** The rules each spec file registers for its flow: all of them must be judged on a good server. */
const registered: Record<FlowName, Rule[]> = {
  okta: Object.values(userLifecycleRules),
  entra: [...Object.values(entraUserRules), USER_ACTIVE_BOOLEAN, USER_DEACTIVATED_READABLE, USER_DEACTIVATED_FINDABLE],
  group: Object.values(groupRules),
  bad: [...Object.values(badInputRules), USER_ACTIVE_BOOLEAN],
  etag: Object.values(etagRules),
};

const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function runFlow(flow: FlowName, breakage?: Breakage) {
  const server = await startRecordingServer(breakage === undefined ? {} : { breakage });
  servers.push(server);
  const before = bystanders(server.service);
  const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4 });
  const data = new TestData(client, newRunPrefix(), flow);
  try {
    const run = await flows[flow]({ client, data });
    const report = await data.cleanup();
    return { run, report, server, before, codes: run.findings.map((f) => f.code) };
  } finally {
    await client.close();
  }
}

describe.for(Object.keys(flows) as FlowName[])('the %s lifecycle against the reference server', (flow) => {
  test('judges every rule its spec registers, and fails none', async () => {
    const { run, codes } = await runFlow(flow);
    expect(codes).toEqual([]);
    expect(registered[flow].map((rule) => rule.code).filter((code) => !run.checked.has(code))).toEqual([]);
  });

  test('leaves the store exactly as it found it', async () => {
    const server = await startRecordingServer();
    servers.push(server);
    const before = storeText(server.service);
    const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4 });
    const data = new TestData(client, newRunPrefix(), flow);
    await flows[flow]({ client, data });
    await data.cleanup();
    await client.close();
    expect(storeText(server.service)).toBe(before);
  });
});

describe.for(writeGallery)('a server where $name', (broken) => {
  test(`fails ${broken.expected} in the ${broken.flow} lifecycle`, async () => {
    const { codes } = await runFlow(broken.flow, broken.breakage);
    expect(codes).toContain(broken.expected);
  });

  test('still ends with none of the run\'s resources left and bystanders untouched', async () => {
    const { server, before, report } = await runFlow(broken.flow, broken.breakage);
    if (broken.keepsDeleted === true) expect(report.failed).toEqual([]);
    else expect(leftovers(server.service)).toEqual([]);
    expect(bystanders(server.service)).toBe(before);
  });
});

test('every lifecycle rule has a broken server that fails it', () => {
  const all = [...Object.values(userLifecycleRules), ...Object.values(entraUserRules), ...Object.values(groupRules), ...Object.values(badInputRules), ...Object.values(etagRules)];
  const covered = new Set(writeGallery.map((broken) => broken.expected));
  expect(all.map((rule) => rule.code).filter((code) => !covered.has(code))).toEqual([]);
});

describe('the ETag precondition', () => {
  test('gives no reason to skip when etag.supported is advertised', async () => {
    const server = await startRecordingServer();
    servers.push(server);
    const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4 });
    expect(etagPrecondition(await client.send({ path: '/ServiceProviderConfig' }))).toBeUndefined();
    await client.close();
  });

  test('names the reason when /ServiceProviderConfig does not advertise it', async () => {
    const server = await startRecordingServer({
      breakage: (request, service) => {
        const response = service.handle(request);
        if (!/ServiceProviderConfig/i.test(request.path) || response.body === undefined) return response;
        return { ...response, body: JSON.stringify({ ...(JSON.parse(response.body) as object), etag: { supported: false } }) };
      },
    });
    servers.push(server);
    const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4 });
    expect(etagPrecondition(await client.send({ path: '/ServiceProviderConfig' }))).toMatch(/^not advertised: \/ServiceProviderConfig does not say "etag": \{"supported": true\}/);
    await client.close();
  });
});

test('the other-case name keeps the run prefix as it is, so a stray duplicate is still swept', () => {
  const prefix = newRunPrefix();
  expect(otherCase(`${prefix}okta-1@example.com`, prefix)).toBe(`${prefix}OKTA-1@EXAMPLE.COM`);
});
