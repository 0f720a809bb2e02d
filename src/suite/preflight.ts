import { checkTokenAccepted } from '../checks/auth.js';
import { checkJsonAnswer } from '../checks/response.js';
import { defineRules } from '../checks/rule.js';
import { CheckRun } from '../checks/run.js';
import { describeResponse } from '../diagnose/describe.js';
import { escapeControl } from '../diagnose/escape.js';
import { safeUrl } from '../http/redact.js';
import { OAuthTokenError } from '../http/auth.js';
import type { ScimClient } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { oktaConnectionProbe } from '../probes.js';
import type { Preflight } from './target.js';

export const preflightRules = defineRules({
  AUTH_OAUTH_TOKEN: {
    title: 'the OAuth token endpoint issues an access token for the configured client',
    requiredBy: { okta: 'MUST', entra: 'MUST', rfc: 'MUST' },
    source: 'RFC 6749 §4.4 (client credentials grant); RFC 7644 §2',
    requirement: 'A 200 answer with a JSON body holding access_token, to the client credentials grant.',
    fix: 'Check SCIM_OAUTH_TOKEN_URL, SCIM_OAUTH_CLIENT_ID, SCIM_OAUTH_CLIENT_SECRET and SCIM_OAUTH_SCOPE; if the endpoint wants the client credentials in the form body rather than in a Basic header, set SCIM_OAUTH_CLIENT_AUTH=post.',
  },
});

const CREDENTIALS: Record<ScimClient['authMethod'], string> = {
  bearer: 'the bearer token in SCIM_TOKEN',
  basic: 'the user name and password in SCIM_BASIC_USER and SCIM_BASIC_PASSWORD',
  header: 'the header in SCIM_AUTH_HEADER_NAME and SCIM_AUTH_HEADER_VALUE',
  oauth: 'the OAuth access token issued for SCIM_OAUTH_CLIENT_ID',
};

/**
 * With OAuth, fetches the access token once for the whole run (the workers receive it and fetch a
 * new one only on a 401). A token endpoint that does not issue one stops the run here.
 */
export async function obtainAccessToken(client: ScimClient): Promise<{ token: string | undefined } | { failed: Preflight }> {
  try {
    return { token: await client.accessToken() };
  } catch (error) {
    if (!(error instanceof OAuthTokenError)) throw error;
    const run = new CheckRun();
    run.fail(preflightRules.AUTH_OAUTH_TOKEN, { got: describeResponse(error.exchange), exchange: error.exchange });
    const reachable = error.exchange.response !== undefined;
    return {
      failed: {
        status: reachable ? 'unauthorized' : 'unreachable',
        summary: `No access token: ${error.message}.`,
        findings: run.findings,
        exchange: error.exchange,
      },
    };
  }
}

function unreachableSummary(client: ScimClient, exchange: Exchange): string {
  const error = exchange.error;
  let summary = `Cannot reach ${safeUrl(client.baseUrl)}: ${error?.message ?? 'no answer'}.`;
  if (error?.code === 'TLS_FAILED') {
    summary += ' If the server uses a private CA, set SCIM_CA_FILE (or NODE_EXTRA_CA_CERTS) to its PEM file; SCIM_INSECURE_TLS=true skips verification for a test run only.';
  }
  return summary;
}

/**
 * Sends Okta's connection probe once. When the server cannot be reached, refuses the credentials,
 * or answers every request with a server error or "come back later", the run says so in one place
 * instead of forty cascading failures.
 */
export async function preflight(client: ScimClient, tokenSet: boolean): Promise<Preflight> {
  const exchange = await oktaConnectionProbe(client);
  if (exchange.response === undefined) {
    const { run } = checkJsonAnswer(exchange, { status: [200] });
    return { status: 'unreachable', summary: unreachableSummary(client, exchange), findings: run.findings, exchange };
  }
  const { status } = exchange.response;
  const auth = checkTokenAccepted(exchange, tokenSet);
  if (auth.hasFailed()) {
    const method = client.authMethod;
    const what = method === 'bearer' && !tokenSet ? ': SCIM_TOKEN is not set' : method === 'bearer' ? '' : ` (${CREDENTIALS[method]})`;
    return {
      status: 'unauthorized',
      summary: `${safeUrl(client.baseUrl)} refused the credentials (${status})${what}.`,
      findings: auth.findings,
      exchange,
    };
  }
  if (status >= 500 || status === 429) {
    const { run } = checkJsonAnswer(exchange, { status: [200] });
    const retryAfter = exchange.response.headers['retry-after'];
    const why =
      status === 429 || status === 503
        ? retryAfter === undefined
          ? ' and gave no Retry-After'
          : `; its Retry-After (${escapeControl(retryAfter)}) does not fit in SCIM_TIMEOUT_MS or was waited out ${exchange.retried?.length ?? 0} time(s) in vain`
        : '';
    return {
      status: 'unavailable',
      summary: `${safeUrl(client.baseUrl)} is not serving requests: it answered ${status} to Okta's connection probe${why}.`,
      findings: run.findings,
      exchange,
    };
  }
  return { status: 'ok', summary: `${safeUrl(client.baseUrl)} answered ${status}.`, findings: [], exchange };
}
