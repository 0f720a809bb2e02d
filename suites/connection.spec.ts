/**
 * The connection tests Okta and Entra run when an admin clicks "Test Connector Configuration" or
 * "Test Connection", replayed as they are sent, with every cause of "No results for users returned".
 */
import { describe } from 'vitest';
import { checkTokenAccepted, authRules } from '../src/checks/auth.js';
import {
  checkBaseUrl,
  checkGroupsList,
  GROUPS_QUICK_MS,
  GROUPS_TIMING_TRIES,
  checkOktaConnection,
  checkUnknownUserFilter,
  connectionRules,
  countWasIgnored,
} from '../src/checks/connection.js';
import { listRules } from '../src/checks/list-response.js';
import { checkTransportSecurity, protocolRules } from '../src/checks/protocol.js';
import { responseRules } from '../src/checks/response.js';
import { userResourceRules } from '../src/checks/user-resource.js';
import { entraConnectionProbe, groupsProbe } from '../src/probes.js';
import { groupsWithheld, skippedRun } from '../src/suite/capabilities.js';
import { sharedReads } from '../src/suite/read.js';
import { once, preflightTest, ruleTests, suiteTarget, useClient } from '../src/suite/spec.js';

const { target, preflight } = suiteTarget();
const client = useClient(target);
const answerRules = Object.values(responseRules);
const listAnswerRules = [...answerRules, ...Object.values(listRules)];

const okta = once(async () => checkOktaConnection(preflight.exchange, target.baseUrl));

describe('Base URL and credentials', () => {
  preflightTest();
  ruleTests([connectionRules.BASE_URL_ENDS_WITH_RESOURCE], async () => checkBaseUrl(target.baseUrl));
  ruleTests([protocolRules.TRANSPORT_TLS], async () => checkTransportSecurity(target.baseUrl));
  ruleTests([authRules.AUTH_TOKEN_ACCEPTED], async () => checkTokenAccepted(preflight.exchange, target.token !== undefined));
});

describe('Okta "Test Connector Configuration": GET /Users?startIndex=1&count=2', () => {
  ruleTests([...listAnswerRules, ...Object.values(userResourceRules)], async () => (await okta()).run);
});

describe('Entra "Test Connection": GET /Users?filter=userName eq "<random GUID>"', () => {
  const entra = once(async () => checkUnknownUserFilter(await entraConnectionProbe(client), countWasIgnored(await okta())));
  // Entra pages by neither startIndex nor count here: the paging rules do not apply to this request.
  const { LIST_PAGING_NUMBERS: _paging, LIST_COUNT_RESPECTED: _count, ...unpagedListRules } = listRules;
  ruleTests([...answerRules, ...Object.values(unpagedListRules), connectionRules.FILTER_UNKNOWN_USER_EMPTY], async () => (await entra()).run);
});

describe('Okta group import: GET /Groups?startIndex=1&count=100', () => {
  const groups = once(async () => {
    const first = await groupsProbe(client);
    const retries = [];
    for (let last = first; retries.length < GROUPS_TIMING_TRIES - 1 && last.response !== undefined && last.timing.durationMs >= GROUPS_QUICK_MS;) {
      last = await groupsProbe(client);
      retries.push(last);
    }
    return checkGroupsList(first, retries);
  });
  const groupImportRules = [...listAnswerRules, connectionRules.GROUPS_ANSWER_QUICKLY];
  // A server without Groups: Okta imports no groups from it, so nothing of this flow is broken.
  ruleTests(groupImportRules, async () => {
    const absent = groupsWithheld(sharedReads());
    return absent === undefined ? (await groups()).run : skippedRun(groupImportRules, absent);
  });
});
