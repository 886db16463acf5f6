import { node, Pipeline } from 'sluice';
import { evaluateModel, splitData, trainModel } from './nodes.ts';

export default new Pipeline([
  node(splitData, ['model_input_table', 'params:model_options'], ['X_train', 'X_test', 'y_train', 'y_test'], {
    name: 'split_data',
  }),
  node(trainModel, ['X_train', 'y_train', 'params:model_options.features'], 'regressor', {
    name: 'train_model',
  }),
  node(evaluateModel, ['regressor', 'X_test', 'y_test'], 'metrics', { name: 'evaluate_model' }),
]);
