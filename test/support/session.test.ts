/**
 * A session (test/support/run-suite.ts) runs each server as a run of its own would: the second run
 * tests the second server, with its own settings, not what the first run set up.
 */
import { afterAll, expect, test } from 'vitest';
import { gallery, GALLERY_TOKEN } from '../servers/gallery.js';
import { startReadServer } from '../servers/read-gallery.js';
import { ONE_WORKER, SuiteSession } from './run-suite.js';

const session = new SuiteSession(ONE_WORKER);
afterAll(() => session.close());

test('each run of a session tests its own server with its own settings', async () => {
  const broken = gallery.find((server) => server.name === 'null-body');
  if (broken === undefined) throw new Error('no gallery server null-body');
  const [bad, good] = await Promise.all([broken.start(), startReadServer()]);
  try {
    const first = await session.run({ SCIM_BASE_URL: bad.baseUrl, SCIM_TOKEN: GALLERY_TOKEN }, ['suites/connection.spec.ts']);
    const second = await session.run({ SCIM_BASE_URL: good.baseUrl, SCIM_TOKEN: GALLERY_TOKEN, SCIM_PROFILE: 'okta' }, ['suites/connection.spec.ts']);
    const third = await session.run({ SCIM_BASE_URL: bad.baseUrl, SCIM_TOKEN: GALLERY_TOKEN }, ['suites/connection.spec.ts']);
    expect([first, second, third].map((run) => run.exitCode)).toEqual([1, 0, 1]);
    expect(first.stdout).toContain(`testing ${bad.baseUrl}`);
    expect(second.stdout).toContain(`testing ${good.baseUrl}`);
    expect(second.stdout).toContain('profiles: okta;');
    expect(second.stdout).not.toContain(bad.baseUrl);
    expect(first.failedCodes).toContain('LIST_NOT_AN_OBJECT');
    expect(second.failedCodes).toEqual([]);
    expect(third.failedCodes).toEqual(first.failedCodes);
  } finally {
    await Promise.all([bad.close(), good.close()]);
  }
});

test('a wrong setting, which stops a run at its config, is refused by a session', async () => {
  await expect(session.run({ SCIM_TIMEOUT_MS: 'soon' })).rejects.toThrow(/use runSuites \(SCIM_TIMEOUT_MS must be a positive whole number/);
});
