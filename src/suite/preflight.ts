import { checkTokenAccepted } from '../checks/auth.js';
import { checkJsonAnswer } from '../checks/response.js';
import type { ScimClient } from '../http/client.js';
import { oktaConnectionProbe } from '../probes.js';
import type { Preflight } from './target.js';

/**
 * Sends Okta's connection probe once. When the server cannot be reached or refuses the credentials,
 * the run says so in one place instead of forty cascading failures.
 */
export async function preflight(client: ScimClient, tokenSet: boolean): Promise<Preflight> {
  const exchange = await oktaConnectionProbe(client);
  if (exchange.response === undefined) {
    const { run } = checkJsonAnswer(exchange, { status: [200] });
    return {
      status: 'unreachable',
      summary: `Cannot reach ${client.baseUrl}: ${exchange.error?.message ?? 'no answer'}.`,
      findings: run.findings,
      exchange,
    };
  }
  const auth = checkTokenAccepted(exchange, tokenSet);
  if (auth.hasFailed()) {
    return {
      status: 'unauthorized',
      summary: `${client.baseUrl} refused the credentials (${exchange.response.status})${tokenSet ? '' : ': SCIM_TOKEN is not set'}.`,
      findings: auth.findings,
      exchange,
    };
  }
  return { status: 'ok', summary: `${client.baseUrl} answered ${exchange.response.status}.`, findings: [], exchange };
}
