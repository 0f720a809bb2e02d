import { test, expect } from 'vitest';
import { GALLERY_TOKEN } from './servers/gallery.js';
import { readGallery, startReadServer } from './servers/read-gallery.js';
import { runSuites } from './support/run-suite.js';
const only = (process.env['ONLY'] ?? '').split(',');
test('probe', async () => {
  for (const broken of readGallery.filter((b) => only.includes(b.name) || only.includes(b.spec))) {
    for (const [label, start] of [['ref', () => startReadServer()], ['broken', broken.start]] as const) {
      const server = await start();
      const run = await runSuites({ SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: GALLERY_TOKEN, SCIM_MAX_RPS: '1000', SCIM_STRICT: 'true', ...(broken.write ? { SCIM_WRITE: 'true' } : {}) }, [`suites/${broken.spec}.spec.ts`]);
      await server.close();
      console.error(broken.name, label, run.exitCode, run.tests.map((t) => `${t.status[0]} ${t.name.slice(-45)}`).join('\n'));
    }
  }
  expect(1).toBe(1);
}, 300000);
