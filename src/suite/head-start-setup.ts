/** Before each spec file, in its worker: the head start of src/suite/head-start.ts. */
import { beforeAll, expect, inject } from 'vitest';
import { endHeadStart, waitForLeader } from './head-start.js';

const headStart = inject('headStart');
if (headStart !== undefined) {
  // Hooks run once the spec file has been imported, with every module it needs.
  if (headStart.leader === expect.getState().testPath) beforeAll(() => endHeadStart(headStart));
  else await waitForLeader(headStart);
}
