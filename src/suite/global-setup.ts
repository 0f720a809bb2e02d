/** Vitest's global setup: the run's setup (src/suite/run-setup.ts). */
export { setUpRun as default } from './run-setup.js';
