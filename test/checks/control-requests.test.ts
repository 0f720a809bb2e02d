/**
 * Control before blame, as the real servers showed it was needed: better-auth 1.7.5 refuses a PATCH
 * of nickName ("User PATCH path nickName is not supported", invalidPath) in any op case, and the
 * suite used to call that a refusal of Entra's capitalised ops. Each variant is now paired with its
 * control, the same operations in their plain RFC form: a server that refuses only the variant still
 * fails the variant's rule; a server that refuses the attribute itself is not blamed for the variant,
 * and the reason quotes what it refused.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { entraUserRules } from '../../src/checks/user-lifecycle.js';
import { ScimClient } from '../../src/http/client.js';
import type { ScimRequest, ScimResponse } from '../../src/reference-server/types.js';
import { newRunPrefix, TestData } from '../../src/suite/test-data.js';
import { entraUserFlow } from '../../src/flows/write-flows.js';
import { leftovers, RECORDING_TOKEN, startRecordingServer, type Breakage, type RecordingServer } from '../servers/recording.js';

const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function operations(request: ScimRequest): Array<Record<string, unknown>> {
  try {
    const ops = (JSON.parse(request.body) as { Operations?: unknown }).Operations;
    return Array.isArray(ops) ? (ops as Array<Record<string, unknown>>) : [];
  } catch {
    return [];
  }
}

function refuse(detail: string, scimType: string): ScimResponse {
  const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType, detail };
  return { status: 400, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify(body) };
}

/** A PATCH of /Users/{id} one of whose operations matches `refused` answers `answer`; the rest goes to the reference server. */
function refusingPatch(refused: (op: Record<string, unknown>) => boolean, answer: ScimResponse): Breakage {
  return (request, service) => (request.method === 'PATCH' && /\/Users\/[^/]+$/.test(request.path) && operations(request).some(refused) ? answer : service.handle(request));
}

async function entraRun(breakage: Breakage) {
  const server = await startRecordingServer({ breakage });
  servers.push(server);
  const client = new ScimClient({ baseUrl: server.baseUrl, token: RECORDING_TOKEN, timeoutMs: 5000, maxInFlight: 4 });
  const data = new TestData(client, newRunPrefix(), 'entra');
  try {
    const run = await entraUserFlow({ client, data });
    await data.cleanup();
    return { run, codes: run.findings.map((f) => f.code), left: leftovers(server.service) };
  } finally {
    await client.close();
  }
}

describe('PATCH_OP_CAPITALISED and its control', () => {
  const { PATCH_OP_CAPITALISED } = entraUserRules;

  test('a server that refuses only capitalised ops fails PATCH_OP_CAPITALISED', async () => {
    const capitalised = (op: Record<string, unknown>) => typeof op['op'] === 'string' && op['op'] !== op['op'].toLowerCase();
    const { codes, left } = await entraRun(refusingPatch(capitalised, refuse('Unknown op', 'invalidSyntax')));
    expect(codes).toContain(PATCH_OP_CAPITALISED.code);
    expect(left).toEqual([]);
  });

  test('a server that refuses nickName in any case is not blamed for the case of op, and the reason quotes its refusal', async () => {
    const nickName = (op: Record<string, unknown>) => op['path'] === 'nickName';
    const { run, codes, left } = await entraRun(refusingPatch(nickName, refuse('User PATCH path nickName is not supported', 'invalidPath')));
    expect(codes).not.toContain(PATCH_OP_CAPITALISED.code);
    expect(run.checked.has(PATCH_OP_CAPITALISED.code)).toBe(false);
    expect(run.skipped.get(PATCH_OP_CAPITALISED.code)).toBe(
      'not judged: the control, the same replace of displayName and add of nickName with lower-case ops, was refused too ' +
        '(400, scimType "invalidPath", detail "User PATCH path nickName is not supported"), so the server refuses that change in any form; the variant is not the cause',
    );
    expect(left).toEqual([]);
  });
});
