import { renderFindings } from '../diagnose/render.js';
import type { Preflight, Target } from './target.js';

/** The first lines of every run: what is tested, how, and whether it can be reached at all. */
export function banner(target: Target, preflight: Preflight): string {
  const what = target.bundled
    ? `the bundled reference server at ${target.baseUrl} (SCIM_BASE_URL is not set)`
    : target.baseUrl;
  const mode = target.bundled
    ? 'writes enabled (the bundled server is ours to change)'
    : target.write
      ? 'writes enabled (SCIM_WRITE=true): test users carry the prefix scimc- and are removed afterwards'
      : 'read-only (set SCIM_WRITE=true to let the suite create, change and delete its own test users)';
  const lines = [`scim-conformance: testing ${what}`, `  profiles: ${target.profiles.join(', ')}; ${mode}${target.strict ? '; strict' : ''}`];
  if (preflight.status !== 'ok') {
    lines.push('', `✗ ${preflight.summary}`, '', renderFindings(preflight.findings), '', 'Every other check is skipped until this is fixed.');
  }
  return `${lines.join('\n')}\n`;
}
