/**
 * Benchmark of the pipeline model: `npm run bench:pipeline` (or `npx tsx bench/pipeline.ts`).
 *
 * For three shapes (a chain, a wide fan-out/fan-in, a random layered DAG from a seeded RNG) at 1k,
 * 10k and 100k nodes, it times: making the nodes, constructing the pipeline (all validation,
 * including the cycle check), layering it, `fromNodes` and `toOutputs` on a middle node; then the
 * union of 100 small pipelines, and the cost of one `node.call()`. Each figure is the median of several runs after a warm-up. It
 * prints one line per figure and, last, one JSON line with all of them.
 */
import { Node, Pipeline } from '../src/pipeline/index.ts';

interface Shape {
  /** The nodes, and the name of a node and of a dataset in the middle of the graph. */
  build(size: number): { nodes: Node[]; middleNode: string; middleDataset: string };
}

const pass = (...values: unknown[]): unknown => values[0];

/** A chain: d0 -> n0 -> d1 -> n1 -> ... */
const chain: Shape = {
  build(size) {
    const nodes = Array.from(
      { length: size },
      (_, i) => new Node(pass, `d${i}`, `d${i + 1}`, { name: `n${i}` }),
    );
    const middle = Math.floor(size / 2);
    return { nodes, middleNode: `n${middle}`, middleDataset: `d${middle + 1}` };
  },
};

/** One source, `size - 2` independent nodes reading it, one sink reading all of them. */
const fanOutIn: Shape = {
  build(size) {
    const width = size - 2;
    const nodes = [new Node(pass, 'raw', 'source', { name: 'source' })];
    const mids: string[] = [];
    for (let i = 0; i < width; i++) {
      nodes.push(new Node(pass, 'source', `m${i}`, { name: `mid${i}` }));
      mids.push(`m${i}`);
    }
    nodes.push(new Node((...values: unknown[]) => values.length, mids, 'sink', { name: 'sink' }));
    const middle = Math.floor(width / 2);
    return { nodes, middleNode: `mid${middle}`, middleDataset: `m${middle}` };
  },
};

/**
 * A random DAG in layers of about sqrt(size) nodes; each node reads one to three outputs of the
 * previous few layers (or a free input), with a fixed seed so every run builds the same graph.
 */
const randomLayered: Shape = {
  build(size) {
    const random = mulberry32(20240611);
    const width = Math.max(1, Math.round(Math.sqrt(size)));
    const nodes: Node[] = [];
    const outputsByLayer: string[][] = [];
    for (let i = 0; i < size; i++) {
      const layer = Math.floor(i / width);
      const inputs = new Set<string>();
      const fanIn = 1 + Math.floor(random() * 3);
      for (let k = 0; k < fanIn; k++) {
        const from = layer - 1 - Math.floor(random() * 3);
        const candidates = from >= 0 ? outputsByLayer[from] : undefined;
        inputs.add(
          candidates?.length
            ? candidates[Math.floor(random() * candidates.length)]!
            : `raw${Math.floor(random() * 10)}`,
        );
      }
      const output = `d${i}`;
      (outputsByLayer[layer] ??= []).push(output);
      nodes.push(new Node(pass, [...inputs], output, { name: `n${i}`, tags: i % 7 === 0 ? ['seven'] : [] }));
    }
    const middle = Math.floor(size / 2);
    return { nodes, middleNode: `n${middle}`, middleDataset: `d${middle}` };
  },
};

const SHAPES: Record<string, Shape> = { chain, fanOutIn, randomLayered };
const SIZES = [1_000, 10_000, 100_000];

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time<T>(runs: number, prepare: () => T, measure: (input: T) => unknown): number {
  for (let i = 0; i < 2; i++) measure(prepare()); // warm-up: let the JIT settle first
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const input = prepare();
    const started = performance.now();
    measure(input);
    samples.push(performance.now() - started);
  }
  return Math.round(median(samples) * 100) / 100;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const results: Record<string, number> = {};
function record(key: string, ms: number): void {
  results[key] = ms;
  process.stdout.write(
    `${key.padEnd(52)} ${ms.toFixed(2).padStart(10)}${key.endsWith('(µs)') ? ' µs' : ' ms'}\n`,
  );
}

// Warm the whole process up once, so that the first figure doesn't carry the JIT's start-up.
for (let i = 0; i < 5; i++) {
  const warm = new Pipeline(randomLayered.build(5_000).nodes);
  void warm.fromNodes('n2500').layers;
  void warm.toOutputs('d2500').layers;
}

for (const [shapeName, shape] of Object.entries(SHAPES)) {
  for (const size of SIZES) {
    const runs = size >= 100_000 ? 5 : 9;
    const label = `${shapeName} ${size / 1000}k`;
    const { nodes, middleNode, middleDataset } = shape.build(size);
    record(
      `${label}: make nodes`,
      time(
        runs,
        () => undefined,
        () => shape.build(size),
      ),
    );
    record(
      `${label}: construct + validate`,
      time(
        runs,
        () => nodes,
        (list) => new Pipeline(list),
      ),
    );
    record(
      `${label}: layers`,
      time(
        runs,
        () => new Pipeline(nodes),
        (pipe) => pipe.layers,
      ),
    );
    record(
      `${label}: construct + validate + layers`,
      time(
        runs,
        () => nodes,
        (list) => new Pipeline(list).layers,
      ),
    );
    const built = new Pipeline(nodes);
    void built.layers;
    record(
      `${label}: fromNodes(middle)`,
      time(
        runs,
        () => built,
        (pipe) => pipe.fromNodes(middleNode).layers,
      ),
    );
    record(
      `${label}: toOutputs(middle)`,
      time(
        runs,
        () => built,
        (pipe) => pipe.toOutputs(middleDataset).layers,
      ),
    );
  }
}

const smallPipelines = Array.from(
  { length: 100 },
  (_, p) =>
    new Pipeline(
      Array.from(
        { length: 10 },
        (_, i) => new Node(pass, `p${p}_d${i}`, `p${p}_d${i + 1}`, { name: `p${p}_n${i}` }),
      ),
    ),
);
record(
  'union of 100 pipelines x 10 nodes (sum)',
  time(
    9,
    () => smallPipelines,
    (list) => Pipeline.sum(list).layers,
  ),
);
record(
  'union of 100 pipelines x 10 nodes (a.union(b) chain)',
  time(
    9,
    () => smallPipelines,
    (list) => list.reduce((total, next) => total.union(next)).layers,
  ),
);

// The runner's hot path: one call maps input values to arguments and the result to outputs.
const calls = 1_000_000;
const listNode = new Node((a: number, b: number) => [a + b, a - b], ['a', 'b'], ['sum', 'difference'], {
  name: 'arith',
});
const recordNode = new Node(
  ({ a, b }: { a: number; b: number }) => ({ s: a + b }),
  { a: 'x', b: 'y' },
  { s: 'z' },
  { name: 'rec' },
);
const listValues = { a: 1, b: 2 };
const recordValues = { x: 1, y: 2 };
const perCall = (ms: number): number => Math.round((ms * 1000 * 1000) / calls) / 1000;
record(
  'node.call(), list in/out, per call (µs)',
  perCall(
    time(
      5,
      () => listNode,
      (n) => {
        for (let i = 0; i < calls; i++) n.call(listValues);
      },
    ),
  ),
);
record(
  'node.call(), record in/out, per call (µs)',
  perCall(
    time(
      5,
      () => recordNode,
      (n) => {
        for (let i = 0; i < calls; i++) n.call(recordValues);
      },
    ),
  ),
);

process.stdout.write(
  `${JSON.stringify({ benchmark: 'pipeline', unit: 'ms', node: process.version, results })}\n`,
);
