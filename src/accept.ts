import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './config.js';

/**
 * Accepted deviations: finding codes a team knowingly accepts, each with its reason. They live in
 * the team's own project (`scim-conformance.accept.json`, or the file SCIM_ACCEPT_FILE names), are
 * reported as accepted rather than failed, and an entry that no longer matches anything is stale.
 */
export const DEFAULT_ACCEPT_FILE = 'scim-conformance.accept.json';

export interface Acceptance {
  code: string;
  reason: string;
}

export function acceptFilePath(env: Record<string, string | undefined>, cwd = process.cwd()): string {
  return resolve(cwd, env['SCIM_ACCEPT_FILE']?.trim() || DEFAULT_ACCEPT_FILE);
}

/** Reads the file if there is one; a malformed file is a ConfigError naming what to correct. */
export function loadAcceptances(env: Record<string, string | undefined>, cwd = process.cwd()): Acceptance[] {
  const path = acceptFilePath(env, cwd);
  if (!existsSync(path)) {
    if (env['SCIM_ACCEPT_FILE']?.trim()) throw new ConfigError(`SCIM_ACCEPT_FILE names ${path}, which does not exist.`);
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON (${(error as Error).message}).`);
  }
  const entries = Array.isArray(parsed) ? parsed : (parsed as { accept?: unknown } | null)?.accept;
  if (!Array.isArray(entries)) {
    throw new ConfigError(`${path} must hold {"accept": [{"code": "...", "reason": "..."}]}.`);
  }
  return entries.map((entry: unknown, index) => {
    const { code, reason } = (entry ?? {}) as { code?: unknown; reason?: unknown };
    if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(code)) {
      throw new ConfigError(`${path}: entry ${index + 1} needs a finding code such as "CONTENT_TYPE_NOT_SCIM".`);
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new ConfigError(`${path}: entry ${index + 1} (${code}) needs a reason: say why the deviation is accepted.`);
    }
    return { code, reason: reason.trim() };
  });
}
