/**
 * The built-in CSV dataset counting the times it reads its file, for the shared-loads and cached
 * dataset tests: `reads` holds the reads of each dataset, by catalog name.
 */
import type { CsvDatasetOptions, DatasetFactoryContext } from '../../src/index.ts';
import { CsvDataset } from '../../src/index.ts';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';

/** Reads of each file-backed dataset, by catalog name. */
export const reads = new Map<string, number>();

/** The built-in CSV dataset, counting the times it reads its file. */
export class CountingCsv extends CsvDataset {
  readonly #name: string;
  constructor(name: string, options: CsvDatasetOptions, context: DatasetFactoryContext) {
    super(name, options, context);
    this.#name = name;
  }
  override async load() {
    reads.set(this.#name, (reads.get(this.#name) ?? 0) + 1);
    return super.load();
  }
}

/** A dataset class that must never be shared (a live source, say). */
export class LiveCountingCsv extends CountingCsv {
  readonly shareLoads = false;
}

/** The built-in types plus `counted_csv` and `live_csv` (the two classes above). */
export function countingRegistry() {
  return createDatasetTypeRegistry()
    .register('counted_csv', (options, context) => {
      return new CountingCsv(context.name, options as unknown as CsvDatasetOptions, context);
    })
    .register('live_csv', (options, context) => {
      return new LiveCountingCsv(context.name, options as unknown as CsvDatasetOptions, context);
    });
}
