/** (b) without a framework: the same node functions, the same libraries, called in order. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { readCsv, writeJson } from '../shared/floor-io.ts';
import { buildFeatures, evaluate, fitRidge, groupStats, kMeans, report } from './src/nodes.ts';
import type { Event, User } from './src/nodes.ts';

const parameters = parse(readFileSync('conf/base/parameters.yml', 'utf8'));
const numbers = {
  x1: 'number',
  x2: 'number',
  x3: 'number',
  x4: 'number',
  x5: 'number',
  x6: 'number',
  y: 'number',
  user_id: 'number',
} as const;
const users = readCsv('data/01_raw/users.csv', {
  user_id: 'number',
  age: 'number',
  tenure: 'number',
}) as unknown as User[];
const scores = [];
for (let i = 1; i <= 4; i++) {
  const events = readCsv(`data/01_raw/events_${i}.csv`, numbers) as unknown as Event[];
  const features = buildFeatures(events, users);
  const model = fitRidge(features, parameters.ridge);
  const clusters = kMeans(features, parameters.kmeans);
  const stats = groupStats(events);
  const score = evaluate(features, model, clusters, stats);
  writeJson(`data/08_reporting/scores_${i}.json`, score);
  scores.push(score);
}
writeJson('data/08_reporting/report.json', report(...scores));
