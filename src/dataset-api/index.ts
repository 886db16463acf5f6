/**
 * `sluice/dataset`: the dataset author's tier. What the built-in file datasets are made of, for
 * a custom dataset type to behave the same way: the `Dataset` interface, the option reader that
 * names the catalog entry in its errors, the file base class, atomic writes and versioned paths.
 */

// The contract: what the catalog calls, and how a dataset type is registered.
export type { Dataset, DatasetDescription, ConfigLocation, SaveResult } from '../io/dataset.ts';
export { dataShape } from '../io/data-shape.ts';
export type { DataShape } from '../io/data-shape.ts';
export { DatasetError } from '../io/dataset.ts';
export type { MaybePromise } from '../maybe-promise.ts';
export type { DatasetFactory, DatasetFactoryContext } from '../io/dataset-registry.ts';

// Options from catalog.yml, checked with the entry's file and line in every error.
export { OptionReader } from '../io/datasets/dataset-options.ts';
export type { OptionsOwner } from '../io/datasets/dataset-options.ts';

// Files: the base class of the file datasets, with its common options (path, versions, save mode).
export { FileDataset, readCommonFileOptions } from '../io/datasets/file-dataset.ts';
export type { DatasetSettings, FileDatasetOptions, CommonFileOptions } from '../io/datasets/file-dataset.ts';

// Writing: a file appears whole or not at all, even when the process dies mid-write.
export { writeAtomically, writeFileAtomically } from '../io/atomic-write.ts';

// Versioning: Kedro's timestamped folders (`<path>/<version>/<file>`).
export type { VersionSettings } from '../io/versioning.ts';
export {
  timestampVersion,
  listVersions,
  resolveLoadPath,
  resolveSavePath,
  versionedPath,
} from '../io/versioning.ts';
