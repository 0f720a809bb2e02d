/**
 * The codes of our own errors: what stops a check that is not a finding about the server. Part of
 * the catalog (src/checks/catalog.ts re-exports it); a module that imports nothing, because the
 * HTTP client, the write guard and the gates stamp their errors with these codes.
 */

/** `fault`: a fault of scim-conformance, worth reporting; `stopped`: the run was stopped, nothing is wrong with it. */
export type ToolErrorCause = 'fault' | 'stopped';

export interface ToolError {
  readonly title: string;
  readonly cause: ToolErrorCause;
}

export const TOOL_ERRORS = {
  READ_ONLY_VIOLATION: { title: 'a check asked to write on a read-only run, and the HTTP client refused it', cause: 'fault' },
  WRITE_GUARD_REFUSED: { title: 'a check asked to write to a resource this run did not create and read back as its own, and the write guard refused it', cause: 'fault' },
  RUN_HALTED: { title: 'the run sends no more requests: it was interrupted, or the server went silent', cause: 'stopped' },
  CHECK_TIMED_OUT: { title: "a check did not end within Vitest's test timeout", cause: 'fault' },
  INTERNAL_ERROR: { title: 'an error in scim-conformance itself, or an answer it did not foresee', cause: 'fault' },
} as const satisfies Record<string, ToolError>;

export type ToolErrorCode = keyof typeof TOOL_ERRORS;

const isToolErrorCode = (code: unknown): code is ToolErrorCode => typeof code === 'string' && Object.hasOwn(TOOL_ERRORS, code);

/**
 * The code of an error that stopped a check or a spec file: its own `code` when it carries one of
 * ours (Vitest keeps an error's own properties when it sends it from a worker), a test timeout by
 * Vitest's message, and anything else an internal error.
 */
export function toolErrorCode(error: { code?: unknown; message?: unknown } | undefined): ToolErrorCode {
  if (isToolErrorCode(error?.code)) return error.code;
  if (typeof error?.message === 'string' && /^Test timed out in \d+ ?ms/.test(error.message)) return 'CHECK_TIMED_OUT';
  return 'INTERNAL_ERROR';
}
