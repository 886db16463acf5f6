import { node, Pipeline } from 'sluice';
import { buildFeatures, evaluate, fitRidge, groupStats, kMeans, report } from './nodes.ts';

export const BRANCHES = 4;

const branch = (i: number) => [
  node(buildFeatures, [`events_${i}`, 'users'], `features_${i}`, { name: `features_${i}` }),
  node(fitRidge, [`features_${i}`, 'params:ridge'], `model_${i}`, { name: `fit_ridge_${i}` }),
  node(kMeans, [`features_${i}`, 'params:kmeans'], `clusters_${i}`, { name: `k_means_${i}` }),
  node(groupStats, `events_${i}`, `group_stats_${i}`, { name: `group_stats_${i}` }),
  node(evaluate, [`features_${i}`, `model_${i}`, `clusters_${i}`, `group_stats_${i}`], `scores_${i}`, {
    name: `evaluate_${i}`,
  }),
];

export default new Pipeline([
  ...Array.from({ length: BRANCHES }, (_, i) => branch(i + 1)).flat(),
  node(
    report,
    Array.from({ length: BRANCHES }, (_, i) => `scores_${i + 1}`),
    'report',
    { name: 'report' },
  ),
]);
