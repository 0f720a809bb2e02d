import type { Reporter, SerializedError, TestModule, TestRunEndReason, Vitest } from 'vitest/node';
import type { Target } from '../suite/target.js';
import type { RunPart } from './run-end.js';
import { ourOutput } from './streams.js';

// The verdict and the reports need most of the suite's code (every rule, for the codes an accept
// file may name). Loading it before the run, or as the first spec file starts, would hold up the
// workers, whose own modules this process transforms for them; it loads once the first spec file
// is done instead, while the others run.
const loadRunEnd = () => import('./run-end.js');

/** A graph node as Vite keeps it; only what undoRestoredStubs needs. */
interface GraphNode {
  transformResult: { code: string } | null;
}
interface ModuleGraph {
  idToModuleMap: Map<string, GraphNode>;
  invalidateModule(node: GraphNode): void;
}

/**
 * `--merge-reports` restores the module graph of the blobs' runs with each module's code replaced
 * by a blank (Vitest's readBlobs), so importing any of them here would give an empty module: the
 * verdict's code among them. Those stubs are invalidated, so they load from their files again.
 */
export function undoRestoredStubs(environments: Record<string, { moduleGraph: unknown }>): number {
  let undone = 0;
  for (const environment of Object.values(environments)) {
    const graph = environment.moduleGraph as ModuleGraph;
    for (const node of graph.idToModuleMap.values()) {
      if (node.transformResult?.code.trim() !== '') continue;
      graph.invalidateModule(node);
      undone++;
    }
  }
  return undone;
}

/**
 * A shard, the merge of the shards' reports, a watch-mode rerun of some spec files only (`ran` of
 * the `known` ones), or a whole run, as Vitest was asked for it.
 */
export function runPart(config: Pick<Vitest['config'], 'shard' | 'mergeReports' | 'watch'>, ran = 0, known = 0): RunPart {
  if (config.shard !== undefined) return { shard: { index: config.shard.index, count: config.shard.count } };
  if (config.mergeReports) return 'merged';
  // The spec files not rerun hold results from before the rerun, from a server that may have changed since.
  return config.watch && ran < known ? { rerun: { ran, of: known } } : 'whole';
}

/**
 * Prints the verdict after Vitest's own summary, and writes the reports asked for in SCIM_REPORTS
 * (JUnit and JSON are Vitest's own reporters, set up in vitest.config.ts).
 */
export default class ConformanceReporter implements Reporter {
  private vitest: Vitest | undefined;
  private readonly startedAt = new Date().toISOString();
  private runEnd: ReturnType<typeof loadRunEnd> | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
    if (vitest.config.mergeReports) undoRestoredStubs(vitest.vite.environments);
  }

  onTestModuleEnd(): void {
    this.loadRunEnd();
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): Promise<void> {
    const { endRun } = await this.loadRunEnd();
    const { nothingTested } = endRun({
      modules,
      unhandledErrors,
      reason,
      target: this.target(),
      startedAt: this.startedAt,
      part: this.vitest === undefined ? 'whole' : runPart(this.vitest.config, modules.length, this.vitest.state.getTestModules().length),
      out: ourOutput(this.vitest?.config),
    });
    // Vitest passes a run in which a -t filter matched nothing: a CI gate must not.
    if (nothingTested) process.exitCode = 1;
  }

  /** What the global setup provided: to the root project, or (with --project) to the project that ran. */
  private target(): Target | undefined {
    const projects = this.vitest === undefined ? [] : [this.vitest.getRootProject(), ...this.vitest.projects];
    for (const project of projects) {
      const provided = project.getProvidedContext() as { target?: Target };
      if (provided.target !== undefined) return provided.target;
    }
    return undefined;
  }

  private loadRunEnd(): ReturnType<typeof loadRunEnd> {
    if (this.runEnd === undefined) {
      this.runEnd = loadRunEnd();
      // Awaited at the run's end; until then a failure must not count as unhandled.
      this.runEnd.catch(() => undefined);
    }
    return this.runEnd;
  }
}
