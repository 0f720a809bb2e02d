import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { LONGEST_CHAINS_FIRST } from '../checks/spec-files.js';

/**
 * Spec files whose checks follow one long chain of requests (a create, change, read, delete
 * lifecycle), longest first. Started first, they run alongside the short read-only files instead of
 * after them: against a far server, the run then takes about as long as its longest chain. Then
 * discovery, whose chain is the longest of the others (on a write run its PATCH check follows a
 * user of its own from create to delete): started among the last, it would end after the longest.
 */
const LONG_CHAINS: readonly string[] = [...LONGEST_CHAINS_FIRST, 'discovery'];

/** Where a spec file (by path) comes in the run: the long chains first, longest first, then the rest. */
export function chainRank(path: string): number {
  const index = LONG_CHAINS.findIndex((name) => path.replaceAll('\\', '/').match(new RegExp(`/suites/${name}\\.spec\\.[jt]s$`)) !== null);
  return index === -1 ? LONG_CHAINS.length : index;
}

export default class LongestChainsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // Array.prototype.sort is stable: the other files keep Vitest's own order.
    return [...(await super.sort(files))].sort((a, b) => chainRank(a.moduleId) - chainRank(b.moduleId));
  }
}
