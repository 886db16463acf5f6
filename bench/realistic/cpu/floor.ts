/**
 * (b) without a framework: the same node functions, the same libraries, called in order.
 *
 * With FLOOR_THREADS=2, the same work split by hand over two threads, as a careful user would on
 * 2 cores: branches 1-2 in the main thread, 3-4 in one worker thread (started first), then the
 * report. What that gains over one thread is this workload's own ceiling for a parallel runner on
 * this machine (memory-heavy work gains less from a second core than a bare loop does).
 */
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parse } from 'yaml';
import { readCsv, writeJson } from '../shared/floor-io.ts';
import { buildFeatures, evaluate, fitRidge, groupStats, kMeans, report } from './src/nodes.ts';
import type { Event, User } from './src/nodes.ts';

type Score = ReturnType<typeof evaluate>;

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

/** Branches `from`..`to`: each reads its events, fits, clusters, scores, and writes its scores. */
function branches(from: number, to: number): Score[] {
  const parameters = parse(readFileSync('conf/base/parameters.yml', 'utf8'));
  const users = readCsv('data/01_raw/users.csv', {
    user_id: 'number',
    age: 'number',
    tenure: 'number',
  }) as unknown as User[];
  const scores: Score[] = [];
  for (let i = from; i <= to; i++) {
    const events = readCsv(`data/01_raw/events_${i}.csv`, numbers) as unknown as Event[];
    const features = buildFeatures(events, users);
    const model = fitRidge(features, parameters.ridge);
    const clusters = kMeans(features, parameters.kmeans);
    const stats = groupStats(events);
    const score = evaluate(features, model, clusters, stats);
    writeJson(`data/08_reporting/scores_${i}.json`, score);
    scores.push(score);
  }
  return scores;
}

if (!isMainThread) {
  const { from, to } = workerData as { from: number; to: number };
  parentPort!.postMessage(branches(from, to));
} else if (process.env['FLOOR_THREADS'] === '2') {
  const worker = new Worker(new URL(import.meta.url), { workerData: { from: 3, to: 4 } });
  const theirs = new Promise<Score[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const ours = branches(1, 2);
  writeJson('data/08_reporting/report.json', report(...ours, ...(await theirs)));
  await worker.terminate();
} else {
  writeJson('data/08_reporting/report.json', report(...branches(1, 4)));
}
