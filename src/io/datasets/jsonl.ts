import { open, readFile } from 'node:fs/promises';
import type { DatasetSettings, FileDatasetOptions } from './file-dataset.ts';
import { FileDataset, readCommonFileOptions } from './file-dataset.ts';
import { OptionReader } from './dataset-options.ts';
import { stripBom } from './json.ts';

export type JsonLinesDatasetOptions = FileDatasetOptions;

/** Lines are gathered into chunks of about this many characters before each write. */
const CHUNK_CHARACTERS = 1 << 16;

/**
 * JSON Lines (`type: jsonl`): one JSON value per line. `load()` returns the values in order
 * (blank lines are skipped). `save()` takes an array or any iterable, sync or async, and streams
 * it to disk, so a large result need not be held as one string.
 */
export class JsonLinesDataset<T = unknown> extends FileDataset<T[], Iterable<T> | AsyncIterable<T>> {
  constructor(name: string, options: JsonLinesDatasetOptions, settings: DatasetSettings = {}) {
    const reader = new OptionReader({ name, type: 'jsonl', location: settings.location }, options);
    const common = readCommonFileOptions(reader, settings);
    reader.finish();
    super('jsonl', name, common, settings);
  }

  protected async read(path: string): Promise<T[]> {
    const lines = stripBom(await readFile(path, 'utf8')).split('\n');
    const values: T[] = [];
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      try {
        values.push(JSON.parse(line) as T);
      } catch (error) {
        throw new Error(`line ${index + 1} is not valid JSON (${(error as Error).message})`, {
          cause: error,
        });
      }
    }
    return values;
  }

  protected async write(path: string, data: Iterable<T> | AsyncIterable<T>): Promise<void> {
    if (
      data === null ||
      typeof data !== 'object' ||
      !(Symbol.iterator in data || Symbol.asyncIterator in data)
    ) {
      throw new Error(
        `jsonl datasets save an array or an iterable of values, got ${data === null ? 'null' : typeof data}`,
      );
    }
    const handle = await open(path, 'w');
    try {
      let chunk = '';
      let index = 0;
      for await (const value of data) {
        const line = JSON.stringify(value);
        if (line === undefined) throw new Error(`item ${index} (${typeof value}) cannot be written as JSON`);
        chunk += `${line}\n`;
        index += 1;
        if (chunk.length >= CHUNK_CHARACTERS) {
          await handle.write(chunk);
          chunk = '';
        }
      }
      if (chunk !== '') await handle.write(chunk);
    } finally {
      await handle.close();
    }
  }

  protected publicArgs(): Record<string, unknown> {
    return {};
  }
}
