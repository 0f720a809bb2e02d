/**
 * Vitest projects per client: `--project okta` judges for Okta alone, as SCIM_PROFILE=okta does.
 * They exist only when --project is given, so a plain run stays one run judged for every client
 * (Vitest runs every project it is given when none is named).
 */
import { CLIENTS, ConfigError, type Client } from '../config.js';

/** The names given to --project (`--project okta`, `--project=okta`). */
export function projectsAskedFor(argv: readonly string[]): string[] {
  const names: string[] = [];
  argv.forEach((arg, at) => {
    if (arg === '--project') names.push(argv[at + 1] ?? '');
    else if (arg.startsWith('--project=')) names.push(arg.slice('--project='.length));
  });
  return names;
}

/** The one client --project names, undefined without --project. */
export function projectClient(argv: readonly string[]): Client | undefined {
  const names = projectsAskedFor(argv).map((name) => name.trim().toLowerCase());
  if (names.length === 0) return undefined;
  const unknown = names.find((name) => !(CLIENTS as readonly string[]).includes(name));
  if (unknown !== undefined) throw new ConfigError(`--project must be okta, entra or rfc, not "${unknown}".`);
  if (new Set(names).size > 1) throw new ConfigError(`--project takes one client at a time: to judge for several, set SCIM_PROFILE=${[...new Set(names)].join(',')} instead.`);
  return names[0] as Client;
}

/**
 * One Vitest project per client, each the whole suite (`extends: true`). The global setup is the
 * projects' own: left in the root config too, it would run twice, with two bundled servers.
 */
export function clientProjects(globalSetup: string[]): Array<{ extends: true; test: { name: Client; globalSetup: string[] } }> {
  return CLIENTS.map((name) => ({ extends: true as const, test: { name, globalSetup } }));
}
