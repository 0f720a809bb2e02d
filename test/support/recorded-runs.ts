import type { SuiteRun } from './run-suite.js';

interface Closable {
  close(): Promise<void>;
}

/**
 * Suite runs made up front (in a beforeAll) against servers of our own, kept by name for the tests
 * that read them. Each server is closed once its run is over; `closeOpen` (in an afterAll) closes
 * those whose run never ended.
 */
export class RecordedRuns {
  private readonly runs = new Map<string, SuiteRun>();
  private readonly open = new Set<Closable>();

  /** Starts a server, runs the suite against it, keeps the run under `name`, and closes the server. */
  async record<S extends Closable>(name: string, start: () => Promise<S>, run: (server: S) => Promise<SuiteRun>): Promise<SuiteRun> {
    const server = await start();
    this.open.add(server);
    try {
      const done = await run(server);
      this.runs.set(name, done);
      return done;
    } finally {
      this.open.delete(server);
      await server.close();
    }
  }

  of(name: string): SuiteRun {
    const run = this.runs.get(name);
    if (run === undefined) throw new Error(`no run recorded for ${name}`);
    return run;
  }

  async closeOpen(): Promise<void> {
    await Promise.all([...this.open].map((server) => server.close()));
  }
}
