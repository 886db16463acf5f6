import type { ConfigLocation, Dataset, MaybePromise } from './dataset.ts';
import { DatasetError } from './dataset.ts';
import { didYouMean } from '../suggest.ts';

/** What a dataset factory gets besides its own YAML settings. */
export interface DatasetFactoryContext {
  /** The dataset's name in the catalog, for error messages. */
  name: string;
  /** The project root; relative file paths resolve against it. */
  projectPath: string;
  /** The credentials entry the YAML referenced by name, already resolved. Never log or describe it. */
  credentials?: Record<string, unknown>;
  /** Where the YAML declared this dataset. */
  location?: ConfigLocation;
  /** The version to save under and the version to load, for `versioned: true` datasets. */
  saveVersion?: string;
  loadVersion?: string;
}

/**
 * Builds a dataset from its YAML settings (`type` removed). May be async so that heavy libraries
 * (DuckDB, exceljs, pg) are imported only when a catalog actually uses them.
 */
export type DatasetFactory = (
  options: Record<string, unknown>,
  context: DatasetFactoryContext,
) => MaybePromise<Dataset>;

/**
 * The dataset types the catalog knows by name (`type: csv` in YAML). Users and plugins add their
 * own with `register`; a project's own type can also be referenced as `type: ./src/io.ts#MyDataset`.
 */
export class DatasetTypeRegistry {
  readonly #factories = new Map<string, DatasetFactory>();

  register(type: string, factory: DatasetFactory): this {
    if (this.#factories.has(type)) {
      throw new DatasetError(`Dataset type "${type}" is already registered.`, {
        hint: 'Pick another name for your type, or unregister the existing one first.',
      });
    }
    this.#factories.set(type, factory);
    return this;
  }

  unregister(type: string): boolean {
    return this.#factories.delete(type);
  }

  has(type: string): boolean {
    return this.#factories.has(type);
  }

  /** The factory for `type`, or a `DatasetError` that names the dataset and the nearest known type. */
  get(type: string, datasetName?: string): DatasetFactory {
    const factory = this.#factories.get(type);
    if (factory !== undefined) return factory;
    const subject = datasetName === undefined ? '' : ` for dataset "${datasetName}"`;
    throw new DatasetError(
      `Unknown dataset type "${type}"${subject}.${didYouMean(type, this.#factories.keys())}`,
      {
        ...(datasetName === undefined ? {} : { datasetName }),
        hint: `Known types: ${[...this.#factories.keys()].sort().join(', ')}. A project's own type is "<module>#<export>".`,
      },
    );
  }

  types(): string[] {
    return [...this.#factories.keys()].sort();
  }
}
