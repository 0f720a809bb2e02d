import type { Config } from '../config.js';
import type { Finding } from '../checks/rule.js';
import type { Exchange } from '../http/exchange.js';
import type { Secret } from '../http/redact.js';
import type { SharedReads } from './shared-reads.js';
import { newRunPrefix } from './test-data.js';

/**
 * What the suites test, resolved once in the global setup and handed to every spec file: the
 * configuration, with the Base URL settled (the bundled server's, when none was configured).
 */
export interface Target extends Config {
  baseUrl: string;
  /** True when no SCIM_BASE_URL was given and the bundled reference server is under test. */
  bundled: boolean;
  /** Prefix of every resource this run creates: `scimc-<time>-<random>-`. */
  runPrefix: string;
  /** With OAuth, the refresh and ID tokens issued with the access token: every worker's client redacts them. */
  issuedSecrets?: Secret[];
}

export type PreflightStatus = 'ok' | 'unreachable' | 'unauthorized' | 'unavailable';

/** Okta's connection probe, sent once before the suites; it also serves the connection checks. */
export interface Preflight {
  status: PreflightStatus;
  /** One line for the top of the run when the status is not ok. */
  summary: string;
  /** Why it is not ok (empty when it is). */
  findings: Finding[];
  exchange: Exchange;
  /** What every spec file may need, read once when the preflight is ok (src/suite/shared-reads.ts). */
  shared?: SharedReads;
}

export function targetFromConfig(config: Config, baseUrl: string, bundled: boolean, token: string | undefined): Target {
  return {
    ...config,
    baseUrl,
    token,
    bundled,
    // The bundled server is ours to change: a newcomer sees the whole product.
    write: bundled || config.write,
    runPrefix: newRunPrefix(),
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** As configured; the workers get it with its OAuth token, if any, from the run service. */
    target: Target;
    /** The main process's loopback service: what the global setup prepared (src/suite/run-service.ts). */
    runService: string;
    /** The run's one limiter, shared by the worker threads (src/http/limiter.ts). */
    limitsMemory: SharedArrayBuffer;
  }
}
