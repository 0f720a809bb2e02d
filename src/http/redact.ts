/**
 * Secrets are replaced at the source, in every recorded header, URL and body, so that no reporter,
 * snapshot or log can show them. A hostile server could echo the token back: bodies are scrubbed too.
 * The bearer token becomes `$SCIM_TOKEN`, so a recorded request pastes into a shell as a working curl;
 * the other methods' secrets become the name of the variable they came from (see auth.ts).
 */
export const TOKEN_PLACEHOLDER = '$SCIM_TOKEN';
export const REDACTED = '[REDACTED]';

export interface Secret {
  value: string;
  placeholder: string;
}

export class Redactor {
  private readonly secrets: Secret[];

  constructor(secrets: Array<Secret | undefined>) {
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets = secrets
      .filter((s): s is Secret => s !== undefined && s.value.length > 0)
      .sort((a, b) => b.value.length - a.value.length);
  }

  /** Registers a secret learned later (an OAuth access token) before anything that holds it is recorded. */
  add(secret: Secret | undefined): void {
    if (secret === undefined || secret.value.length === 0) return;
    if (this.secrets.some((known) => known.value === secret.value)) return;
    this.secrets.push(secret);
    this.secrets.sort((a, b) => b.value.length - a.value.length);
  }

  text(value: string): string {
    let result = value;
    for (const secret of this.secrets) result = result.split(secret.value).join(secret.placeholder);
    return result;
  }

  headers(headers: Record<string, string>): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) result[name] = this.text(value);
    return result;
  }
}

export function bearerSecret(token: string | undefined): Secret | undefined {
  return token === undefined ? undefined : { value: token, placeholder: TOKEN_PLACEHOLDER };
}
