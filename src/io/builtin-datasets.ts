import { DatasetTypeRegistry } from './dataset-registry.ts';
import { memoryDatasetFromConfig } from './catalog-memory.ts';
import { registerDatabaseDatasets } from './datasets/register-databases.ts';
import { registerFileDatasets } from './datasets/register-files.ts';

/** A registry holding every dataset type Sluice ships. Heavy libraries load only when a type is used. */
export function createDatasetTypeRegistry(): DatasetTypeRegistry {
  const registry = new DatasetTypeRegistry();
  registry.register('memory', memoryDatasetFromConfig);
  registerFileDatasets(registry);
  registerDatabaseDatasets(registry);
  return registry;
}
