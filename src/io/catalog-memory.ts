import { didYouMean } from '../suggest.ts';
import { CatalogError } from './catalog-errors.ts';
import type { DatasetFactory } from './dataset-registry.ts';
import type { CopyMode } from './datasets/memory.ts';
import { MemoryDataset } from './datasets/memory.ts';

const COPY_MODES: readonly CopyMode[] = ['freeze', 'deepcopy', 'assign', 'auto'];
/** Settings a `type: memory` entry may have; `metadata` is free-form, as in Kedro. */
const MEMORY_OPTIONS = ['copy_mode', 'metadata'];

/**
 * `type: memory` in the catalog: a `MemoryDataset` with the YAML `copy_mode` (Kedro's spelling)
 * as its `copyMode`. Unknown settings and copy modes are errors with a suggestion, since a typo
 * would otherwise silently change how data is shared between nodes.
 */
export const memoryDatasetFromConfig: DatasetFactory = (options, context) => {
  const details = { datasetName: context.name, datasetType: 'memory', location: context.location };
  for (const key of Object.keys(options)) {
    if (!MEMORY_OPTIONS.includes(key)) {
      throw new CatalogError(
        `"${key}" is not a setting of memory datasets.${didYouMean(key, MEMORY_OPTIONS)}`,
        {
          ...details,
          hint: `Memory datasets take: ${MEMORY_OPTIONS.join(', ')}.`,
        },
      );
    }
  }
  const copyMode = options.copy_mode;
  if (copyMode === undefined || copyMode === null) return new MemoryDataset(context.name);
  if (typeof copyMode !== 'string' || !(COPY_MODES as readonly string[]).includes(copyMode)) {
    const suggestion = typeof copyMode === 'string' ? didYouMean(copyMode, COPY_MODES) : '';
    throw new CatalogError(
      `copy_mode must be one of ${COPY_MODES.join(', ')}, not ${typeof copyMode === 'string' ? `"${copyMode}"` : `a ${typeof copyMode}`}.${suggestion}`,
      {
        ...details,
        hint: 'freeze (the default) shares one frozen value; deepcopy gives every node its own copy, for nodes that change their input; assign passes the same object unprotected; auto copies plain data and passes class instances.',
      },
    );
  }
  return new MemoryDataset(context.name, { copyMode: copyMode as CopyMode });
};
