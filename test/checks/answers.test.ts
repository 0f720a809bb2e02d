import { expect, test } from 'vitest';
import { serverErrorFix } from '../../src/checks/answers.js';
import { exchangeOf } from '../support/exchange.js';

test('a 500 is told to look for the crash in the server log', () => {
  expect(serverErrorFix(exchangeOf({ status: 500 })).fix).toMatch(/crashed the handler/);
});

test('a 501 is told it is not implemented, not that it crashed', () => {
  const fix = serverErrorFix(exchangeOf({ status: 501 })).fix;
  expect(fix).toMatch(/^501 Not Implemented/);
  expect(fix).not.toMatch(/crash/);
});

test('control: an answer below 500 carries no server-error fix', () => {
  expect(serverErrorFix(exchangeOf({ status: 400 }))).toEqual({});
});
