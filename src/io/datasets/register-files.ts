import type { DatasetTypeRegistry } from '../dataset-registry.ts';
import { checkedOptionsClass, checkedOptionsFactory } from './dataset-options.ts';
import { ApiDataset } from './api.ts';
import { BinaryDataset } from './binary.ts';
import type { BinaryDatasetOptions } from './binary.ts';
import { CsvDataset } from './csv.ts';
import { ExcelDataset } from './excel.ts';
import { JsonDataset } from './json.ts';
import { JsonLinesDataset } from './jsonl.ts';
import { MetricsDataset } from './metrics.ts';
import { PartitionedDataset } from './partitioned.ts';
import type { PartitionedDatasetOptions } from './partitioned.ts';
import { TextDataset } from './text.ts';

/**
 * Registers the file-based dataset types (json, jsonl, text, metrics, binary/object, csv, excel,
 * partitioned) and api. The options arrive unchecked from YAML; every constructor checks them
 * with an OptionReader (see `checkedOptionsFactory`).
 * Partitioned datasets get the registry itself, so a partition can be of any registered type.
 */
export function registerFileDatasets(registry: DatasetTypeRegistry): void {
  registry
    .register('json', checkedOptionsClass(JsonDataset))
    .register('jsonl', checkedOptionsClass(JsonLinesDataset))
    .register('text', checkedOptionsClass(TextDataset))
    .register('metrics', checkedOptionsClass(MetricsDataset))
    .register('binary', checkedOptionsClass(BinaryDataset))
    .register(
      'object',
      checkedOptionsFactory(
        (name, options: BinaryDatasetOptions, context) => new BinaryDataset(name, options, context, 'object'),
      ),
    )
    .register('csv', checkedOptionsClass(CsvDataset))
    .register('excel', checkedOptionsClass(ExcelDataset))
    .register(
      'partitioned',
      checkedOptionsFactory((name, options: PartitionedDatasetOptions, context) =>
        PartitionedDataset.create(name, options, { ...context, registry }),
      ),
    )
    .register('api', checkedOptionsClass(ApiDataset));
}
