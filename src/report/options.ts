import { resolve } from 'node:path';
import { ConfigError } from '../config.js';

export const REPORT_KINDS = ['junit', 'json', 'markdown', 'html', 'har'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface ReportOptions {
  kinds: ReportKind[];
  dir: string;
  /** GitHub Actions' job summary file, appended to when present. */
  githubSummary: string | undefined;
}

export const REPORT_FILES: Record<ReportKind, string> = {
  junit: 'junit.xml',
  json: 'results.json',
  markdown: 'summary.md',
  html: 'report.html',
  har: 'exchanges.har',
};

/** `SCIM_REPORTS=junit,html` (or `all`) and `SCIM_REPORT_DIR` (default `scim-reports`). */
export function loadReportOptions(env: Record<string, string | undefined>, cwd = process.cwd()): ReportOptions {
  const raw = env['SCIM_REPORTS']?.trim() ?? '';
  const names =
    raw === ''
      ? []
      : raw.toLowerCase() === 'all'
        ? [...REPORT_KINDS]
        : raw
            .split(',')
            .map((n) => n.trim().toLowerCase())
            .filter(Boolean);
  const unknown = names.filter((n) => !(REPORT_KINDS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new ConfigError(`SCIM_REPORTS must be "all" or a comma list of ${REPORT_KINDS.join(', ')}, not "${raw}".`);
  return {
    kinds: [...new Set(names as ReportKind[])],
    dir: resolve(cwd, env['SCIM_REPORT_DIR']?.trim() || 'scim-reports'),
    githubSummary: env['GITHUB_STEP_SUMMARY']?.trim() || undefined,
  };
}

export function reportPath(options: ReportOptions, kind: ReportKind): string {
  return resolve(options.dir, REPORT_FILES[kind]);
}
