/**
 * `npm run bench:validation`: checking 100k rows of a 10-column record against a Zod schema, the
 * validation plugin's row check (`checkRows`, what runs on load and before save) against Zod's own
 * `safeParse` loop. Target: within 1.2x. Prints the median of several rounds and the load average.
 * Then what the plugin, registered for every project, costs a run whose datasets have no schema:
 * a 10k-node chain of memory datasets with and without it (microseconds per node, best of 5).
 */
import { availableParallelism, loadavg } from 'node:os';
import { z } from 'zod';
import {
  createHookManager,
  DataCatalog,
  defaultRunParams,
  node,
  Pipeline,
  runPipeline,
  SequentialRunner,
  validationPlugin,
} from '../src/index.ts';
import { checkRows } from '../src/plugins/validation/check-schema.ts';
import { tableRows } from '../src/plugins/validation/table-rows.ts';

const ROWS = 100_000;
const ROUNDS = 11;

const Row = z.object({
  id: z.number().int(),
  name: z.string(),
  price: z.number().min(0),
  rating: z.number().min(0).max(5).nullable(),
  active: z.boolean(),
  category: z.enum(['a', 'b', 'c']),
  code: z.string().regex(/^[A-Z]{2}-\d+$/),
  quantity: z.number().int().min(0),
  discount: z.number().nullable(),
  city: z.string(),
});

const rows = Array.from({ length: ROWS }, (_, i) => ({
  id: i,
  name: `item ${i}`,
  price: i * 1.5,
  rating: i % 7 === 0 ? null : (i % 5) + 0.5,
  active: i % 2 === 0,
  category: (['a', 'b', 'c'] as const)[i % 3],
  code: `AB-${i}`,
  quantity: i % 100,
  discount: i % 3 === 0 ? null : 0.1,
  city: `city ${i % 50}`,
}));

function zodLoop(): number {
  let failures = 0;
  for (let i = 0; i < rows.length; i++) if (!Row.safeParse(rows[i]).success) failures++;
  return failures;
}

function plugin(): number {
  return checkRows(Row, tableRows(rows), undefined).failedRows;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** CPU time of this process (user + system), in ms: less skewed than wall time by other processes. */
function time(run: () => number): { wall: number; cpu: number } {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  if (run() !== 0) throw new Error('the benchmark rows must all pass');
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpuStart);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

// Warm both paths, then alternate them so that load changes hit both alike.
zodLoop();
plugin();
const zodTimes: { wall: number; cpu: number }[] = [];
const pluginTimes: { wall: number; cpu: number }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  zodTimes.push(time(zodLoop));
  pluginTimes.push(time(plugin));
}
const [one, five] = loadavg();
console.log(
  `validation of ${ROWS.toLocaleString('en')} rows x 10 columns (median of ${ROUNDS} alternating rounds)`,
);
console.log('                       wall ms   cpu ms   rows/s (cpu)');
for (const [label, times] of [
  ['zod safeParse loop', zodTimes],
  ['validation plugin', pluginTimes],
] as const) {
  const cpu = median(times.map((t) => t.cpu));
  console.log(
    `  ${label.padEnd(20)} ${median(times.map((t) => t.wall))
      .toFixed(1)
      .padStart(7)}  ${cpu.toFixed(1).padStart(7)}  ${((ROWS / cpu) * 1000).toFixed(0).padStart(9)}`,
  );
}
const ratio = (pick: 'wall' | 'cpu') =>
  (median(pluginTimes.map((t) => t[pick])) / median(zodTimes.map((t) => t[pick]))).toFixed(3);
console.log(`  ratio                ${ratio('wall')}x wall, ${ratio('cpu')}x cpu (target <= 1.2x)`);
console.log(
  `  load average         ${one!.toFixed(2)} (1 min), ${five!.toFixed(2)} (5 min) on ${availableParallelism()} cores`,
);

function chain(length: number): Pipeline {
  const nodes = [];
  for (let i = 0; i < length; i++)
    nodes.push(node((value: number) => value + 1, `d${i}`, `d${i + 1}`, { name: `n${i}` }));
  return new Pipeline(nodes);
}

async function perNode(withPlugin: boolean, pipeline: Pipeline): Promise<number> {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const hooks = createHookManager();
    if (withPlugin) hooks.register(validationPlugin({ log: () => {} }));
    const catalog = new DataCatalog().feed({ d0: 0 });
    const started = performance.now();
    await runPipeline({
      pipeline,
      catalog,
      hooks,
      runner: new SequentialRunner(),
      runParams: defaultRunParams({ runId: 'bench', runner: 'sequential' }),
      options: {},
    });
    best = Math.min(best, performance.now() - started);
  }
  return (best * 1000) / pipeline.nodes.length;
}

const NODES = 10_000;
const pipeline = chain(NODES);
await perNode(true, pipeline);
const bare = await perNode(false, pipeline);
const plugged = await perNode(true, pipeline);
console.log(
  `\nrun overhead of the plugin on datasets without a schema (${NODES.toLocaleString('en')}-node chain, memory datasets, best of 5)`,
);
console.log(`  no plugin            ${bare.toFixed(2)} µs/node`);
console.log(`  validation plugin    ${plugged.toFixed(2)} µs/node (+${(plugged - bare).toFixed(2)})`);
console.log(`  load average         ${loadavg()[0]!.toFixed(2)} (1 min)`);
