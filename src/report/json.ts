/**
 * Vitest's JSON reporter under a name of ours, for SCIM_REPORTS=json: a config entry named "json"
 * would lend its output file to a user's own `--reporter=json`, which then wrote over ours. Its
 * "report written to" line goes where the verdict goes (src/report/streams.ts).
 */
import { JsonReporter, type JsonOptions, type Vitest } from 'vitest/node';
import { noticesToOurOutput, writesToFile } from './streams.js';

export default class ConformanceJsonReporter extends JsonReporter {
  private readonly ownOptions: JsonOptions;

  constructor(options: JsonOptions) {
    super(options);
    this.ownOptions = options;
  }

  override onInit(vitest: Vitest): void {
    super.onInit(writesToFile('json', this.ownOptions, vitest.config) ? noticesToOurOutput(vitest) : vitest);
  }
}
