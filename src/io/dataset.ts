import { SluiceError } from '../errors.ts';
import type { MaybePromise } from '../maybe-promise.ts';

export type { MaybePromise } from '../maybe-promise.ts';

/**
 * What `describe()` returns: the dataset's type plus its public settings. It is shown in listings,
 * hook payloads relayed across processes and the DAG page, so it must never hold credentials.
 */
export interface DatasetDescription {
  type: string;
  [key: string]: unknown;
}

/**
 * The one interface every dataset implements. The catalog decides which dataset a name maps to;
 * nodes only ever see the loaded data.
 */
export interface Dataset<T = unknown> {
  /** Reads the data. Throws `DatasetError` naming the dataset when it can't. */
  load(): MaybePromise<T>;
  /**
   * Writes the data. File datasets write a temporary file and rename it, so a crash leaves the old
   * data whole. May return what the write learnt on the way (`SaveResult`: rows, bytes, the file
   * and version written), which `afterDatasetSaved` passes on as `saved`.
   */
  save(data: T): MaybePromise<void | SaveResult>;
  /** True when `load()` would find data. */
  exists(): MaybePromise<boolean>;
  /** Drops any cached data (memory datasets free their value). */
  release(): MaybePromise<void>;
  /** Public settings for humans and tools, never credentials. */
  describe(): DatasetDescription;
  /**
   * Optional: a short string that changes whenever the data changes, computed cheaply and without
   * loading the data (a content hash cached by size and modification time, a version, a table's
   * change counter). Undefined means "unknown", which a skip plugin such as `incremental` takes
   * as changed; so does a dataset without this method. Equal fingerprints must mean equal data.
   */
  fingerprint?(): MaybePromise<string | undefined>;
  /**
   * True when the data lives only in this process (memory datasets). Runners use it to ship data
   * between processes and to find where a failed run can resume from.
   */
  readonly ephemeral?: boolean;
  /**
   * False when two loads in one run may differ, or when what `load()` returns is not a value to
   * hand to several nodes: a live query, an HTTP API, a stream, lazy partition loaders. Such a
   * dataset is read once per consumer even when several nodes of a run read it. Undefined or true:
   * a run loads it once and hands every consumer the same deep-frozen value, when that value is
   * plain data (docs/catalog.md, "Shared loads").
   */
  readonly shareLoads?: boolean;
}

/**
 * What a save learnt while writing, for trackers (`afterDatasetSaved`'s `saved`). Every field is
 * optional: a dataset reports what it knows without a second pass over the data.
 */
export interface SaveResult {
  /** Records written (rows of a table, items of an array). */
  readonly rows?: number | undefined;
  /** Columns of a table, or keys of the first record. */
  readonly columns?: number | undefined;
  /** Bytes written to storage. */
  readonly bytes?: number | undefined;
  /** The file written: a version's own file when the dataset is versioned. */
  readonly path?: string | undefined;
  /** The version saved, for versioned datasets. */
  readonly version?: string | undefined;
  /** Column names and types, where the writer knows them cheaply. */
  readonly schema?: readonly { readonly name: string; readonly type: string }[] | undefined;
  /** Numbers the dataset asks trackers to log as metrics of the run (the `metrics` dataset type). */
  readonly metrics?: Readonly<Record<string, number>> | undefined;
}

export type { ConfigLocation } from '../config-location.ts';

/** A dataset failed to load, save or be built. The message names the dataset and says what to do. */
export class DatasetError extends SluiceError {
  readonly datasetName: string | undefined;

  constructor(message: string, options?: { datasetName?: string; cause?: unknown; hint?: string }) {
    super(message, options);
    this.datasetName = options?.datasetName;
  }
}
