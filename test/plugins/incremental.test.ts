/**
 * The incremental plugin's decisions, on real JSON files in a temporary project: a node is
 * skipped when its code, input fingerprints, parameters and outputs match its last successful
 * run; in-memory outputs are served from stored values. Each decision names its reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { ProjectContext, SluicePlugin } from '../../src/index.ts';
import { createHookManager, DataCatalog, node, Pipeline } from '../../src/index.ts';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import type { IncrementalDecision } from '../../src/plugins/incremental/index.ts';
import { INCREMENTAL_DECISION_TOPIC, incrementalPlugin } from '../../src/plugins/incremental/index.ts';
import { runWith } from '../runner/helpers.ts';

const PARAMS = { scale: 2, split: { test_size: 0.5 }, fit: { rate: 1 } };

/** The nodes that ran in the current run, in order. */
let calls: string[] = [];

type Fit = (train: number[], rate: number) => { weight: number };
const fitByLength: Fit = (train, rate) => {
  calls.push('fit');
  return { weight: train.length * rate };
};
/** Other code, same result. */
const fitByLengthReordered: Fit = (train, rate) => {
  calls.push('fit');
  return { weight: rate * train.length };
};
/** Other code, another result. */
const fitTimesHundred: Fit = (train) => {
  calls.push('fit');
  return { weight: train.length * 100 };
};

/** clean: raw, params:scale → cleaned (file); split → train, test (memory); fit → model (file); score → score (file). */
function pipeline(fit: Fit = fitByLength) {
  return new Pipeline([
    node(
      (raw: number[], scale: number) => {
        calls.push('clean');
        return raw.map((x) => x * scale);
      },
      ['raw', 'params:scale'],
      'cleaned',
      { name: 'clean' },
    ),
    node(
      (cleaned: number[], split: { test_size: number }) => {
        calls.push('split');
        const cut = Math.round(cleaned.length * (1 - split.test_size));
        return [cleaned.slice(0, cut), cleaned.slice(cut)];
      },
      ['cleaned', 'params:split'],
      ['train', 'test'],
      { name: 'split' },
    ),
    node(fit, ['train', 'params:fit.rate'], 'model', { name: 'fit' }),
    node(
      (model: { weight: number }, test: number[]) => {
        calls.push('score');
        return { score: model.weight + test.reduce((a, b) => a + b, 0) };
      },
      ['model', 'test'],
      'score',
      { name: 'score' },
    ),
  ]);
}

async function tempProject(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-incremental-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'raw.json'), JSON.stringify([1, 2, 3, 4]));
  return dir;
}

interface Outcome {
  calls: string[];
  decisions: Record<string, string>;
  error?: Error;
  result?: { skippedNodes: readonly string[]; completedNodes: readonly string[] };
}

/** One run of the pipeline with the incremental plugin, as a fresh process would do it. */
async function run(
  dir: string,
  options: { params?: Record<string, unknown>; fit?: Fit; plugins?: SluicePlugin[] } = {},
): Promise<Outcome> {
  calls = [];
  const decisions: Record<string, string> = {};
  const catalog = await DataCatalog.fromConfig({
    catalogConfig: {
      raw: { type: 'json', filepath: 'raw.json' },
      cleaned: { type: 'json', filepath: 'out/cleaned.json' },
      model: { type: 'json', filepath: 'out/model.json' },
      score: { type: 'json', filepath: 'out/score.json' },
    },
    parameters: options.params ?? PARAMS,
    projectPath: dir,
    registry: createDatasetTypeRegistry(),
  });
  const hooks = createHookManager();
  const plugin = incrementalPlugin();
  hooks.register(plugin);
  hooks.register({
    name: 'decisions',
    onRunMessage: ({ topic, message }) => {
      if (topic !== INCREMENTAL_DECISION_TOPIC) return;
      const decision = message as IncrementalDecision;
      decisions[decision.node] = `${decision.skipped ? 'skipped' : 'ran'}: ${decision.reason}`;
    },
  });
  // What a Session's context gives the plugin: the project folder, and post to the main process.
  const context = {
    projectPath: dir,
    post: (topic: string, message: unknown) => void hooks.hook.onRunMessage.call({ topic, message }),
  } as unknown as ProjectContext;
  await hooks.hook.afterContextCreated.call({ context });
  const { result, error } = await runWith(pipeline(options.fit), catalog, {
    hooks,
    plugins: options.plugins ?? [],
  });
  return {
    calls,
    decisions,
    ...(error === undefined ? {} : { error }),
    ...(result === undefined ? {} : { result }),
  };
}

const readJson = async (dir: string, file: string) =>
  JSON.parse(await readFile(join(dir, file), 'utf8')) as unknown;

test('first run: every node runs with "no record"; second run: every node is skipped, outputs served', async (t) => {
  const dir = await tempProject(t);
  const first = await run(dir);
  assert.equal(first.error, undefined);
  assert.deepEqual(first.calls, ['clean', 'split', 'fit', 'score']);
  assert.deepEqual(Object.values(first.decisions), Array(4).fill('ran: no record'));
  const score = await readJson(dir, 'out/score.json');

  const second = await run(dir);
  assert.equal(second.error, undefined);
  assert.deepEqual(second.calls, [], 'nothing ran');
  assert.deepEqual(Object.values(second.decisions), Array(4).fill('skipped: up to date'));
  assert.deepEqual(second.result?.skippedNodes, ['clean', 'split', 'fit', 'score']);
  assert.deepEqual(await readJson(dir, 'out/score.json'), score);
});

test('a changed parameter reruns the nodes that read it and what depends on their outputs, naming the leaf', async (t) => {
  const dir = await tempProject(t);
  await run(dir);
  const changed = await run(dir, { params: { ...PARAMS, split: { test_size: 0.25 } } });
  assert.equal(changed.error, undefined);
  assert.deepEqual(changed.calls, ['split', 'fit', 'score']);
  assert.deepEqual(changed.decisions, {
    clean: 'skipped: up to date',
    split: 'ran: param split.test_size changed',
    fit: 'ran: input train changed',
    score: 'ran: input model changed',
  });
  assert.deepEqual(await readJson(dir, 'out/score.json'), { score: 3 * 1 + 8 });
});

test('a parameter read by a later node reruns that node and what follows, nothing before it', async (t) => {
  const dir = await tempProject(t);
  await run(dir);
  const changed = await run(dir, { params: { ...PARAMS, fit: { rate: 2 } } });
  assert.deepEqual(changed.calls, ['fit', 'score']);
  assert.equal(changed.decisions.fit, 'ran: param fit.rate changed');
  assert.equal(changed.decisions.split, 'skipped: up to date');
});

test('changed code reruns the node; downstream reruns only if its output changed', async (t) => {
  const dir = await tempProject(t);
  await run(dir);
  // Same result, different code: fit reruns, score sees the same model bytes and stays skipped.
  const same = await run(dir, { fit: fitByLengthReordered });
  assert.deepEqual(same.calls, ['fit']);
  assert.equal(same.decisions.fit, 'ran: code changed');
  assert.equal(same.decisions.score, 'skipped: up to date');
  const different = await run(dir, { fit: fitTimesHundred });
  assert.deepEqual(different.calls, ['fit', 'score']);
  assert.equal(different.decisions.score, 'ran: input model changed');
});

test('a changed raw file reruns its consumers and downstream; rewriting the same bytes reruns nothing', async (t) => {
  const dir = await tempProject(t);
  await run(dir);
  await writeFile(join(dir, 'raw.json'), JSON.stringify([1, 2, 3, 4]));
  const touched = await run(dir);
  assert.deepEqual(touched.calls, [], 'same bytes, new mtime: nothing to do');
  await writeFile(join(dir, 'raw.json'), JSON.stringify([5, 6, 7, 8]));
  const changed = await run(dir);
  assert.deepEqual(changed.calls, ['clean', 'split', 'fit', 'score']);
  assert.equal(changed.decisions.clean, 'ran: input raw changed');
});

test('a deleted or edited output reruns its node', async (t) => {
  const dir = await tempProject(t);
  await run(dir);
  await rm(join(dir, 'out', 'model.json'));
  const deleted = await run(dir);
  assert.equal(deleted.decisions.fit, 'ran: output model missing');
  assert.deepEqual(deleted.calls, ['fit'], 'the same model again: score stays skipped');
  await writeFile(join(dir, 'out', 'score.json'), '{"score": -1}');
  const edited = await run(dir);
  assert.equal(edited.decisions.score, 'ran: output score changed');
  assert.deepEqual(edited.calls, ['score']);
});

test('outputs saved without a record (a crash between save and record) rerun, never a wrong skip', async (t) => {
  const dir = await tempProject(t);
  await run(dir);
  // Run with scale 3 and stop right after clean's save, before its record is written.
  const crash: SluicePlugin = {
    name: 'crash-after-save',
    afterDatasetSaved: ({ datasetName }) => {
      if (datasetName === 'cleaned') throw new Error('the process dies here');
    },
  };
  const crashed = await run(dir, { params: { ...PARAMS, scale: 3 }, plugins: [crash] });
  assert.ok(crashed.error);
  assert.deepEqual(await readJson(dir, 'out/cleaned.json'), [3, 6, 9, 12], 'the new output landed');
  // Back to scale 2: the record still says scale 2, but the output on disk is scale 3's.
  const back = await run(dir);
  assert.equal(back.decisions.clean, 'ran: output cleaned changed');
  assert.deepEqual(await readJson(dir, 'out/cleaned.json'), [2, 4, 6, 8]);
  // And with scale 3 again: no record of scale 3 was ever written, so it reruns.
  const again = await run(dir, { params: { ...PARAMS, scale: 3 } });
  assert.equal(again.decisions.clean, 'ran: param scale changed');
});

test('a stored in-memory value that went missing makes its node run again', async (t) => {
  const dir = await tempProject(t);
  await run(dir);
  await rm(join(dir, '.sluice', 'incremental', 'values'), { recursive: true });
  const second = await run(dir);
  assert.equal(second.decisions.split, 'ran: output train is no longer stored');
  assert.deepEqual(second.calls, ['split']);
});

test('explain prints one line per node with its reason, in the main process', async () => {
  const lines: string[] = [];
  const hooks = createHookManager();
  hooks.register(incrementalPlugin({ explain: true, write: (line) => void lines.push(line) }));
  await hooks.hook.onRunMessage.call({
    topic: INCREMENTAL_DECISION_TOPIC,
    message: { node: 'split', skipped: false, reason: 'param split.test_size changed' },
  });
  await hooks.hook.onRunMessage.call({
    topic: INCREMENTAL_DECISION_TOPIC,
    message: { node: 'clean', skipped: true, reason: 'up to date' },
  });
  assert.deepEqual(lines, [
    '[incremental] split: runs, param split.test_size changed',
    '[incremental] clean: skipped, up to date',
  ]);
});
