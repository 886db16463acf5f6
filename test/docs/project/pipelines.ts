/** The reader's pipelines and nodes, as the docs' later examples refer to them. */
import { node, Pipeline } from 'sluice';
import { evaluateModel, splitData, trainModel } from './nodes.ts';

export const split = node(
  splitData,
  ['model_input_table', 'params:model_options'],
  ['X_train', 'X_test', 'y_train', 'y_test'],
);
export const fit = node(trainModel, ['X_train', 'y_train'], 'regressor');
export const evaluate = node(evaluateModel, ['regressor', 'X_test', 'y_test'], 'metrics');
export const pipelines: Record<string, Pipeline> = { training: new Pipeline([split, fit, evaluate]) };
