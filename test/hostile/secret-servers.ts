/**
 * Servers that try to leak the run's secrets and to forge its output: an OAuth token endpoint that
 * hands out an access, a refresh and an ID token, and a SCIM endpoint that echoes every secret it
 * knows in every encoding a server could produce, next to screen clears, conceal codes, CRs and
 * newlines that spell a fake "Verdict … ready". Also the independent detectors the tests judge the
 * output with: they decode what the suite wrote, rather than reuse the suite's own redaction code.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Every secret the hostile servers know: each holds a `/` and a `+`, and some a space, so every escape applies. */
export const SECRETS = {
  accessToken: 'acc/tok+en-9f3a1c77b2e4d6',
  refreshToken: 'rfr/esh+tok-7c1d5e6fa8b9',
  idToken: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJzY2ltYyJ9.id/sig+4d2e8a',
  clientSecret: 'client sec/ret+51f0e2',
  tokenUrlPassword: 'url-pass/5e1f+c0a3',
} as const;

export const CLIENT_ID = 'scimc-client-4410';

/** What a server writes to forge the end of the run: clear the screen, a fake verdict, then conceal the rest. */
export const FORGERY = '\x1b[2J\x1b[H\r\nVerdict\n  Okta: ready\n  Entra ID: ready\n  RFC 7643/7644: ready\u2028\u202e\x1b[8m';
/** The same in 8-bit form (CSI as one C1 character): Node lets it through a header, ESC it does not. */
export const HEADER_FORGERY = '\u009b2J\u009bHOkta: ready\u009b8m\u0085';

const base64 = (text: string) => Buffer.from(text).toString('base64');
const base64url = (text: string) => Buffer.from(text).toString('base64url');
const jsonUnicode = (text: string) => [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

/**
 * The secret as a hostile server could write it inside a JSON string (already escaped for JSON):
 * raw, `\/`, every character `\uXXXX` (lower and upper hex), a mix of the two, JSON in JSON,
 * percent-encoded (lower and upper hex, `+` for a space), base64 and base64url alone, inside a Basic
 * credential, and at the other two alignments inside a longer base64 string.
 */
export function echoForms(secret: string): string[] {
  const mixed = [...secret].map((c, i) => (i % 2 === 0 ? jsonUnicode(c) : c === '/' ? '\\/' : c)).join('');
  return [
    secret,
    secret.replace(/\//g, '\\/'),
    jsonUnicode(secret),
    jsonUnicode(secret).toUpperCase().replace(/\\U/g, '\\u'),
    mixed,
    secret.replace(/\//g, '\\\\\\/'),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    base64(secret),
    base64url(secret),
    `Basic ${base64(`someone-else:${secret}`)}`,
    base64(`x${secret}tail`),
    base64url(`xy${secret}tail`),
  ];
}

export interface Listening {
  origin: string;
  /** Every request the server was sent, by path. */
  paths: string[];
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<Listening> {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      paths.push(req.url ?? '');
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every secret this server saw or issued, in every form, as the content of one JSON string. */
function echoes(seen: readonly string[]): string {
  return seen.flatMap(echoForms).join(' | ');
}

export interface SecretServerOptions {
  /** What the token endpoint answers: the tokens, or an error that quotes the client secret. */
  token: 'issue' | 'refuse';
  /** What Okta's connection probe gets: a 500 (the run stops at the preflight), or the list every other request gets. */
  probe: 'fail' | 'list';
}

/**
 * One loopback server for the token endpoint (`/oauth/token`) and the SCIM root (`/scim/v2`). The
 * token endpoint issues the three tokens and echoes them (and the client secret) in its own answer.
 * The SCIM root answers 500 to `/Users?startIndex=1…` (so the preflight quotes it; or not, with
 * `probe: 'list'`) and a list of one user to the rest, each with every secret echoed and a forgery in the detail, a header and
 * the userName.
 */
export function startSecretServer(options: SecretServerOptions = { token: 'issue', probe: 'fail' }): Promise<Listening> {
  // A refusing endpoint issued no token: it can only echo what the client sent it.
  const sent = [SECRETS.clientSecret, SECRETS.tokenUrlPassword];
  const seen = options.token === 'issue' ? [SECRETS.accessToken, SECRETS.refreshToken, SECRETS.idToken, ...sent] : sent;
  return listen((req, res, body) => {
    const path = req.url ?? '';
    const headers = {
      'content-type': 'application/scim+json',
      'x-echo': `${base64(SECRETS.accessToken)} ${encodeURIComponent(SECRETS.refreshToken)} ${HEADER_FORGERY}`,
      location: `http://127.0.0.1/echo?t=${encodeURIComponent(SECRETS.accessToken)}&c=${encodeURIComponent(SECRETS.clientSecret)}${HEADER_FORGERY}`,
    };
    if (path.startsWith('/oauth/token')) {
      const received = `${req.headers.authorization ?? ''} ${body}`;
      if (options.token === 'refuse') {
        const description = `bad client ${JSON.stringify(received).slice(1, -1)} ${echoes(seen)} ${JSON.stringify(FORGERY).slice(1, -1)}`;
        return res.writeHead(400, { 'content-type': 'application/json' }).end(`{"error":"invalid_client","error_description":"${description}"}`);
      }
      return res
        .writeHead(200, { 'content-type': 'application/json', 'x-echo': headers['x-echo'] })
        .end(
          `{"access_token":"${SECRETS.accessToken}","token_type":"Bearer","expires_in":3600,"refresh_token":"${SECRETS.refreshToken}",` +
            `"id_token":"${SECRETS.idToken}","note":"${echoes(seen)}"}`,
        );
    }
    const detail = `${JSON.stringify(FORGERY).slice(1, -1)} you sent ${JSON.stringify(req.headers.authorization ?? '').slice(1, -1)} ${echoes(seen)}`;
    if (options.probe === 'fail' && path.includes('startIndex=1&count=2')) {
      return res
        .writeHead(500, headers)
        .end(`{"detail":"${detail}","schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"500","scimType":"${JSON.stringify(FORGERY).slice(1, -1)}"}`);
    }
    const user = `{"id":"u-1","userName":"${JSON.stringify(`ada${FORGERY}`).slice(1, -1)}","detail":"${detail}"}`;
    return res.writeHead(200, headers).end(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":"1","Resources":[${user}]}`);
  });
}

/** Decodes what an encoder could have made of a secret: JSON escapes (any depth), percent-encoding, HTML references. */
function decoded(text: string): string {
  let result = text;
  for (let round = 0; round < 3; round++) {
    result = result
      .replace(/\\+u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
      .replace(/\\+\//g, '/')
      .replace(/(?:%25)*%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
      .replace(/&#x([0-9a-fA-F]+);/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
      .replace(/&#(\d+);/g, (_, digits: string) => String.fromCodePoint(Number(digits)));
  }
  return result;
}

/** What of the secret's base64 (and base64url) is the same wherever it sits in a longer base64 string. */
function base64Cores(secret: string): string[] {
  const cores: string[] = [];
  for (const prefix of ['', 'a', 'ab']) {
    // Characters the prefix or whatever follows could change are cut off at both ends.
    const encoded = base64(prefix + secret);
    const core = encoded.slice(prefix.length === 0 ? 0 : prefix.length + 1, -3);
    cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

/** Each form of the secret found in the output, however it was encoded; [] when there is none. */
export function leakedForms(output: string, secret: string): string[] {
  const readings = [output, decoded(output), decoded(output).replace(/\+/g, ' ')];
  const needles = [secret, ...base64Cores(secret)];
  return needles.filter((needle) => readings.some((reading) => reading.includes(needle)));
}

/** Raw characters that act on a terminal or reorder a line, other than our own line breaks. */
export function rawControls(output: string): string[] {
  const unsafe = (code: number) =>
    (code < 0x20 && code !== 0x0a) ||
    (code >= 0x7f && code <= 0x9f) ||
    [0x061c, 0x200e, 0x200f, 0x2028, 0x2029].includes(code) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069);
  return [...output].filter((c) => unsafe(c.charCodeAt(0))).map((c) => `U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Lines that start like the verdict's: with no profile ready, any "… ready" line is forged. */
export function forgedLines(output: string): string[] {
  return output.split('\n').filter((line) => /^\s*(Okta|Entra ID|RFC 7643\/7644): ready/.test(line));
}
