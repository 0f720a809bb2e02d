import type { Exchange } from '../../src/http/exchange.js';

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** A raw body, sent as is. */
  raw?: string;
  url?: string;
  durationMs?: number;
}

/** A recorded exchange as the client would make it, for testing checks offline. */
export function exchangeOf(answer: FakeAnswer): Exchange {
  const body = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
  return {
    request: {
      method: 'GET',
      url: answer.url ?? 'https://scim.example.test/scim/v2/Users?startIndex=1&count=2',
      headers: { accept: 'application/scim+json', authorization: 'Bearer $SCIM_TOKEN' },
    },
    response: {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/scim+json; charset=utf-8', ...answer.headers },
      body,
      truncated: false,
      bytes: Buffer.byteLength(body),
    },
    timing: { startedAt: '2026-01-01T00:00:00.000Z', durationMs: answer.durationMs ?? 12 },
  };
}

export function failedExchange(code: NonNullable<Exchange['error']>['code'], message: string): Exchange {
  return {
    request: { method: 'GET', url: 'https://scim.example.test/scim/v2/Users?startIndex=1&count=2', headers: {} },
    error: { code, message },
    timing: { startedAt: '2026-01-01T00:00:00.000Z', durationMs: 3 },
  };
}

/** A user with every attribute Okta's SPEC test reads, as a correct server lists it. */
export const OKTA_USER = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: 'u1',
  userName: 'ada@example.com',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
  active: true,
};
