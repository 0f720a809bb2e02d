import { describe, expect, test } from 'vitest';
import { checkJsonAnswer } from '../../src/checks/response.js';
import { exchangeOf, failedExchange } from '../support/exchange.js';

function codes(exchange: Parameters<typeof checkJsonAnswer>[0], status = [200]) {
  return checkJsonAnswer(exchange, { status }).run.findings.map((f) => f.code);
}

describe('checkJsonAnswer', () => {
  test('a JSON answer with the SCIM media type has no findings', () => {
    expect(codes(exchangeOf({ body: {} }))).toEqual([]);
  });

  test('no answer at all is HTTP_NO_ANSWER with the fix for that transport error', () => {
    const run = checkJsonAnswer(failedExchange('CONNECTION_REFUSED', 'the connection was refused'), { status: [200] }).run;
    expect(run.findings.map((f) => f.code)).toEqual(['HTTP_NO_ANSWER']);
    expect(run.findings[0]?.fix).toMatch(/start the server/);
  });

  test.for([
    ['a 302 to a login page', { status: 302, headers: { location: '/login' }, raw: '' }, ['HTTP_REDIRECT']],
    ['an HTML page', { headers: { 'content-type': 'text/html' }, raw: '<!DOCTYPE html><html></html>' }, ['HTTP_HTML_PAGE']],
    ['HTML without a Content-Type', { headers: { 'content-type': '' }, raw: '<html><body>hi</body></html>' }, ['HTTP_HTML_PAGE']],
    ['JSON labelled text/html', { headers: { 'content-type': 'text/html' }, body: {} }, ['CONTENT_TYPE_NOT_JSON']],
    ['JSON labelled text/plain', { headers: { 'content-type': 'text/plain' }, body: {} }, ['CONTENT_TYPE_NOT_JSON']],
    ['JSON labelled application/json', { headers: { 'content-type': 'application/json' }, body: {} }, ['CONTENT_TYPE_NOT_SCIM']],
    ['an empty body', { raw: '' }, ['HTTP_BODY_EMPTY']],
    ['a body that does not parse', { raw: '{"a":' }, ['HTTP_BODY_NOT_JSON']],
    ['a 500', { status: 500, body: { detail: 'boom' } }, ['HTTP_STATUS']],
  ] as const)('%s is reported as %s', ([, answer, expected]) => {
    expect(codes(exchangeOf(answer))).toEqual(expected);
  });

  test('a 304 is not a redirect', () => {
    expect(codes(exchangeOf({ status: 304, raw: '' }), [304])).not.toContain('HTTP_REDIRECT');
  });

  test('content is only returned when the status is the expected one', () => {
    expect(checkJsonAnswer(exchangeOf({ status: 404, body: {} }), { status: [200] }).json).toBeUndefined();
    expect(checkJsonAnswer(exchangeOf({ body: { a: 1 } }), { status: [200] }).json).toEqual({ a: 1 });
  });
});
