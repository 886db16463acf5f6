/**
 * Wirings of the spaceflights nodes that must not compile, now that `sluice typegen` types every
 * dataset (src/sluice-datasets.d.ts). Nothing runs this file: `npm run typecheck` compiles it, and
 * each `@ts-expect-error` fails the check the day its line compiles. The first lines are the
 * pipelines' own wiring, which must compile.
 */
import { node } from 'sluice';
import {
  createModelInputTable,
  preprocessCompanies,
  preprocessShuttles,
} from '../src/pipelines/data_processing/nodes.ts';
import { evaluateModel, splitData, trainModel } from '../src/pipelines/data_science/nodes.ts';

const SPLIT = ['X_train', 'X_test', 'y_train', 'y_test'] as const;

node(preprocessCompanies, 'companies', 'preprocessed_companies');
node(
  createModelInputTable,
  ['preprocessed_shuttles', 'preprocessed_companies', 'reviews'],
  'model_input_table',
);
node(splitData, ['model_input_table', 'params:model_options'], SPLIT);
node(trainModel, ['X_train', 'y_train', 'params:model_options.features'], 'regressor');
node(evaluateModel, ['regressor', 'X_test', 'y_test'], 'metrics');

// @ts-expect-error shuttle rows are not company rows (no company_rating, no iata_approved)
node(preprocessCompanies, 'shuttles', 'preprocessed_companies');

// @ts-expect-error preprocessed shuttles don't fit the preprocessed companies' schema
node(preprocessShuttles, 'shuttles', 'preprocessed_companies');

// @ts-expect-error the raw companies, whose ratings are still "38%" strings, where shares are expected
node(createModelInputTable, ['preprocessed_shuttles', 'companies', 'reviews'], 'model_input_table');

const companiesFirst = ['preprocessed_companies', 'preprocessed_shuttles', 'reviews'] as const;
// @ts-expect-error companies and shuttles swapped
node(createModelInputTable, companiesFirst, 'model_input_table');

// @ts-expect-error the test size (a number) where the model options go
node(splitData, ['model_input_table', 'params:model_options.test_size'], SPLIT);

// @ts-expect-error outputs out of order: prices where the feature rows go
node(splitData, ['model_input_table', 'params:model_options'], ['y_train', 'X_test', 'X_train', 'y_test']);

// @ts-expect-error the prices where the feature rows go
node(trainModel, ['y_train', 'X_train', 'params:model_options.features'], 'regressor');

// @ts-expect-error a model (text, lists) is not a record of numbers for the metrics dataset
node(trainModel, ['X_train', 'y_train', 'params:model_options.features'], 'metrics');

// @ts-expect-error the metrics where the model goes
node(evaluateModel, ['metrics', 'X_test', 'y_test'], 'metrics');
