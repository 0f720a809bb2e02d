import { relative, sep } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { headStartFor } from './head-start.js';
import { workersShareMemory } from './share.js';
import { suiteModules } from './suite-modules.js';

/**
 * Spec files whose checks follow one long chain of requests (a create, change, read, delete
 * lifecycle), longest first. Started first, they run alongside the short read-only files instead of
 * after them: against a far server, the run then takes about as long as its longest chain.
 */
const LONG_CHAINS = ['groups', 'users-entra', 'users-okta', 'rfc-writes', 'etag', 'bad-input'];

/** Where a spec file (by path) comes in the run: the long chains first, longest first, then the rest. */
export function chainRank(path: string): number {
  const index = LONG_CHAINS.findIndex((name) => path.replaceAll('\\', '/').endsWith(`/suites/${name}.spec.ts`));
  return index === -1 ? LONG_CHAINS.length : index;
}

export default class LongestChainsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // Array.prototype.sort is stable: the other files keep Vitest's own order.
    const sorted = [...(await super.sort(files))].sort((a, b) => chainRank(a.moduleId) - chainRank(b.moduleId));
    if (sorted[0] !== undefined) giveHeadStart(sorted[0]);
    return sorted;
  }
}

/**
 * The first file, the longest chain, loads before the others (src/suite/head-start.ts). Vite
 * transforms our modules in this process, each when a worker first asks for it: while the workers
 * load Vitest itself, this process has little to do, and transforms the leader's modules then.
 * Only the leader's: the others load later, and transforming theirs now would take CPU from the
 * workers starting.
 */
export function giveHeadStart(leader: TestSpecification): void {
  const { project } = leader;
  if (workersShareMemory(project.config.pool)) project.provide('headStart', headStartFor(leader.moduleId));
  const { root } = project.config;
  const ssr = project.vite.environments['ssr'];
  for (const file of suiteModules([leader.moduleId])) {
    void ssr?.warmupRequest(`/${relative(root, file).split(sep).join('/')}`);
  }
}
