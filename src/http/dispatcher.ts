import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Dispatcher } from 'undici';
import { Agent, EnvHttpProxyAgent } from './undici.js';
import type { ProxySettings } from '../config.js';

export interface NetworkOptions {
  timeoutMs: number;
  /** PEM file with the CA(s) that signed the server's certificate, trusted with the system's. */
  caFile?: string | undefined;
  /** Skip certificate verification: the banner warns about it. */
  insecureTls?: boolean | undefined;
  /** When absent or empty, no proxy is used (the environment is read into the Config, not here). */
  proxy?: ProxySettings | undefined;
  /** Node's own variable; read here too because an explicit CA list replaces Node's default one. */
  extraCaFile?: string | undefined;
}

/**
 * The undici dispatcher for a run: TLS trust (system CAs, SCIM_CA_FILE, NODE_EXTRA_CA_CERTS, or the
 * explicit opt-out), and the proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY). Timeouts apply to the
 * connection, the headers and every gap in the body; the client caps the whole exchange on top.
 */
export function createDispatcher(options: NetworkOptions): Dispatcher {
  const tls = tlsOptions(options);
  const timeouts = { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs };
  const connect = { timeout: options.timeoutMs, ...tls };
  const { httpProxy, httpsProxy, noProxy } = options.proxy ?? { httpProxy: undefined, httpsProxy: undefined, noProxy: undefined };
  if (httpProxy === undefined && httpsProxy === undefined) return new Agent({ connect, ...timeouts });
  return new EnvHttpProxyAgent({
    connect,
    ...timeouts,
    // An empty string (not undefined) keeps undici from reading the variables again from process.env.
    httpProxy: httpProxy ?? '',
    httpsProxy: httpsProxy ?? httpProxy ?? '',
    noProxy: noProxy ?? '',
    // Through a proxy, the origin's TLS runs inside the CONNECT tunnel: it needs the same trust.
    requestTls: tls,
    proxyTls: { ...tls, timeout: options.timeoutMs },
  } as ConstructorParameters<typeof EnvHttpProxyAgent>[0]);
}

type TrustOptions = { rejectUnauthorized: false } | { ca: string[] } | Record<string, never>;

function tlsOptions(options: NetworkOptions): TrustOptions {
  if (options.insecureTls === true) return { rejectUnauthorized: false };
  if (options.caFile === undefined) return {};
  const extra = options.extraCaFile ?? process.env['NODE_EXTRA_CA_CERTS'];
  const ca = [...rootCertificates, readFileSync(options.caFile, 'utf8')];
  if (extra !== undefined && extra !== '') {
    try {
      ca.push(readFileSync(extra, 'utf8'));
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; so do we (by not trusting it).
    }
  }
  return { ca };
}

/** Whether a request to `url` goes through the proxy, by undici's own NO_PROXY rules. */
export function proxyFor(url: string, proxy: ProxySettings | undefined): string | undefined {
  if (proxy === undefined) return undefined;
  const target = new URL(url);
  const chosen = target.protocol === 'https:' ? (proxy.httpsProxy ?? proxy.httpProxy) : proxy.httpProxy;
  if (chosen === undefined) return undefined;
  const entries = (proxy.noProxy ?? '').split(/[,\s]+/).filter(Boolean);
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const entry of entries) {
    if (entry === '*') return undefined;
    const [name = '', entryPort] = entry.toLowerCase().split(/:(?=\d+$)/);
    if (entryPort !== undefined && entryPort !== port) continue;
    const bare = name.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return undefined;
  }
  return chosen;
}
