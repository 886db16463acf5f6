import type { DatasetTypeRegistry } from '../dataset-registry.ts';
import { ApiDataset } from './api.ts';
import type { ApiDatasetOptions } from './api.ts';
import { BinaryDataset } from './binary.ts';
import type { BinaryDatasetOptions } from './binary.ts';
import { CsvDataset } from './csv.ts';
import type { CsvDatasetOptions } from './csv.ts';
import { ExcelDataset } from './excel.ts';
import type { ExcelDatasetOptions } from './excel.ts';
import { JsonDataset } from './json.ts';
import type { JsonDatasetOptions } from './json.ts';
import { JsonLinesDataset } from './jsonl.ts';
import type { JsonLinesDatasetOptions } from './jsonl.ts';
import { PartitionedDataset } from './partitioned.ts';
import type { PartitionedDatasetOptions } from './partitioned.ts';
import { TextDataset } from './text.ts';
import type { TextDatasetOptions } from './text.ts';

/**
 * Registers the file-based dataset types (json, jsonl, text, binary/object, csv, excel,
 * partitioned) and api. The options arrive unchecked from YAML; every constructor checks them.
 * Partitioned datasets get the registry itself, so a partition can be of any registered type.
 */
export function registerFileDatasets(registry: DatasetTypeRegistry): void {
  registry
    .register(
      'json',
      (options, context) => new JsonDataset(context.name, options as unknown as JsonDatasetOptions, context),
    )
    .register(
      'jsonl',
      (options, context) =>
        new JsonLinesDataset(context.name, options as unknown as JsonLinesDatasetOptions, context),
    )
    .register(
      'text',
      (options, context) => new TextDataset(context.name, options as unknown as TextDatasetOptions, context),
    )
    .register(
      'binary',
      (options, context) =>
        new BinaryDataset(context.name, options as unknown as BinaryDatasetOptions, context),
    )
    .register(
      'object',
      (options, context) =>
        new BinaryDataset(context.name, options as unknown as BinaryDatasetOptions, context, 'object'),
    )
    .register(
      'csv',
      (options, context) => new CsvDataset(context.name, options as unknown as CsvDatasetOptions, context),
    )
    .register(
      'excel',
      (options, context) =>
        new ExcelDataset(context.name, options as unknown as ExcelDatasetOptions, context),
    )
    .register('partitioned', (options, context) =>
      PartitionedDataset.create(context.name, options as unknown as PartitionedDatasetOptions, {
        ...context,
        registry,
      }),
    )
    .register(
      'api',
      (options, context) => new ApiDataset(context.name, options as unknown as ApiDatasetOptions, context),
    );
}
