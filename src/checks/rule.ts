import type { Client } from '../config.js';
import { escapeBeyondJson, escapeControl } from '../diagnose/escape.js';
import type { Exchange } from '../http/exchange.js';

/** RFC 2119 levels: a MUST broken fails the run; a SHOULD broken warns (fails only in strict mode). */
export type Level = 'MUST' | 'SHOULD' | 'MAY';
export const LEVELS: readonly Level[] = ['MUST', 'SHOULD', 'MAY'];

/**
 * A rule is the static half of a finding: its stable code, who needs it and how strongly, where it
 * is written down, and the usual cause and fix. Checks add what actually came back.
 */
export interface Rule {
  /** Stable: users and tests key on it. SCREAMING_SNAKE_CASE, area first. */
  code: string;
  /** One line naming the behaviour, present tense: "an empty store is answered with a ListResponse". */
  title: string;
  /** The clients that need this rule and at what level; a profile not named here does not check it. */
  requiredBy: Partial<Record<Client, Level>>;
  /** Where it is written: an RFC section, a client's documentation or published test. */
  source: string;
  /** What is required, and who requires it. */
  requirement: string;
  /** The likely cause and the fix. */
  fix: string;
}

export interface Finding {
  code: string;
  title: string;
  level: Level;
  requiredBy: Partial<Record<Client, Level>>;
  source: string;
  /** 1. What came back. */
  got: string;
  /** 2. What is required, and who requires it. */
  requirement: string;
  /** 3. The likely cause and fix. */
  fix: string;
  /** 4. The exchange that shows it; the renderer turns it into a curl command. */
  exchange?: Exchange;
}

const ORDER: Record<Level, number> = { MUST: 0, SHOULD: 1, MAY: 2 };

/** The strongest level among the given clients, or undefined when none of them needs the rule. */
export function levelFor(rule: Pick<Rule, 'requiredBy'>, clients: readonly Client[]): Level | undefined {
  let strongest: Level | undefined;
  for (const client of clients) {
    const level = rule.requiredBy[client];
    if (level !== undefined && (strongest === undefined || ORDER[level] < ORDER[strongest])) strongest = level;
  }
  return strongest;
}

export function defineRules<const Codes extends string>(rules: Record<Codes, Omit<Rule, 'code'>>): Record<Codes, Rule> {
  const result = {} as Record<Codes, Rule>;
  for (const code of Object.keys(rules) as Codes[]) result[code] = { code, ...rules[code] };
  return result;
}

export interface FindingDetails {
  got: string;
  exchange?: Exchange | undefined;
  /** Replaces the rule's generic fix when the check knows the specific cause. */
  fix?: string;
  /** Appended to the rule's requirement, e.g. the expected shape. */
  requirementDetail?: string;
}

/**
 * What a check says came back quotes the server (a detail, a scimType, a header, a userName): its
 * control characters are escaped here, once for every renderer, so that no report shows them raw.
 */
export function finding(rule: Rule, details: FindingDetails): Finding {
  const level = levelFor(rule, ['okta', 'entra', 'rfc']) ?? 'MAY';
  return {
    code: rule.code,
    title: rule.title,
    level,
    requiredBy: rule.requiredBy,
    source: rule.source,
    got: escapeControl(details.got),
    requirement: escapeControl(details.requirementDetail === undefined ? rule.requirement : `${rule.requirement} ${details.requirementDetail}`),
    fix: escapeControl(details.fix ?? rule.fix),
    ...(details.exchange !== undefined ? { exchange: reportedExchange(details.exchange) } : {}),
  };
}

const safeHeaders = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, escapeBeyondJson(value)]));

/**
 * The exchange as a finding carries it into the JSON report: JSON.stringify escapes C0 there, and
 * this escapes what it leaves raw (DEL, C1, bidi controls), which a server may have sent.
 */
function reportedExchange(exchange: Exchange): Exchange {
  const { request, response } = exchange;
  return {
    ...exchange,
    request: {
      ...request,
      url: escapeBeyondJson(request.url),
      headers: safeHeaders(request.headers),
      ...(request.body === undefined ? {} : { body: escapeBeyondJson(request.body) }),
    },
    ...(response === undefined ? {} : { response: { ...response, headers: safeHeaders(response.headers), body: escapeBeyondJson(response.body) } }),
  };
}
