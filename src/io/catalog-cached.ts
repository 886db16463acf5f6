import type { CatalogEntry } from './catalog-config.ts';
import type { CatalogErrorDetails } from './catalog-errors.ts';
import { CatalogError } from './catalog-errors.ts';
import type { ConfigLocation, Dataset } from './dataset.ts';

/**
 * `cached: true` in a catalog entry (docs/catalog.md, "Cached datasets"): the value a node saved is
 * handed, deep-frozen, to the nodes that read it later in the same thread, instead of each reading
 * the file back. Kedro's `CachedDataset` wrapper does this job; here it is a setting, so that it
 * works with every type, versioning and location rewrites alike.
 *
 * These checks run before the dataset is built: the setting must be a boolean, and it can't be
 * combined with `load_args` (which shape what a load returns, and the readers get the saved value
 * instead) nor with `share_loads: false` (which asks for every reader's own copy).
 */
export function checkCached(
  entry: CatalogEntry,
  details: CatalogErrorDetails,
  locate: (setting: string) => ConfigLocation | undefined,
): void {
  if (entry.cached === undefined) return;
  if (typeof entry.cached !== 'boolean') {
    throw new CatalogError(`cached must be true or false, got ${JSON.stringify(entry.cached)}.`, {
      ...details,
      location: locate('cached'),
      hint: 'Write `cached: true` to hand the saved value to the next nodes instead of reading the file back; leave it out to read the file.',
    });
  }
  if (entry.cached && entry.options.load_args !== undefined) {
    throw new CatalogError(
      "cached: true hands readers the value that was saved, so this entry's load_args would not apply to it.",
      {
        ...details,
        location: locate('cached'),
        hint: 'load_args shape what a load returns (column types, a column selection, an Arrow table); keep them and remove `cached: true`, or remove them and have the node that saves the data give it the shape its readers need.',
      },
    );
  }
  if (entry.cached && entry.shareLoads === false) {
    throw new CatalogError('cached: true and share_loads: false ask for opposite things.', {
      ...details,
      location: locate('cached'),
      hint: '`cached: true` hands every later reader the one frozen value that was saved; `share_loads: false` gives every reader its own copy read from the file. Keep one of them.',
    });
  }
}

/**
 * After the dataset is built: `cached: true` needs a dataset whose value can be kept and handed
 * over, which a memory dataset does already and a live source (`shareLoads = false`: a query, an
 * API, lazy partitions) must not.
 */
export function checkCachedDataset(
  dataset: Dataset,
  details: CatalogErrorDetails,
  location: ConfigLocation | undefined,
): void {
  if (dataset.ephemeral === true) {
    throw new CatalogError('cached: true is for datasets stored outside the run, not memory datasets.', {
      ...details,
      location: location ?? details.location,
      hint: 'A memory dataset hands its readers the saved value already: remove `cached: true`.',
    });
  }
  if (dataset.shareLoads === false) {
    throw new CatalogError(
      `cached: true can't apply to a ${details.datasetType ?? 'dataset'} dataset: what its readers get may differ from what was saved (a live query, a request, lazy partitions).`,
      {
        ...details,
        location: location ?? details.location,
        hint: 'Remove `cached: true`; its readers load it themselves.',
      },
    );
  }
}
