/**
 * Memory values crossing threads in one parallel run of each realistic pipeline, counted rather
 * than timed (so a loaded machine doesn't change them): `tsx bench/parallel-crossings.ts [dist]`
 * after `npm run bench:realistic` has prepared the projects under .bench-data/realistic/.
 * `dist` (default ./dist) may be an older build, to count what it copied: the count is taken at
 * the worker boundary (every value in a `run` message to a worker, every value in a `done` or
 * `values` message back), so it needs nothing from the runner. Bytes are the V8 serialization of
 * each value, which is what a structured clone writes. Also printed: whether the workers were
 * started while the catalog was built (`warm-up`), how many were ready when the run began, and
 * where each node ran (thread 0 is the main thread).
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = resolve(process.argv[2] ?? join(ROOT, 'dist'));
const PIPELINES = (process.env.BENCH_PIPELINES ?? 'io,cpu,spaceflights').split(',');
const { Session, ParallelRunner } = await import(pathToFileURL(join(DIST, 'index.js')).href);

const crossings = { toWorker: 0, toMain: 0, bytes: 0 };
const count = (values: Record<string, unknown> | undefined, direction: 'toWorker' | 'toMain') => {
  for (const value of Object.values(values ?? {})) {
    crossings[direction]++;
    crossings.bytes += serialize(value).byteLength;
  }
};
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (
  this: Worker,
  message: { type?: string; inputs?: Record<string, unknown> },
  ...rest: never[]
) {
  if (message?.type === 'run') count(message.inputs, 'toWorker');
  return post.call(this, message, ...rest);
} as typeof post;
const emit = Worker.prototype.emit;
Worker.prototype.emit = function (this: Worker, event: string | symbol, ...args: unknown[]) {
  const message = args[0] as {
    type?: string;
    outputs?: Record<string, unknown>;
    values?: Record<string, unknown>;
  };
  if (event === 'message' && message?.type === 'done') count(message.outputs, 'toMain');
  if (event === 'message' && message?.type === 'values') count(message.values, 'toMain');
  return emit.call(this, event, ...args);
} as typeof emit;

console.log(`parallel-runner crossings, ${DIST}`);
for (const name of PIPELINES) {
  crossings.toWorker = crossings.toMain = crossings.bytes = 0;
  const trace: { type: string; thread?: number; startedIn?: string; node?: string; reason?: string }[] = [];
  const session = await Session.create({
    projectPath: join(ROOT, '.bench-data', 'realistic', name),
    log: () => {},
  });
  await session.run({
    runner: new ParallelRunner({ onTrace: (event: (typeof trace)[number]) => trace.push(event) }),
  });
  const pool = trace.find((event) => event.type === 'pool');
  const readyBefore = pool === undefined ? 0 : trace.indexOf(pool);
  const threads = new Map<number, string[]>();
  for (const event of trace)
    if (event.type === 'node')
      threads.set(event.thread!, [...(threads.get(event.thread!) ?? []), `${event.node}(${event.reason})`]);
  console.log(
    `${name.padEnd(13)} values copied: ${crossings.toWorker} main→worker, ${crossings.toMain} worker→main, ${(crossings.bytes / 2 ** 20).toFixed(1)} MiB` +
      (pool === undefined
        ? '  (no trace: an older build)'
        : `; workers started in ${pool.startedIn}, ${readyBefore} of ${(pool as { workers?: number }).workers} ready when the run began`) +
      `  (load ${loadavg()[0]!.toFixed(2)})`,
  );
  for (const [thread, nodes] of [...threads].sort(([a], [b]) => a - b))
    console.log(`${''.padEnd(13)} thread ${thread}: ${nodes.join(' ')}`);
}
