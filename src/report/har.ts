import { jsonWithoutRawControls } from '../diagnose/escape.js';
import type { LoggedExchange } from './exchange-log.js';

interface HarHeader {
  name: string;
  value: string;
}

function headers(record: Record<string, string>): HarHeader[] {
  return Object.entries(record).map(([name, value]) => ({ name, value }));
}

function queryString(url: string): HarHeader[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

/**
 * HAR 1.2 of every exchange, for a browser's developer tools, each with the spec file that sent it
 * (`_sentBy`). The exchanges were redacted when they were recorded, so no credential reaches the file.
 */
export function renderHar(exchanges: readonly LoggedExchange[]): string {
  const entries = [...exchanges]
    .sort((a, b) => a.timing.startedAt.localeCompare(b.timing.startedAt))
    .map((exchange) => {
      const { request, response, error, timing, sentBy } = exchange;
      return {
        ...(sentBy === undefined ? {} : { _sentBy: sentBy }),
        startedDateTime: timing.startedAt,
        time: timing.durationMs,
        request: {
          method: request.method,
          url: request.url,
          httpVersion: 'HTTP/1.1',
          cookies: [],
          headers: headers(request.headers),
          queryString: queryString(request.url),
          headersSize: -1,
          bodySize: request.body === undefined ? 0 : Buffer.byteLength(request.body),
          ...(request.body === undefined ? {} : { postData: { mimeType: request.headers['content-type'] ?? 'application/scim+json', text: request.body } }),
        },
        response: {
          status: response?.status ?? 0,
          statusText: error?.message ?? '',
          httpVersion: 'HTTP/1.1',
          cookies: [],
          headers: headers(response?.headers ?? {}),
          content: { size: response?.bytes ?? 0, mimeType: response?.headers['content-type'] ?? '', text: response?.body ?? '' },
          redirectURL: response?.headers['location'] ?? '',
          headersSize: -1,
          bodySize: response?.bytes ?? -1,
          ...(error === undefined ? {} : { _error: `${error.code}: ${error.message}` }),
        },
        cache: {},
        timings: { send: 0, wait: timing.durationMs, receive: 0 },
      };
    });
  // The record stays exact; only the characters JSON leaves raw (C1, bidi controls) become \uXXXX escapes.
  return `${jsonWithoutRawControls(JSON.stringify({ log: { version: '1.2', creator: { name: 'scim-conformance', version: '0.1.0' }, entries } }, null, 2))}\n`;
}
