import { objectBody } from '../checks/answers.js';
import type { Finding } from '../checks/rule.js';
import { patchUnimplemented } from '../suite/capabilities.js';

export interface VerdictLine {
  code: string;
  /** How many places (requests, resources) showed it. */
  count: number;
  finding: Finding;
}

/**
 * Causes that make the later findings meaningless: a 401 or a 404 after one of these (the auth
 * checks sent to /Users/Users, say) is its consequence, not a second problem with the server.
 */
const ROOT_CAUSE_CODES = [
  'PREFLIGHT',
  'AUTH_OAUTH_TOKEN',
  'HTTP_NO_ANSWER',
  'HTTP_SERVER_WENT_SILENT',
  'AUTH_TOKEN_ACCEPTED',
  'BASE_URL_ENDS_WITH_RESOURCE',
  'HTTP_REDIRECT',
  'HTTP_HTML_PAGE',
];
const ROOT_CAUSES = new Set(ROOT_CAUSE_CODES);

/**
 * Causes that explain only part of the others: without PATCH (PATCH_IMPLEMENTED, which only Okta
 * and Entra require), every finding made of a PATCH answered 405 or 501 follows from it, and the
 * rest stands on its own. Each root's own findings satisfy its test too.
 */
const PARTIAL_ROOTS: Record<string, (finding: Finding) => boolean> = {
  PATCH_IMPLEMENTED: (finding) => patchUnimplemented(finding.exchange),
  // Entra's "False" (PATCH_ACTIVE_STRING) stored as sent: the answers that then show "active" as a
  // string (USER_ACTIVE_BOOLEAN) are the same cause, a server that does not convert string booleans.
  PATCH_ACTIVE_STRING: (finding) => finding.code === 'PATCH_ACTIVE_STRING' || (finding.code === 'USER_ACTIVE_BOOLEAN' && activeIsString(finding)),
};

/** Does the answer a finding was made of hold "active" as a string? */
function activeIsString(finding: Finding): boolean {
  return finding.exchange !== undefined && typeof objectBody(finding.exchange)?.['active'] === 'string';
}

/**
 * Most fundamental first: the root causes, then what makes every list unreadable. Codes not named
 * here follow, in the order the suites ran them.
 */
const FUNDAMENTAL = [
  ...ROOT_CAUSE_CODES,
  ...Object.keys(PARTIAL_ROOTS),
  'HTTP_STATUS',
  'HTTP_BODY_EMPTY',
  'HTTP_BODY_NOT_JSON',
  'CONTENT_TYPE_NOT_JSON',
  'LIST_NOT_AN_OBJECT',
  'LIST_RESOURCES_PRESENT',
  'LIST_SCHEMAS',
  'LIST_TOTAL_RESULTS',
  'LIST_PAGING_NUMBERS',
  'FILTER_UNKNOWN_USER_EMPTY',
];

function rank(code: string): number {
  const index = FUNDAMENTAL.indexOf(code);
  return index === -1 ? FUNDAMENTAL.length : index;
}

/** One line per code, most fundamental first; a stable sort keeps run order among the rest. */
export function group(findings: readonly Finding[]): VerdictLine[] {
  const lines = new Map<string, VerdictLine>();
  for (const finding of findings) {
    const line = lines.get(finding.code);
    if (line === undefined) lines.set(finding.code, { code: finding.code, count: 1, finding });
    else line.count += 1;
  }
  return [...lines.values()].sort((a, b) => rank(a.code) - rank(b.code));
}

/**
 * One cause, one blocker: when a root cause is among the blockers, it alone is a blocker and the
 * rest follow from it. Without one, what a partial root explains follows from it (a PATCH answered
 * 501 from PATCH_IMPLEMENTED), and every other blocker stands on its own.
 */
export function foldBlockers(blockers: readonly VerdictLine[]): { causes: VerdictLine[]; following: VerdictLine[] } {
  const roots = rootCauses(blockers);
  if (roots.length > 0) return { causes: roots, following: blockers.filter((b) => !ROOT_CAUSES.has(b.code)) };
  const explains = (root: VerdictLine, b: VerdictLine) => root !== b && PARTIAL_ROOTS[root.code]?.(b.finding) === true;
  const candidates = blockers.filter((b) => PARTIAL_ROOTS[b.code]?.(b.finding) === true);
  // A partial root that follows from another (PATCH_ACTIVE_STRING's PATCH answered 501) is no cause of its own.
  const partial = candidates.filter((b) => !candidates.some((root) => explains(root, b)));
  const follows = (b: VerdictLine) => !partial.includes(b) && partial.some((root) => explains(root, b));
  return { causes: blockers.filter((b) => !follows(b)), following: blockers.filter(follows) };
}

/** The blockers that explain the others; none when no root cause is among them. */
export function rootCauses(blockers: readonly VerdictLine[]): VerdictLine[] {
  return blockers.filter((b) => ROOT_CAUSES.has(b.code));
}
