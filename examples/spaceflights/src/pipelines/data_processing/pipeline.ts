import { node, Pipeline } from 'sluice';
import { createModelInputTable, preprocessCompanies, preprocessShuttles } from './nodes.ts';

export default new Pipeline([
  node(preprocessCompanies, 'companies', 'preprocessed_companies', { name: 'preprocess_companies' }),
  node(preprocessShuttles, 'shuttles', 'preprocessed_shuttles', { name: 'preprocess_shuttles' }),
  node(
    createModelInputTable,
    ['preprocessed_shuttles', 'preprocessed_companies', 'reviews'],
    'model_input_table',
    { name: 'create_model_input_table' },
  ),
]);
