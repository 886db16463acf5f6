import { createHash } from 'node:crypto';
import { serialize } from 'node:v8';
import type { Dataset, DatasetDescription } from '../dataset.ts';
import { DatasetError } from '../dataset.ts';

/**
 * How a memory dataset hands data over. `deepcopy` protects the producer's value from a consumer
 * that mutates it; `assign` passes the same object (needed for class instances such as Arrow
 * tables, which structured clone would strip of their prototype); `auto` picks per value.
 */
export type CopyMode = 'deepcopy' | 'assign' | 'auto';

export interface MemoryDatasetOptions {
  copyMode?: CopyMode;
}

const EMPTY = Symbol('empty');

/** Holds data in this process for the length of a run. The default for names the catalog doesn't declare. */
export class MemoryDataset<T = unknown> implements Dataset<T> {
  readonly ephemeral = true;
  readonly #name: string;
  readonly #copyMode: CopyMode;
  #data: T | typeof EMPTY = EMPTY;

  constructor(name: string, options: MemoryDatasetOptions = {}, initial?: { data: T }) {
    this.#name = name;
    this.#copyMode = options.copyMode ?? 'auto';
    if (initial !== undefined) this.#data = initial.data;
  }

  load(): T {
    if (this.#data === EMPTY) {
      throw new DatasetError(`Dataset "${this.#name}" has no data: nothing saved it in this run.`, {
        datasetName: this.#name,
        hint: 'Declare it in the catalog so it is read from storage, or run the node that produces it.',
      });
    }
    return copy(this.#data, this.#copyMode);
  }

  save(data: T): void {
    this.#data = copy(data, this.#copyMode);
  }

  exists(): boolean {
    return this.#data !== EMPTY;
  }

  release(): void {
    this.#data = EMPTY;
  }

  describe(): DatasetDescription {
    return { type: 'memory', copyMode: this.#copyMode };
  }

  /**
   * The SHA-256 of the value's V8 serialization (the data is in memory already); undefined when
   * empty or when the value can't be serialized (functions, some class instances).
   */
  fingerprint(): string | undefined {
    if (this.#data === EMPTY) return undefined;
    try {
      return `v8:${createHash('sha256').update(serialize(this.#data)).digest('hex')}`;
    } catch {
      return undefined;
    }
  }
}

function copy<T>(value: T, mode: CopyMode): T {
  if (mode === 'assign' || value === null || typeof value !== 'object') return value;
  if (mode === 'auto' && !isPlainData(value)) return value;
  return structuredClone(value);
}

function isPlainData(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === Array.prototype || prototype === null;
}
