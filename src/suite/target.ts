import type { Client, Config } from '../config.js';
import type { Finding } from '../checks/rule.js';
import type { Exchange } from '../http/exchange.js';

/** What the suites test, resolved once in the global setup and handed to every spec file. */
export interface Target {
  baseUrl: string;
  token: string | undefined;
  /** True when no SCIM_BASE_URL was given and the bundled reference server is under test. */
  bundled: boolean;
  write: boolean;
  profiles: Client[];
  strict: boolean;
  timeoutMs: number;
  maxInFlight: number;
}

export type PreflightStatus = 'ok' | 'unreachable' | 'unauthorized';

/** Okta's connection probe, sent once before the suites; it also serves the connection checks. */
export interface Preflight {
  status: PreflightStatus;
  /** One line for the top of the run when the status is not ok. */
  summary: string;
  /** Why it is not ok (empty when it is). */
  findings: Finding[];
  exchange: Exchange;
}

export function targetFromConfig(config: Config, baseUrl: string, bundled: boolean, token: string | undefined): Target {
  return {
    baseUrl,
    token,
    bundled,
    // The bundled server is ours to change: a newcomer sees the whole product.
    write: bundled || config.write,
    profiles: config.profiles,
    strict: config.strict,
    timeoutMs: config.timeoutMs,
    maxInFlight: config.maxInFlight,
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    target: Target;
    preflight: Preflight;
  }
}
