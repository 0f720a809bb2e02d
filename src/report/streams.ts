/**
 * Where our own lines (the banner, the verdict, the list of reports) go. `--reporter=junit > file`
 * and `--reporter=json > file` must give a valid file: when a reporter writes its file to stdout,
 * our lines go to stderr instead.
 */

/** Vitest's reporters that write a file's content, to stdout when no output file is given. */
const FILE_REPORTERS = ['junit', 'json', 'tap', 'tap-flat'] as const;

type ReporterEntry = string | [string, Record<string, unknown>?] | object;

export interface ReporterSettings {
  reporters: readonly unknown[];
  outputFile?: string | Partial<Record<string, string>> | undefined;
}

/** Our JUnit and JSON reporters (src/report/junit.ts, json.ts) stand in for Vitest's: they write to stdout the same way. */
function fileKind(name: string): string | undefined {
  const ours = /[\\/]report[\\/](junit|json)\.[jt]s$/.exec(name);
  if (ours !== null) return ours[1];
  return (FILE_REPORTERS as readonly string[]).includes(name) ? name : undefined;
}

function writesFileToStdout(entry: ReporterEntry, outputFile: ReporterSettings['outputFile']): boolean {
  const [name, options] = typeof entry === 'string' ? [entry, undefined] : Array.isArray(entry) ? [entry[0], entry[1]] : [undefined, undefined];
  if (typeof name !== 'string') return false;
  const kind = fileKind(name);
  if (kind === undefined) return false;
  if (typeof options?.['outputFile'] === 'string' && options['outputFile'] !== '') return false;
  const configured = typeof outputFile === 'string' ? outputFile : outputFile?.[kind];
  return configured === undefined || configured === '';
}

/** True when some reporter writes its file to stdout, so that stdout must carry nothing else. */
export function stdoutIsTaken(settings: ReporterSettings): boolean {
  return settings.reporters.some((entry) => writesFileToStdout(entry as ReporterEntry, settings.outputFile));
}

export function ourOutput(settings: ReporterSettings | undefined): NodeJS.WritableStream {
  return settings !== undefined && stdoutIsTaken(settings) ? process.stderr : process.stdout;
}

interface WithLogger {
  config: ReporterSettings;
  logger: object;
}

/** True when a file reporter of the given kind, with these options, writes to a file and not to stdout. */
export function writesToFile(kind: 'junit' | 'json', options: { outputFile?: unknown }, config: ReporterSettings): boolean {
  if (typeof options.outputFile === 'string' && options.outputFile !== '') return true;
  const configured = typeof config.outputFile === 'string' ? config.outputFile : config.outputFile?.[kind];
  return configured !== undefined && configured !== '';
}

/**
 * The Vitest instance as a file reporter of ours sees it when it writes to a file: its "report
 * written to …" line goes where our own lines go, so as not to break a file another reporter writes
 * to stdout.
 */
export function noticesToOurOutput<T extends WithLogger>(vitest: T): T {
  const out = ourOutput(vitest.config);
  if (out === process.stdout) return vitest;
  const log = (...args: unknown[]) => out.write(`${args.map(String).join(' ')}\n`);
  const logger = new Proxy(vitest.logger, { get: (target, name, receiver) => (name === 'log' ? log : (Reflect.get(target, name, receiver) as unknown)) });
  return new Proxy(vitest, { get: (target, name, receiver) => (name === 'logger' ? logger : (Reflect.get(target, name, receiver) as unknown)) });
}
