import { describe, expect, test } from 'vitest';
import { excerpt } from '../../src/diagnose/describe.js';
import { escapeControl } from '../../src/diagnose/escape.js';
import { ScimClient } from '../../src/http/client.js';
import { Redactor, safeUrl, userinfoSecrets, withoutQueryValues } from '../../src/http/redact.js';

const SECRET = 'tok/en+9f 3a~c7';
const PLACEHOLDER = '$SCIM_TOKEN';
const redactor = new Redactor([{ value: SECRET, placeholder: PLACEHOLDER }]);

const unicode = (text: string, upper = false) => [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`).join('');
const base64 = (text: string) => Buffer.from(text).toString('base64');
const base64url = (text: string) => Buffer.from(text).toString('base64url');

/** Each form a server could echo the secret in, inside some text of its own. */
const FORMS: Array<[string, string]> = [
  ['raw', SECRET],
  ['JSON-escaped slash', SECRET.replace('/', '\\/')],
  ['every character \\u-escaped, lower-case hex', unicode(SECRET)],
  ['every character \\u-escaped, upper-case hex', unicode(SECRET, true)],
  ['literal and \\u-escaped characters mixed', [...SECRET].map((c, i) => (i % 3 === 0 ? unicode(c) : c === '/' ? '\\/' : c)).join('')],
  ['JSON escaped twice (JSON in a JSON string)', SECRET.replace('/', '\\\\\\/').replace(' ', '\\\\u0020')],
  ['percent-encoded, upper-case hex', encodeURIComponent(SECRET)],
  ['percent-encoded, lower-case hex', encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
  ['form-encoded (+ for a space)', new URLSearchParams({ s: SECRET }).toString().slice(2)],
  ['percent-encoded twice', encodeURIComponent(encodeURIComponent(SECRET))],
  ['every character percent-encoded', [...SECRET].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')],
  ['HTML character references', [...SECRET].map((c) => `&#${c.charCodeAt(0)};`).join('')],
  ['base64', base64(SECRET)],
  ['base64url', base64url(SECRET)],
  ['inside a Basic credential of another user', `Basic ${base64(`someone:${SECRET}`)}`],
  ['base64 at the second alignment', base64(`a${SECRET}zz`)],
  ['base64 at the third alignment', base64(`ab${SECRET}zz`)],
  ['base64url at the third alignment', base64url(`ab${SECRET}>>?`)],
  ['base64 inside a JSON string, with \\/', base64(`ab${SECRET}`).replace(/\//g, '\\/')],
];

describe('the Redactor', () => {
  test.for(FORMS)('replaces the secret %s', ([, form]) => {
    const redacted = redactor.text(`{"detail":"you sent ${form} to us"}`);
    expect(redacted).toContain(PLACEHOLDER);
    expect(redacted).not.toContain(form);
    expect(redacted.startsWith('{"detail":"you sent ')).toBe(true);
    expect(redacted.endsWith(' to us"}')).toBe(true);
  });

  test('leaves text without the secret exactly as it was, escapes and base64 included', () => {
    const text = `{"path":"a\\/b%20c&amp;d","blob":"${base64('an ordinary value')}","note":"tok/en+9f 3a~c"}`;
    expect(redactor.text(text)).toBe(text);
  });

  test("replaces a Basic credential whole with its own placeholder, not with its password's", () => {
    const both = new Redactor([
      { value: 'pass word/1', placeholder: '$SCIM_BASIC_PASSWORD' },
      { value: base64('admin:pass word/1'), placeholder: '$SCIM_BASIC_CREDENTIALS' },
    ]);
    expect(both.text(`Basic ${base64('admin:pass word/1')}`)).toBe('Basic $SCIM_BASIC_CREDENTIALS');
    expect(both.text(`Basic ${base64('root:pass word/1')}`)).toContain('$SCIM_BASIC_PASSWORD');
  });

  test('finds a secret learned later (an OAuth token) in every form', () => {
    const later = new Redactor([]);
    later.add({ value: 'refresh/tok+1', placeholder: '[REDACTED refresh_token]' });
    expect(later.text(`"refresh_token":"${unicode('refresh/tok+1')}"`)).toBe('"refresh_token":"[REDACTED refresh_token]"');
  });

  test('finds a secret at the end of a 2 MB body full of other escapes', () => {
    const body = `{"x":"${'a\\/b%20c&amp; '.repeat(150_000)}${unicode(SECRET)}"}`;
    const redacted = redactor.text(body);
    expect(redacted.endsWith(`${PLACEHOLDER}"}`)).toBe(true);
    expect(redacted.length).toBe(body.length - unicode(SECRET).length + PLACEHOLDER.length);
  });

  test('records a URL without its userinfo', () => {
    expect(redactor.url('https://user:pw@scim.example.test/scim/v2/Users?x=1')).toBe('https://scim.example.test/scim/v2/Users?x=1');
  });
});

describe('URLs in messages', () => {
  test.for([
    ['https://user:pass@scim.example.test:8443/scim/v2?api_key=k#frag', 'https://scim.example.test:8443/scim/v2'],
    ['https://scim.example.test/scim/v2', 'https://scim.example.test/scim/v2'],
    ['http://tok@127.0.0.1:9/oauth/token?client_secret=s', 'http://127.0.0.1:9/oauth/token'],
    ['user:pass@scim.example.test/x?y', 'scim.example.test/x'],
  ] satisfies Array<[string, string]>)('safeUrl(%s) is %s', ([url, shown]) => {
    expect(safeUrl(url)).toBe(shown);
  });

  test('a recorded configuration URL keeps its parameter names, not their values', () => {
    expect(withoutQueryValues('https://u:p@idp.example.test/token?tenant=t1&flag#f')).toBe('https://idp.example.test/token?tenant=[REDACTED]&flag');
  });

  test('the userinfo yields its password (as written and decoded) and user:password', () => {
    expect(userinfoSecrets('http://proxy-user:p%2Fss@127.0.0.1:3128', '[REDACTED]').map((s) => s.value)).toEqual(['p%2Fss', 'p/ss', 'proxy-user:p/ss']);
    expect(userinfoSecrets('http://127.0.0.1:3128', '[REDACTED]')).toEqual([]);
  });
});

describe('the client registers every configured secret', () => {
  test.for([
    ['a proxy password', { proxy: { httpProxy: 'http://pu:prox%2Fy-pw@127.0.0.1:9', httpsProxy: undefined, noProxy: '*' } }, 'prox/y-pw'],
    ['a Base URL password', { baseUrl: 'http://bu:base-pw-77@127.0.0.1:9/scim/v2' }, 'base-pw-77'],
    ['a basic password', { auth: { method: 'basic' as const, user: 'admin', password: 'basic-pw-31' } }, 'basic-pw-31'],
    ['a custom header value', { auth: { method: 'header' as const, name: 'X-Key', value: 'header-value-5' } }, 'header-value-5'],
  ] as const)('%s, in every form', async ([, options, secret]) => {
    const client = new ScimClient({ baseUrl: 'http://127.0.0.1:9/scim/v2', token: undefined, timeoutMs: 100, maxInFlight: 1, ...options });
    try {
      for (const form of [secret, encodeURIComponent(secret), unicode(secret), base64(`x:${secret}`)]) {
        expect(client.redactor.text(`[${form}]`)).not.toContain(form);
      }
    } finally {
      await client.close();
    }
  });
});

describe('a secret shorter than 8 characters (SHORT_SECRET_LENGTH)', () => {
  const short = new Redactor([{ value: 'tok', placeholder: PLACEHOLDER }]);

  test.for([
    ['alone', 'tok', PLACEHOLDER],
    ['as a credential', 'Authorization: Bearer tok', `Authorization: Bearer ${PLACEHOLDER}`],
    ['quoted, at the end of a sentence', '"tok". tok, (tok)', `"${PLACEHOLDER}". ${PLACEHOLDER}, (${PLACEHOLDER})`],
    ['\\u-escaped', 'x \\u0074ok y', `x ${PLACEHOLDER} y`],
    ['percent-encoded', '?t=%74%6F%6B&', `?t=${PLACEHOLDER}&`],
    ['base64, alone', 'x-echo: dG9r', `x-echo: ${PLACEHOLDER}`],
  ] satisfies Array<[string, string, string]>)('is replaced where it stands as a word of its own: %s', ([, text, redacted]) => {
    expect(short.text(text)).toBe(redacted);
  });

  test.for([
    ['inside error="invalid_token"', 'Bearer error="invalid_token"'],
    ['inside tokens and token_type', '"token_type":"Bearer", tokens'],
    ['inside a longer base64 string', 'YWJjdG9rZGVm dG9rZW4='],
  ] satisfies Array<[string, string]>)('is left alone inside a longer word: %s', ([, text]) => {
    expect(short.text(text)).toBe(text);
  });

  test('a secret of 8 characters or more is still replaced inside anything', () => {
    const long = new Redactor([{ value: 'tokentok', placeholder: PLACEHOLDER }]);
    expect(long.text('xtokentoky')).toBe(`x${PLACEHOLDER}y`);
  });
});

describe('escapeControl: the one way server text reaches an output', () => {
  test('replaces every secret any redactor of this process was given, before it escapes', () => {
    new Redactor([{ value: 'proc/wide+secret-77', placeholder: '[REDACTED]' }]);
    expect(escapeControl('detail: proc\\/wide+secret-77\x1b[2J')).toBe('detail: [REDACTED]\\x1b[2J');
    expect(excerpt(`${'a'.repeat(150)} proc/wide+secret-77 and more`, 160)).not.toContain('proc/wide');
  });
});
