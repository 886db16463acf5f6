import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { ConfigLocation, Dataset, DatasetDescription, SaveResult } from '../dataset.ts';
import { dataShape } from '../data-shape.ts';
import type { DataShape } from '../data-shape.ts';
import { DatasetError } from '../dataset.ts';
import { writeAtomically } from '../atomic-write.ts';
import { contentFingerprint } from '../content-fingerprint.ts';
import { removeOrphanedTemporaries } from '../orphaned-temporaries.ts';
import {
  listVersions,
  removeAbandonedVersions,
  resolveLoadPath,
  resolveSavePath,
  saveVersionAside,
  versionedPath,
} from '../versioning.ts';
import type { OptionReader, OptionsOwner } from './dataset-options.ts';
import { datasetSubject } from './dataset-options.ts';
import { formatLocation } from '../../config-location.ts';
import { resolveProjectPath } from './project-path.ts';
import { MissingPackageError } from '../../optional-package.ts';

/**
 * What a dataset gets besides its own options. A `DatasetFactoryContext` fits as is, so a factory
 * passes its context straight through.
 */
export interface DatasetSettings {
  /** Relative file paths resolve against it. Defaults to the current directory. */
  projectPath?: string;
  /** Where the YAML declared the dataset, for error messages. */
  location?: ConfigLocation;
  /** The version a `versioned: true` dataset saves under (the run's); a fresh timestamp when absent. */
  saveVersion?: string;
  /** The version a `versioned: true` dataset loads; the latest saved one when absent. */
  loadVersion?: string;
  /** Resolved credentials. File datasets ignore them; remote ones (api) use them. */
  credentials?: Record<string, unknown>;
}

/** The options every file dataset takes, spelt as in the YAML (and as in Kedro). */
export interface FileDatasetOptions {
  /** The file, relative to the project root or absolute. */
  filepath: string;
  /** Keep every save under `<filepath>/<version>/<file name>` instead of overwriting. */
  versioned?: boolean;
  /** Free-form notes for tools (shown by `describe()`); never put secrets here. */
  metadata?: Record<string, unknown>;
  /** Allow a relative `filepath` that leads outside the project (`../shared/x.csv`). Default false. */
  outside_project?: boolean;
}

/** The common options, read and checked. */
export interface CommonFileOptions {
  filepath: string;
  versioned: boolean;
  metadata: Record<string, unknown> | undefined;
}

/**
 * Reads the options every file dataset shares. `credentials` is accepted and ignored: Kedro
 * catalogs name credentials on local files too (for fsspec), and porting one must not fail on it.
 */
export function readCommonFileOptions(
  reader: OptionReader,
  settings: DatasetSettings,
  pathKey = 'filepath',
  example = 'data/01_raw/example.csv',
): CommonFileOptions {
  const filepath = reader.requiredString(pathKey, example);
  const versioned = reader.boolean('versioned') ?? false;
  const metadata = reader.mapping('metadata');
  reader.raw('credentials');
  return { filepath: resolveProjectPath(reader, settings, pathKey, filepath), versioned, metadata };
}

/**
 * The machinery shared by datasets stored in one file: path resolution, versions, atomic saves,
 * and errors that name the dataset, its type and the file. A subclass only says how to read and
 * write its format.
 *
 * @typeParam T - what `load()` returns.
 * @typeParam S - what `save()` accepts: T or wider (any iterable for JSON Lines, data or functions for partitions).
 */
export abstract class FileDataset<T extends S, S = T> implements Dataset<T> {
  readonly name: string;
  readonly type: string;
  /** The absolute path (for versioned datasets, the folder holding the versions). */
  readonly filepath: string;
  readonly versioned: boolean;
  protected readonly settings: DatasetSettings;
  readonly #metadata: Record<string, unknown> | undefined;

  protected constructor(type: string, name: string, common: CommonFileOptions, settings: DatasetSettings) {
    this.type = type;
    this.name = name;
    this.filepath = common.filepath;
    this.versioned = common.versioned;
    this.#metadata = common.metadata;
    this.settings = settings;
  }

  /** Reads the file at `path` (the resolved one: a version's file when versioned). */
  protected abstract read(path: string): Promise<T>;

  /**
   * Writes `data` to `path`, a temporary file that is renamed over the real one afterwards. Returns
   * the rows and columns written when the format counts them anyway (streamed input, say);
   * otherwise `save()` takes them from the data's own shape (an array's length, an Arrow table's counts).
   */
  protected abstract write(path: string, data: S): Promise<void | DataShape>;

  /** The format's own public settings, shown by `describe()`. */
  protected abstract publicArgs(): Record<string, unknown>;

  /** A hint for a failure of the underlying library, when the format knows a likely cause. */
  protected failureHint(_operation: 'load' | 'save', _error: unknown): string | undefined {
    return undefined;
  }

  async load(): Promise<T> {
    await this.removeLeftovers();
    const path = await this.loadPath();
    try {
      return await this.read(path);
    } catch (error) {
      throw this.failure('load', path, error);
    }
  }

  /**
   * Writes aside and renames into place: the file through a temporary file beside it, a version
   * as a whole temporary folder. First removes what saves killed midway left behind (temporaries
   * whose writer is provably dead), once per folder and process.
   */
  async save(data: S): Promise<SaveResult> {
    let written: void | DataShape = undefined;
    if (this.versioned) {
      let path: string;
      try {
        path = await saveVersionAside(
          this.name,
          this.filepath,
          { saveVersion: this.settings.saveVersion },
          async (file) => {
            written = await this.write(file, data);
          },
        );
      } catch (error) {
        throw this.failure('save', this.filepath, error);
      }
      return saveResult(path, basename(dirname(path)), written ?? dataShape(data));
    }
    const path = this.filepath;
    try {
      await this.removeLeftovers();
      await writeAtomically(path, async (temporary) => {
        written = await this.write(temporary, data);
      });
    } catch (error) {
      throw this.failure('save', path, error);
    }
    return saveResult(path, undefined, written ?? dataShape(data));
  }

  async exists(): Promise<boolean> {
    if (!this.versioned) return isFile(this.filepath);
    if (this.settings.loadVersion !== undefined)
      return isFile(versionedPath(this.filepath, this.settings.loadVersion));
    return (await listVersions(this.filepath)).length > 0;
  }

  release(): void {}

  /**
   * What the data is, without reading it as data: for versioned data the version a load would
   * read (versions are never overwritten), else the SHA-256 of the file (or of a folder's files),
   * kept under `.sluice/fingerprints/` so that a rerun only stats the file. Undefined when there
   * is nothing to read.
   */
  async fingerprint(): Promise<string | undefined> {
    if (!this.versioned) return contentFingerprint(this.filepath, this.settings.projectPath);
    try {
      return `version:${basename(dirname(await this.loadPath()))}`;
    } catch {
      return undefined;
    }
  }

  describe(): DatasetDescription {
    return {
      type: this.type,
      filepath: this.filepath,
      versioned: this.versioned,
      ...this.publicArgs(),
      ...(this.#metadata === undefined ? {} : { metadata: this.#metadata }),
    };
  }

  /**
   * Removes what saves killed midway left (temporaries whose writer is provably dead), once per
   * folder and process. Versioned saves do it themselves.
   */
  protected async removeLeftovers(): Promise<void> {
    if (this.versioned) await removeAbandonedVersions(this.filepath).catch(() => {});
    else await removeOrphanedTemporaries(dirname(this.filepath));
  }

  /** The file a load reads: `filepath`, or the requested or latest version of it. */
  protected loadPath(): Promise<string> {
    if (!this.versioned) return Promise.resolve(this.filepath);
    return resolveLoadPath(this.name, this.filepath, { loadVersion: this.settings.loadVersion });
  }

  /** The file a save writes: `filepath`, or a new version of it (an existing version is an error). */
  protected savePath(): Promise<string> {
    if (!this.versioned) return Promise.resolve(this.filepath);
    return resolveSavePath(this.name, this.filepath, { saveVersion: this.settings.saveVersion });
  }

  protected get owner(): OptionsOwner {
    return { name: this.name, type: this.type, location: this.settings.location };
  }

  /** Turns any error met while reading or writing `path` into a `DatasetError` that says what failed where. */
  protected failure(
    operation: 'load' | 'save',
    path: string,
    error: unknown,
  ): DatasetError | MissingPackageError {
    // A missing optional package already names the dataset and the fix.
    if (error instanceof DatasetError || error instanceof MissingPackageError) return error;
    const subject = datasetSubject(this.owner);
    const declared = formatLocation(this.settings.location);
    const checkPath = `Check "filepath"${declared === '' ? '' : ` in ${declared}`}`;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const wrap = (message: string, hint?: string) =>
      new DatasetError(message, {
        datasetName: this.name,
        cause: error,
        ...(hint === undefined ? {} : { hint }),
      });
    if (operation === 'load' && code === 'ENOENT') {
      return wrap(
        `${subject}: file not found: ${path}.`,
        `${checkPath}, or run the node that produces it first.`,
      );
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return wrap(
        `${subject} cannot ${operation} ${path}: permission denied.`,
        'Check the file and folder permissions.',
      );
    }
    if (code === 'EISDIR') {
      return wrap(`${subject} cannot ${operation} ${path}: it is a folder, not a file.`, `${checkPath}.`);
    }
    const reason = error instanceof Error ? error.message : String(error);
    return wrap(`${subject} could not ${operation} ${path}: ${reason}`, this.failureHint(operation, error));
  }
}

/** What a save reports: the file, its size (one `stat`, no read) and the data's shape. */
async function saveResult(
  path: string,
  version: string | undefined,
  shape: DataShape | undefined,
): Promise<SaveResult> {
  const bytes = await stat(path).then(
    (info) => (info.isFile() ? info.size : undefined),
    () => undefined,
  );
  return {
    path,
    ...(version === undefined ? {} : { version }),
    ...(bytes === undefined ? {} : { bytes }),
    ...shape,
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
