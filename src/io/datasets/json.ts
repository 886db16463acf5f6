import { readFile, writeFile } from 'node:fs/promises';
import type { DatasetSettings, FileDatasetOptions } from './file-dataset.ts';
import { FileDataset, readCommonFileOptions } from './file-dataset.ts';
import { OptionReader } from './dataset-options.ts';

export interface JsonDatasetOptions extends FileDatasetOptions {
  save_args?: {
    /** Spaces per indentation level (0 writes one line). Defaults to 2, as Kedro's JSONDataset. */
    indent?: number;
  };
}

/** One JSON document in a file (`type: json`). Loads any JSON value; saves anything `JSON.stringify` accepts. */
export class JsonDataset<T = unknown> extends FileDataset<T> {
  readonly #indent: number;

  constructor(name: string, options: JsonDatasetOptions, settings: DatasetSettings = {}) {
    const reader = new OptionReader({ name, type: 'json', location: settings.location }, options);
    const common = readCommonFileOptions(reader, settings);
    const saveArgs = reader.section('save_args');
    const indent = saveArgs.integer('indent', { min: 0, max: 10 }) ?? 2;
    saveArgs.finish();
    reader.finish();
    super('json', name, common, settings);
    this.#indent = indent;
  }

  protected async read(path: string): Promise<T> {
    const text = await readFile(path, 'utf8');
    try {
      return JSON.parse(stripBom(text)) as T;
    } catch (error) {
      throw new Error(`not valid JSON (${(error as Error).message})`, { cause: error });
    }
  }

  protected async write(path: string, data: T): Promise<void> {
    const text = JSON.stringify(data, null, this.#indent);
    if (text === undefined) throw new Error(`${typeof data} cannot be written as JSON`);
    await writeFile(path, `${text}\n`);
  }

  protected publicArgs(): Record<string, unknown> {
    return { save_args: { indent: this.#indent } };
  }
}

/** Editors on Windows start UTF-8 files with a byte-order mark, which `JSON.parse` rejects. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
