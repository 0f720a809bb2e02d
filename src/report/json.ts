/**
 * Vitest's JSON reporter under a name of ours, for SCIM_REPORTS=json: a config entry named "json"
 * would lend its output file to a user's own `--reporter=json`, which then wrote over ours.
 */
export { JsonReporter as default } from 'vitest/reporters';
