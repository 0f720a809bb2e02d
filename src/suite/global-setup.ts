import type { TestProject } from 'vitest/node';
import { handedOverSetup } from './setup-handover.js';

/** Vitest's global setup: the run's setup (src/suite/run-setup.ts), as vitest.config.ts handed it over. */
export default async function globalSetup(project: TestProject): Promise<() => Promise<void>> {
  // Without the hand-over (another config naming this file), the same setup, loaded the slow way.
  const setUp = handedOverSetup() ?? (await import('./run-setup.js')).setUpRun;
  return setUp(project);
}
