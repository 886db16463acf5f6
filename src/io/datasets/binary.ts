import { readFile, writeFile } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import type { DatasetSettings, FileDatasetOptions } from './file-dataset.ts';
import { FileDataset, readCommonFileOptions } from './file-dataset.ts';
import { OptionReader } from './dataset-options.ts';

export type BinaryDatasetOptions = FileDatasetOptions;

/**
 * Any structured value in V8's serialization format (`type: binary`, alias `object`): the
 * counterpart of Kedro's PickleDataset, for intermediate results such as a fitted model's
 * parameters. It keeps what structured clone keeps (Map, Set, Date, RegExp, typed arrays, BigInt,
 * cycles); class instances come back as plain objects and functions cannot be saved. The format is
 * tied to the Node major version that wrote it, so it suits run-to-run data, not archives.
 */
export class BinaryDataset<T = unknown> extends FileDataset<T> {
  constructor(
    name: string,
    options: BinaryDatasetOptions,
    settings: DatasetSettings = {},
    type: 'binary' | 'object' = 'binary',
  ) {
    const reader = new OptionReader({ name, type, location: settings.location }, options);
    const common = readCommonFileOptions(reader, settings);
    reader.finish();
    super(type, name, common, settings);
  }

  protected async read(path: string): Promise<T> {
    return deserialize(await readFile(path)) as T;
  }

  protected async write(path: string, data: T): Promise<void> {
    await writeFile(path, serialize(data));
  }

  protected override failureHint(operation: 'load' | 'save'): string {
    return operation === 'save'
      ? 'Binary datasets store structured-cloneable values: plain objects, arrays, Map, Set, Date, typed arrays; no functions.'
      : 'The file may be damaged, or written by a different Node major version; save it again.';
  }

  protected publicArgs(): Record<string, unknown> {
    return {};
  }
}
