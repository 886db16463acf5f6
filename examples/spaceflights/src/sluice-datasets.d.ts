// Written by `sluice typegen` (and refreshed by `sluice run`) from conf/ (env local) and the
// catalog's schemas: the types of this project's datasets and parameters, by name. Don't edit it;
// edit the catalog, the schemas or parameters.yml and run `sluice typegen` again.
import type { Metrics } from 'sluice';
import type * as schemas from './schemas.ts';
import type * as pipelines_data_science_nodes from './pipelines/data_science/nodes.ts';

type SchemaOutput<S> = S extends { _zod: { output: infer T } }
  ? T
  : S extends { _output: infer T }
    ? T
    : unknown;
type LoadedBy<C> = C extends abstract new (...args: never) => { load(): infer V }
  ? Awaited<V>
  : C extends (...args: never) => infer D
    ? Awaited<D> extends { load(): infer V }
      ? Awaited<V>
      : unknown
    : unknown;

declare module 'sluice' {
  interface SluiceDatasets {
    companies: SchemaOutput<typeof schemas.Company>[];
    reviews: SchemaOutput<typeof schemas.Review>[];
    shuttles: SchemaOutput<typeof schemas.Shuttle>[];
    preprocessed_companies: SchemaOutput<typeof schemas.PreprocessedCompany>[];
    preprocessed_shuttles: SchemaOutput<typeof schemas.PreprocessedShuttle>[];
    model_input_table: SchemaOutput<typeof schemas.ModelInputRow>[];
    regressor: SchemaOutput<typeof schemas.LinearModel>;
    metrics: Metrics;
    X_test: Awaited<ReturnType<typeof pipelines_data_science_nodes.splitData>>[1];
    X_train: Awaited<ReturnType<typeof pipelines_data_science_nodes.splitData>>[0];
    y_test: Awaited<ReturnType<typeof pipelines_data_science_nodes.splitData>>[3];
    y_train: Awaited<ReturnType<typeof pipelines_data_science_nodes.splitData>>[2];
    parameters: {
      model_options: {
        test_size: number;
        random_state: number;
        features: string[];
      };
    };
    'params:model_options': {
      test_size: number;
      random_state: number;
      features: string[];
    };
    'params:model_options.test_size': number;
    'params:model_options.random_state': number;
    'params:model_options.features': string[];
  }
}
