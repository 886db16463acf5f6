import { mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Dataset, DatasetDescription, SaveResult } from '../dataset.ts';
import { DatasetError } from '../dataset.ts';
import type { DatasetTypeRegistry } from '../dataset-registry.ts';
import { saveVersionAside } from '../versioning.ts';
import { carryOver, currentGeneration, switchGeneration } from './partition-generations.ts';
import type { DatasetSettings } from './file-dataset.ts';
import { FileDataset, readCommonFileOptions } from './file-dataset.ts';
import { OptionReader, datasetSubject } from './dataset-options.ts';
import { formatLocation } from '../../config-location.ts';
import { isPlainObject } from '../../values.ts';

/** The dataset each partition is read and written with: a type name, or a type with its options. */
export type PartitionDatasetConfig = string | ({ type: string } & Record<string, unknown>);

export interface PartitionedDatasetOptions {
  /** The folder holding the partitions, relative to the project root or absolute (`filepath` is accepted too). */
  path: string;
  /** The dataset type of every partition, with its options but without a filepath. */
  dataset: PartitionDatasetConfig;
  /** Only files ending with it are partitions; it is not part of the partition id. */
  filename_suffix?: string;
  /** Remove partitions that a save did not write. Defaults to false: a save adds and replaces. */
  overwrite?: boolean;
  /** Keep each save as a whole folder under `<path>/<version>/<folder name>`. */
  versioned?: boolean;
  metadata?: Record<string, unknown>;
}

export interface PartitionedDatasetSettings extends DatasetSettings {
  /** Builds the partition datasets, so a partition can be of any registered type. */
  registry: DatasetTypeRegistry;
}

/** What `load()` returns: each partition id mapped to a function that loads that partition. */
export type PartitionLoaders<T = unknown> = Map<string, () => Promise<T>>;

/** A partition's data, or a function producing it (called at save time, one partition at a time). */
export type PartitionData<T = unknown> = T | (() => T | Promise<T>);

/** What `save()` accepts: partition ids mapped to data. */
export type PartitionsToSave<T = unknown> = Map<string, PartitionData<T>> | Record<string, PartitionData<T>>;

/** Stands in for a partition's file name when the partition dataset is checked and described. */
const SAMPLE_PARTITION = '<partition>';

/**
 * A folder of files, each a partition handled by an underlying dataset type (`type: partitioned`),
 * as Kedro's PartitionedDataset. A partition id is the file's path relative to the folder, with
 * forward slashes and without `filename_suffix`. Loading reads nothing: it returns a lazy loader
 * per partition, sorted by id. A save is atomic as a whole: it writes a new generation of the
 * folder aside (carrying over the partitions it doesn't replace, unless `overwrite`) and switches
 * to it in one rename (see partition-generations.ts); a versioned save writes the version folder
 * aside and renames it into place. A load sees the old set or the new one, never a mix.
 */
export class PartitionedDataset<T = unknown> extends FileDataset<PartitionLoaders<T>, PartitionsToSave<T>> {
  /** `load()` returns lazy loaders, each reading its partition when called: nothing to share. */
  readonly shareLoads = false;

  readonly #registry: DatasetTypeRegistry;
  readonly #partitionType: string;
  readonly #partitionOptions: Record<string, unknown>;
  readonly #suffix: string;
  readonly #overwrite: boolean;
  #sample: Dataset | undefined;

  /**
   * Builds the dataset and one sample partition dataset, so that a wrong partition type or option
   * is reported when the catalog is built rather than at the first load.
   */
  static async create<T = unknown>(
    name: string,
    options: PartitionedDatasetOptions,
    settings: PartitionedDatasetSettings,
  ): Promise<PartitionedDataset<T>> {
    const dataset = new PartitionedDataset<T>(name, options, settings);
    dataset.#sample = await dataset.#partition(
      SAMPLE_PARTITION,
      join(dataset.filepath, SAMPLE_PARTITION + dataset.#suffix),
    );
    return dataset;
  }

  /** Prefer `PartitionedDataset.create`, which also checks the partition dataset's options. */
  constructor(name: string, options: PartitionedDatasetOptions, settings: PartitionedDatasetSettings) {
    const reader = new OptionReader({ name, type: 'partitioned', location: settings.location }, options);
    // Kedro names the folder `path`; `filepath` is accepted because every other file type uses it.
    const pathKey = reader.has('filepath') && !reader.has('path') ? 'filepath' : 'path';
    if (reader.has('filepath') && reader.has('path'))
      throw reader.error('set both "path" and "filepath"; keep "path"');
    const common = readCommonFileOptions(reader, settings, pathKey, 'data/02_intermediate/partitions');
    const { type, partitionOptions } = readPartitionDataset(reader);
    const suffix = reader.raw('filename_suffix') ?? '';
    if (typeof suffix !== 'string') throw reader.invalid('filename_suffix', 'must be a string', suffix);
    const overwrite = reader.boolean('overwrite') ?? false;
    reader.finish();
    super('partitioned', name, common, settings);
    this.#registry = settings.registry;
    this.#partitionType = type;
    this.#partitionOptions = partitionOptions;
    this.#suffix = suffix;
    this.#overwrite = overwrite;
  }

  /** The partition ids found in the folder (of the loaded version when versioned), sorted. */
  async partitions(): Promise<string[]> {
    return [...(await this.load()).keys()];
  }

  protected async read(path: string): Promise<PartitionLoaders<T>> {
    // One generation for every loader, even if a save switches the folder meanwhile.
    const folder = this.versioned ? path : ((await currentGeneration(path)) ?? path);
    const ids = await this.#list(folder);
    if (ids === undefined || ids.length === 0) {
      const declared = formatLocation(this.settings.location);
      throw new DatasetError(
        `${datasetSubject(this.owner)}: no partitions in ${folder}${this.#suffix === '' ? '' : ` (files ending in "${this.#suffix}")`}${ids === undefined ? ': the folder does not exist' : ''}.`,
        {
          datasetName: this.name,
          hint: `Check "path" and "filename_suffix"${declared === '' ? '' : ` in ${declared}`}, or run the node that produces it first.`,
        },
      );
    }
    const loaders: PartitionLoaders<T> = new Map();
    for (const id of ids) {
      loaders.set(id, async () => {
        const dataset = await this.#partition(id, this.#fileOf(folder, id));
        return (await dataset.load()) as T;
      });
    }
    return loaders;
  }

  /** Writes every partition into `folder`, each file atomically; function values are called here, one at a time. */
  protected async write(folder: string, data: PartitionsToSave<T>): Promise<void> {
    await mkdir(folder, { recursive: true });
    for (const [id, value] of this.#entries(data)) {
      const dataset = await this.#partition(id, this.#fileOf(folder, id));
      const resolved = typeof value === 'function' ? await (value as () => T | Promise<T>)() : value;
      await dataset.save(resolved);
    }
  }

  override async save(data: PartitionsToSave<T>): Promise<SaveResult> {
    const entries = this.#entries(data);
    try {
      if (this.versioned) {
        const path = await saveVersionAside(
          this.name,
          this.filepath,
          { saveVersion: this.settings.saveVersion },
          (folder) => this.write(folder, new Map(entries)),
        );
        return { path, version: basename(dirname(path)), rows: entries.length };
      }
      await switchGeneration(this.filepath, async (folder, previous) => {
        if (!this.#overwrite && previous !== undefined) {
          const replaced = new Set(entries.map(([id]) => relative(folder, this.#fileOf(folder, id))));
          await carryOver(previous, folder, replaced);
        }
        await this.write(folder, new Map(entries));
      });
    } catch (error) {
      throw this.failure('save', this.filepath, error);
    }
    // A partitioned save reports its partitions as rows.
    return { path: this.filepath, rows: entries.length };
  }

  override async exists(): Promise<boolean> {
    if (this.versioned) return super.exists();
    const folder = await currentGeneration(this.filepath);
    return folder !== undefined && ((await this.#list(folder)) ?? []).length > 0;
  }

  override describe(): DatasetDescription {
    const { filepath, ...rest } = super.describe();
    const sample = this.#sample?.describe() ?? { type: this.#partitionType };
    const { filepath: _sampleFile, ...partition } = sample;
    return { ...rest, path: filepath, dataset: partition };
  }

  protected publicArgs(): Record<string, unknown> {
    return { filename_suffix: this.#suffix, overwrite: this.#overwrite };
  }

  /** Partition ids under `folder`, sorted; undefined when the folder does not exist. */
  async #list(folder: string): Promise<string[] | undefined> {
    let entries;
    try {
      entries = await readdir(folder, { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.failure('load', folder, error);
    }
    const ids: string[] = [];
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      // Dot files and folders hold temporary files of saves under way (and editors' droppings).
      const path = relative(folder, join(entry.parentPath ?? entry.path, entry.name));
      if (path.split(sep).some((part) => part.startsWith('.'))) continue;
      if (!path.endsWith(this.#suffix)) continue;
      ids.push(
        path
          .slice(0, path.length - this.#suffix.length)
          .split(sep)
          .join('/'),
      );
    }
    return ids.sort();
  }

  #entries(data: PartitionsToSave<T>): [string, PartitionData<T>][] {
    let entries: [string, PartitionData<T>][];
    if (data instanceof Map) entries = [...data.entries()];
    else if (isPlainObject(data)) entries = Object.entries(data);
    else {
      throw new DatasetError(
        `${datasetSubject(this.owner)}: save takes a Map or an object of partition id to data, got ${Array.isArray(data) ? 'an array' : typeof data}.`,
        { datasetName: this.name },
      );
    }
    for (const [id] of entries) {
      const parts = typeof id === 'string' ? id.split('/') : [];
      if (
        parts.length === 0 ||
        parts.some(
          (part) =>
            part === '' || part === '.' || part === '..' || part.startsWith('.') || part.includes('\\'),
        )
      ) {
        throw new DatasetError(
          `${datasetSubject(this.owner)}: partition id ${JSON.stringify(id)} is not a relative path inside the folder.`,
          {
            datasetName: this.name,
            hint: 'Use ids such as "2024-01" or "region/north": no empty, "." or ".." parts, no leading dots.',
          },
        );
      }
    }
    return entries;
  }

  #fileOf(folder: string, id: string): string {
    return join(folder, ...id.split('/')) + this.#suffix;
  }

  async #partition(id: string, filepath: string): Promise<Dataset> {
    const factory = this.#registry.get(this.#partitionType, this.name);
    return factory(
      { ...this.#partitionOptions, filepath },
      {
        name: `${this.name}/${id}`,
        projectPath: this.settings.projectPath ?? process.cwd(),
        ...(this.settings.credentials === undefined ? {} : { credentials: this.settings.credentials }),
        ...(this.settings.location === undefined ? {} : { location: this.settings.location }),
      },
    );
  }
}

function readPartitionDataset(reader: OptionReader): {
  type: string;
  partitionOptions: Record<string, unknown>;
} {
  const config = reader.raw('dataset');
  if (config === undefined) {
    throw reader.error(
      'option "dataset" is required',
      'Name the partitions\' type, for example "dataset: csv" or "dataset: { type: csv, load_args: {...} }".',
    );
  }
  if (typeof config === 'string' && config !== '') return { type: config, partitionOptions: {} };
  if (!isPlainObject(config))
    throw reader.invalid('dataset', 'must be a type name or a mapping with a "type"', config);
  const { type, ...partitionOptions } = config;
  if (typeof type !== 'string' || type === '')
    throw reader.invalid('dataset.type', 'must be a dataset type name', type);
  for (const key of ['filepath', 'path', 'versioned']) {
    if (key in partitionOptions) {
      throw reader.error(
        `option "dataset.${key}" is not allowed: the partitioned dataset sets each partition's file`,
        key === 'versioned'
          ? 'Set "versioned: true" on the partitioned dataset itself.'
          : 'Set the folder with "path" on the partitioned dataset.',
      );
    }
  }
  return { type, partitionOptions };
}
