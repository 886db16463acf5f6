import { readFile, writeFile } from 'node:fs/promises';
import type { DatasetSettings, FileDatasetOptions } from './file-dataset.ts';
import { FileDataset, readCommonFileOptions } from './file-dataset.ts';
import { OptionReader } from './dataset-options.ts';

export interface TextDatasetOptions extends FileDatasetOptions {
  /** How the file's bytes map to characters; any encoding Node's Buffer knows. Defaults to utf8. */
  encoding?: BufferEncoding;
}

/** A whole file as one string (`type: text`). */
export class TextDataset extends FileDataset<string> {
  readonly #encoding: BufferEncoding;

  constructor(name: string, options: TextDatasetOptions, settings: DatasetSettings = {}) {
    const reader = new OptionReader({ name, type: 'text', location: settings.location }, options);
    const common = readCommonFileOptions(reader, settings);
    const encoding = reader.string('encoding') ?? 'utf8';
    if (!Buffer.isEncoding(encoding)) {
      throw reader.invalid(
        'encoding',
        'must be an encoding Node knows',
        encoding,
        'Use utf8, utf16le, latin1, ascii, base64 or hex.',
      );
    }
    reader.finish();
    super('text', name, common, settings);
    this.#encoding = encoding;
  }

  protected read(path: string): Promise<string> {
    return readFile(path, this.#encoding);
  }

  protected async write(path: string, data: string): Promise<void> {
    if (typeof data !== 'string')
      throw new Error(`text datasets save a string, got ${data === null ? 'null' : typeof data}`);
    await writeFile(path, data, this.#encoding);
  }

  protected publicArgs(): Record<string, unknown> {
    return { encoding: this.#encoding };
  }
}
