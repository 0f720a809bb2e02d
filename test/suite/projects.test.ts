import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { clientProjects, projectClient, projectsAskedFor } from '../../src/suite/projects.js';

describe('--project', () => {
  test('names one client, in either form and any case', () => {
    expect(projectsAskedFor(['node', 'vitest', 'run', '--project', 'okta'])).toEqual(['okta']);
    expect(projectClient(['node', 'vitest', 'run', '--project=Entra'])).toBe('entra');
    expect(projectClient(['node', 'vitest', 'run', '--project', 'rfc', '--project=rfc'])).toBe('rfc');
  });

  test('control: without it, no client projects (a plain run stays one run, judged for every client)', () => {
    expect(projectClient(['node', 'vitest', 'run', '-t', 'okta'])).toBeUndefined();
  });

  test.for([
    [['--project', 'google'], '--project must be okta, entra or rfc, not "google".'],
    [['--project', 'okta', '--project', 'entra'], '--project takes one client at a time: to judge for several, set SCIM_PROFILE=okta,entra instead.'],
  ] as const)('%j stops with "%s"', ([args, message]) => {
    expect(() => projectClient(['node', 'vitest', 'run', ...args])).toThrow(ConfigError);
    expect(() => projectClient(['node', 'vitest', 'run', ...args])).toThrow(message);
  });

  test('each client project is the whole suite, with the global setup in it', () => {
    expect(clientProjects(['setup.ts'])).toEqual(['okta', 'entra', 'rfc'].map((name) => ({ extends: true, test: { name, globalSetup: ['setup.ts'] } })));
  });
});
