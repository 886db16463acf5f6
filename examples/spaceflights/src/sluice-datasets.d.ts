// Written by `sluice typegen` (and refreshed by `sluice run`) from conf/ (env local) and the
// catalog's schemas: the types of this project's datasets and parameters, by name. Don't edit it;
// edit the catalog, the schemas or parameters.yml and run `sluice typegen` again.
import type {} from 'sluice';

type SchemaOutput<S> = S extends { _zod: { output: infer T } }
  ? T
  : S extends { _output: infer T }
    ? T
    : unknown;
type LoadedBy<C> = C extends abstract new (...args: any) => { load(): infer V }
  ? Awaited<V>
  : C extends (...args: any) => infer D
    ? Awaited<D> extends { load(): infer V }
      ? Awaited<V>
      : unknown
    : unknown;

declare module 'sluice' {
  interface SluiceDatasets {
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
