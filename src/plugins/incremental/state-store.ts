import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { writeFileAtomically } from '../../plugin-api/index.ts';
import type { NodeRecord } from './node-record.ts';
import { isPlainValue } from './plain-value.ts';

/** Where the plugin keeps its state, under the project. */
export const INCREMENTAL_STATE_FOLDER = join('.sluice', 'incremental');

/**
 * The incremental plugin's state under `<project>/.sluice/incremental/`: one record file per node
 * (`nodes/<hash of the name>.json`) and in-memory output values stored by content hash
 * (`values/<sha256>.v8`). Every file is written whole, beside its place then renamed, so a crash
 * leaves the old file or the new one, never half of one; concurrent runs of the project write
 * different files, or the same file with a whole record each. A value file is named by the hash
 * of its bytes and checked against it on reading, so a record never serves a value it didn't mean.
 */
export class IncrementalState {
  readonly folder: string;

  constructor(projectPath: string) {
    this.folder = join(projectPath, INCREMENTAL_STATE_FOLDER);
  }

  async read(nodeName: string): Promise<NodeRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.#recordPath(nodeName), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const record = JSON.parse(text) as NodeRecord;
      return record.format === 1 && record.node === nodeName ? record : undefined;
    } catch {
      return undefined;
    }
  }

  write(record: NodeRecord): Promise<void> {
    return writeFileAtomically(this.#recordPath(record.node), JSON.stringify(record));
  }

  /**
   * Stores a value that survives a V8 round trip unchanged (plain data: no class instances, no
   * functions) and returns its hash; null for any other value, which can't be served later.
   */
  async putValue(value: unknown): Promise<string | null> {
    if (!isPlainValue(value)) return null;
    const bytes = serialize(value);
    const hash = createHash('sha256').update(bytes).digest('hex');
    await writeFileAtomically(this.#valuePath(hash), bytes);
    return hash;
  }

  /** The value stored under `hash`, if its file is there and still matches it. */
  async getValue(hash: string): Promise<{ found: true; value: unknown } | { found: false }> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.#valuePath(hash));
    } catch {
      return { found: false };
    }
    if (createHash('sha256').update(bytes).digest('hex') !== hash) return { found: false };
    return { found: true, value: deserialize(bytes) };
  }

  #recordPath(nodeName: string): string {
    return join(
      this.folder,
      'nodes',
      `${createHash('sha256').update(nodeName).digest('hex').slice(0, 32)}.json`,
    );
  }

  #valuePath(hash: string): string {
    return join(this.folder, 'values', `${hash}.v8`);
  }
}
