import type { AuthSettings } from '../config.js';
import type { Exchange, RecordedResponse } from './exchange.js';
import { escapeControl } from '../diagnose/escape.js';
import { REDACTED, safeUrl, TOKEN_PLACEHOLDER, userinfoSecrets, withoutQueryValues, type Redactor, type Secret } from './redact.js';

/** Placeholders for the other methods' secrets: shell variables, as $SCIM_TOKEN is. */
export const PLACEHOLDERS = {
  basic: '$SCIM_BASIC_CREDENTIALS',
  basicPassword: '$SCIM_BASIC_PASSWORD',
  headerValue: '$SCIM_AUTH_HEADER_VALUE',
  clientSecret: '$SCIM_OAUTH_CLIENT_SECRET',
  clientCredentials: '$SCIM_OAUTH_CLIENT_CREDENTIALS',
  accessToken: TOKEN_PLACEHOLDER,
  refreshToken: '[REDACTED refresh_token]',
  idToken: '[REDACTED id_token]',
} as const;

/** The tokens a token endpoint may hand out (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3): each is a secret. */
const ISSUED_TOKENS = [
  ['access_token', PLACEHOLDERS.accessToken],
  ['refresh_token', PLACEHOLDERS.refreshToken],
  ['id_token', PLACEHOLDERS.idToken],
] as const;

/**
 * Adds the configured credentials to a request. Every secret it knows or obtains is registered with
 * the Redactor before it can appear in a record.
 */
export interface Authenticator {
  readonly method: AuthSettings['method'];
  /** The headers that authenticate a request (an OAuth token is fetched the first time). */
  headers(): Promise<Record<string, string>>;
  /**
   * After a 401 to `sent`: obtains new credentials when the method can (OAuth), and says whether the
   * request is worth sending again.
   */
  refresh(sent: Record<string, string>): Promise<boolean>;
}

/** What the token endpoint answered, or why it did not. */
export interface TokenEndpointAnswer {
  response?: RecordedResponse;
  error?: Exchange['error'];
}

export interface TokenEndpointContext {
  /**
   * Sends the token request as the HTTP client sends every request: through its dispatcher and
   * proxy, within its timeout, with its body cap. The answer still holds the tokens it issues: they
   * are secrets only known once it is read, and are redacted from it here before it is recorded.
   */
  post: (url: string, headers: Record<string, string>, body: string) => Promise<TokenEndpointAnswer>;
  redactor: Redactor;
  /** Called with the (redacted) exchange with the token endpoint, for the log and the diagnosis. */
  record: (exchange: Exchange) => void;
}

/** The token endpoint did not hand out a token; `exchange` shows what it did instead. */
export class OAuthTokenError extends Error {
  override name = 'OAuthTokenError';
  constructor(
    message: string,
    readonly exchange: Exchange,
  ) {
    super(message);
  }
}

export function createAuthenticator(settings: AuthSettings | undefined, token: string | undefined, context: TokenEndpointContext): Authenticator {
  const { redactor } = context;
  switch (settings?.method ?? 'bearer') {
    case 'basic': {
      const { user, password } = settings as Extract<AuthSettings, { method: 'basic' }>;
      const encoded = Buffer.from(`${user}:${password}`).toString('base64');
      redactor.add({ value: encoded, placeholder: PLACEHOLDERS.basic });
      redactor.add({ value: password, placeholder: PLACEHOLDERS.basicPassword });
      return { method: 'basic', headers: async () => ({ authorization: `Basic ${encoded}` }), refresh: async () => false };
    }
    case 'header': {
      const { name, value } = settings as Extract<AuthSettings, { method: 'header' }>;
      redactor.add({ value, placeholder: PLACEHOLDERS.headerValue });
      return { method: 'header', headers: async () => ({ [name.toLowerCase()]: value }), refresh: async () => false };
    }
    case 'oauth':
      return new OAuthClientCredentials(settings as Extract<AuthSettings, { method: 'oauth' }>, token, context);
    case 'bearer':
      if (token !== undefined) redactor.add({ value: token, placeholder: TOKEN_PLACEHOLDER });
      return {
        method: 'bearer',
        headers: async () => (token === undefined ? {} : { authorization: `Bearer ${token}` }),
        refresh: async () => false,
      };
  }
}

interface TokenAnswer {
  access_token?: unknown;
  refresh_token?: unknown;
  id_token?: unknown;
  token_type?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/** The answer as JSON, or else form-encoded (some endpoints answer `access_token=…&…` whatever Accept says). */
function parseTokenAnswer(text: string): TokenAnswer | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as TokenAnswer) : undefined;
  } catch {
    const form = new URLSearchParams(text.trim());
    return form.has('access_token') || form.has('error') ? (Object.fromEntries(form) as TokenAnswer) : undefined;
  }
}

/** Registers every token of the answer before anything that holds it is recorded; returns them. */
function registerIssuedTokens(answer: TokenAnswer | undefined, redactor: Redactor): Secret[] {
  const issued: Secret[] = [];
  for (const [field, placeholder] of ISSUED_TOKENS) {
    const value = answer?.[field];
    if (typeof value !== 'string' || value === '') continue;
    redactor.add({ value, placeholder });
    issued.push({ value, placeholder });
  }
  return issued;
}

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4): one token for the run, fetched once (or handed over
 * by the global setup) and fetched again when the server answers 401 to it. Concurrent 401s share
 * one refresh.
 */
export class OAuthClientCredentials implements Authenticator {
  readonly method = 'oauth';
  /**
   * The tokens the endpoint issued besides the access token (refresh, ID): the global setup hands
   * them to every worker with the access token, so that a worker's client redacts them too.
   */
  readonly issued: Secret[] = [];
  private token: Promise<string> | undefined;

  constructor(
    private readonly settings: Extract<AuthSettings, { method: 'oauth' }>,
    initialToken: string | undefined,
    private readonly context: TokenEndpointContext,
  ) {
    const { redactor } = context;
    redactor.add({ value: settings.clientSecret, placeholder: PLACEHOLDERS.clientSecret });
    redactor.add({ value: this.clientCredentials(), placeholder: PLACEHOLDERS.clientCredentials });
    for (const secret of userinfoSecrets(settings.tokenUrl, REDACTED)) redactor.add(secret);
    if (initialToken !== undefined) {
      redactor.add({ value: initialToken, placeholder: PLACEHOLDERS.accessToken });
      this.token = Promise.resolve(initialToken);
    }
  }

  async headers(): Promise<Record<string, string>> {
    this.token ??= this.fetch();
    try {
      return { authorization: `Bearer ${await this.token}` };
    } catch (error) {
      // A failed fetch is not cached: the next request tries again.
      this.token = undefined;
      throw error;
    }
  }

  async refresh(sent: Record<string, string>): Promise<boolean> {
    const current = this.token === undefined ? undefined : await this.token.catch(() => undefined);
    if (current !== undefined && sent['authorization'] === `Bearer ${current}`) this.token = this.fetch();
    try {
      await this.headers();
      return true;
    } catch {
      return false;
    }
  }

  /** The access token, fetched now when there is none yet: the global setup hands it to every worker. */
  async accessToken(): Promise<string> {
    const headers = await this.headers();
    return (headers['authorization'] ?? '').replace(/^Bearer /, '');
  }

  private clientCredentials(): string {
    const { clientId, clientSecret } = this.settings;
    // RFC 6749 §2.3.1: form-encoded, then base64.
    return Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64');
  }

  /** The client credentials grant, with the client authenticated as configured (RFC 6749 §2.3.1). */
  private tokenRequest(): { headers: Record<string, string>; body: string } {
    const { settings } = this;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (settings.scope !== undefined) form.set('scope', settings.scope);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (settings.clientAuth === 'basic') headers['authorization'] = `Basic ${this.clientCredentials()}`;
    else {
      form.set('client_id', settings.clientId);
      form.set('client_secret', settings.clientSecret);
    }
    return { headers, body: form.toString() };
  }

  private async fetch(): Promise<string> {
    const { settings, context } = this;
    const { headers, body } = this.tokenRequest();
    const started = Date.now();
    const record: Exchange = {
      request: {
        method: 'POST',
        url: context.redactor.url(withoutQueryValues(settings.tokenUrl)),
        headers: context.redactor.headers(headers),
        body: context.redactor.text(body),
      },
      timing: { startedAt: new Date(started).toISOString(), durationMs: 0 },
    };
    try {
      const { response, error } = await context.post(settings.tokenUrl, headers, body);
      if (response === undefined) {
        record.error = error ?? { code: 'NETWORK_ERROR', message: 'no answer' };
        throw new OAuthTokenError(`the OAuth token endpoint ${safeUrl(settings.tokenUrl)} could not be reached: ${record.error.message}`, record);
      }
      return this.tokenFrom(response, record);
    } finally {
      record.timing.durationMs = Date.now() - started;
      context.record(record);
    }
  }

  /** The access token of the answer; every token in it is registered before the answer is recorded. */
  private tokenFrom(response: RecordedResponse, record: Exchange): string {
    const { redactor } = this.context;
    const answer = parseTokenAnswer(response.body);
    const token = typeof answer?.access_token === 'string' && answer.access_token !== '' ? answer.access_token : undefined;
    this.issued.push(...registerIssuedTokens(answer, redactor).filter((s) => s.placeholder !== PLACEHOLDERS.accessToken));
    record.response = { ...response, headers: redactor.headers(response.headers), body: redactor.text(response.body) };
    if (response.status === 200 && token !== undefined) return token;
    const reason = escapeControl(redactor.text(refusalReason(answer, response.status)));
    throw new OAuthTokenError(
      `the OAuth token endpoint ${safeUrl(this.settings.tokenUrl)} did not issue a token (${reason}); check SCIM_OAUTH_CLIENT_ID, SCIM_OAUTH_CLIENT_SECRET and SCIM_OAUTH_SCOPE`,
      record,
    );
  }
}

/** Why no token came: the endpoint's own error (RFC 6749 §5.2), or what was wrong with the answer. */
function refusalReason(answer: TokenAnswer | undefined, status: number): string {
  if (typeof answer?.error === 'string') return `${answer.error}${typeof answer.error_description === 'string' ? `: ${answer.error_description}` : ''}`;
  return status === 200 ? 'the answer has no access_token' : `status ${status}`;
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
