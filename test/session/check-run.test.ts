/**
 * What a session checks before `beforePipelineRun`: free inputs (with the nodes that read them and
 * the nearest known name), the datasets the run uses (types), and plugins' `validatePipelineRun`.
 * A run that can't start throws `RunNotStartedError` listing every problem, fires no pipeline
 * hook and leaves no report. Also: tags that match nothing, and final outputs no catalog declares.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SluiceConfig, SluicePlugin, MissingInputsError } from '../../src/index.ts';
import {
  CatalogAggregateError,
  EmptyPipelineError,
  node,
  Pipeline,
  ProjectSettings,
  RunNotStartedError,
  Session,
  UnknownTagsError,
} from '../../src/index.ts';

/** A project folder with this catalog.yml and parameters.yml, and settings built in the test. */
function project(catalogYml: string, parametersYml: string, config: SluiceConfig): ProjectSettings {
  const root = mkdtempSync(join(tmpdir(), 'sluice-check-run-'));
  mkdirSync(join(root, 'conf', 'base'), { recursive: true });
  mkdirSync(join(root, 'conf', 'local'), { recursive: true });
  mkdirSync(join(root, 'data'));
  writeFileSync(join(root, 'conf', 'base', 'catalog.yml'), catalogYml);
  writeFileSync(join(root, 'conf', 'base', 'parameters.yml'), parametersYml);
  writeFileSync(join(root, 'data', 'raw.json'), '[1, 2, 3]');
  return new ProjectSettings(root, join(root, 'sluice.config.ts'), config);
}

/** Records the pipeline hooks (and validatePipelineRun) it sees, in order. */
function recorder(): { plugin: SluicePlugin; events: string[] } {
  const events: string[] = [];
  return {
    events,
    plugin: {
      name: 'recorder',
      validatePipelineRun: ({ pipeline }) => void events.push(`validatePipelineRun ${pipeline.size}`),
      beforePipelineRun: () => void events.push('beforePipelineRun'),
      afterPipelineRun: () => void events.push('afterPipelineRun'),
      onPipelineError: ({ error }) => void events.push(`onPipelineError ${error.name}`),
      beforeNodeRun: ({ node }) => void events.push(`beforeNodeRun ${node.name}`),
    },
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const scale = (total: number, factor: number) => total * factor;
const twice = (value: number) => value * 2;

const CATALOG = `raw:
  type: json
  filepath: data/raw.json
total:
  type: json
  filepath: data/total.json
scaled:
  type: jsn
  filepath: data/scaled.json
`;

test('every problem found before the run is reported at once; no pipeline hook fires and no node runs', async () => {
  const pipeline = new Pipeline([
    node(sum, 'raw', 'total', { name: 'add_up' }),
    node(scale, ['totl', 'params:factr'], 'scaled', { name: 'scale' }),
  ]);
  const { plugin, events } = recorder();
  const gate: SluicePlugin = {
    name: 'gate',
    validatePipelineRun: () => {
      throw new Error('the gate refuses this run');
    },
  };
  const settings = project(CATALOG, 'factor: 2\n', {
    pipelines: { __default__: pipeline },
    hooks: [gate, plugin],
  });
  const logged: string[] = [];
  const session = await Session.create({ settings, log: (line) => logged.push(line) });
  const error = await session.run().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof RunNotStartedError, `got ${String(error)}`);
  assert.deepEqual(
    error.problems.map((problem) => problem.constructor.name),
    ['MissingInputsError', 'CatalogAggregateError', 'Error'],
  );
  const missing = error.problems[0] as MissingInputsError;
  assert.deepEqual(
    missing.inputs.map((input) => [input.datasetName, input.readers, input.suggestion]),
    [
      ['params:factr', ['scale'], 'params:factor'],
      ['totl', ['scale'], 'total'],
    ],
  );
  assert.ok(error.problems[1] instanceof CatalogAggregateError);
  assert.equal(
    error.message.split('\n')[0],
    'The run could not start: 4 problems.',
    'one line per missing input, per bad entry, per refusal',
  );
  assert.match(
    error.message,
    /^ {2}- Node "scale" reads "totl", which no node of this run produces and the catalog doesn't declare\. Did you mean "total"\?$/m,
  );
  assert.match(
    error.message,
    /^ {2}- Node "scale" reads "params:factr", but no parameter "factr" exists\. Did you mean "params:factor"\?$/m,
  );
  assert.match(
    error.message,
    /^ {2}- Dataset "scaled" \(type jsn, .*catalog\.yml:\d+:\d+\): its type is unknown\. Did you mean "json"\?$/m,
  );
  assert.match(error.message, /^ {2}- the gate refuses this run$/m);
  // The plugin check still ran, and nothing after it did.
  assert.deepEqual(events, ['validatePipelineRun 2']);
  assert.equal(session.report, undefined);
  assert.deepEqual(logged, []);
});

test('validatePipelineRun sees the filtered pipeline and the run parameters, before beforePipelineRun', async () => {
  const pipeline = new Pipeline([
    node(sum, 'raw', 'total', { name: 'add_up', tags: ['sum'] }),
    node(twice, 'total', 'doubled', { name: 'double' }),
  ]);
  const { plugin, events } = recorder();
  let tags: readonly string[] = [];
  const settings = project(CATALOG.replace('type: jsn', 'type: json'), 'factor: 2\n', {
    pipelines: { __default__: pipeline },
    hooks: [plugin, { name: 'spy', validatePipelineRun: ({ runParams }) => void (tags = runParams.tags) }],
  });
  const session = await Session.create({ settings, log: () => {} });
  await session.run({ tags: ['sum'] });
  assert.deepEqual(events, [
    'validatePipelineRun 1',
    'beforePipelineRun',
    'beforeNodeRun add_up',
    'afterPipelineRun',
  ]);
  assert.deepEqual(tags, ['sum']);
});

test('tags no node has: UnknownTagsError (an EmptyPipelineError) naming the pipeline, the nearest tag and all tags', async () => {
  const pipeline = new Pipeline([
    node(sum, 'raw', 'total', { name: 'add_up', tags: ['training', 'nightly'] }),
    node(twice, 'total', 'doubled', { name: 'double', tags: ['reporting'] }),
  ]);
  const settings = project(CATALOG, '{}\n', { pipelines: { __default__: pipeline } });
  const session = await Session.create({ settings, log: () => {} });
  const error = await session.run({ tags: ['trainig', 'nighly'] }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof UnknownTagsError, `got ${String(error)}`);
  assert.ok(error instanceof EmptyPipelineError);
  assert.equal(
    error.message,
    'No node of pipeline "__default__" has the tags "trainig", "nighly". Did you mean "training" or "nightly"? Its tags: nightly, reporting, training.',
  );
  assert.equal(error.hint, '`sluice pipeline describe __default__` lists each node with its tags.');
  // A known tag that filters combined to nothing is still Kedro's plain EmptyPipelineError.
  const combined = await (
    await Session.create({ settings, log: () => {} })
  )
    .run({ tags: ['reporting'], nodeNames: ['add_up'] })
    .then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
  assert.ok(combined instanceof EmptyPipelineError && !(combined instanceof UnknownTagsError));
});

test('the report lists final outputs no catalog entry declares, with an unused entry close to the name', async () => {
  const pipeline = new Pipeline([
    node(sum, 'raw', 'total', { name: 'add_up' }),
    node(twice, 'total', 'metrics', { name: 'measure' }),
    node(twice, 'total', 'kept', { name: 'keep' }),
    node((factor: number) => factor, 'params:factor', 'echo', { name: 'echo' }),
    node(twice, 'total', 'table', { name: 'tabulate' }),
  ]);
  const catalog = `raw:\n  type: json\n  filepath: data/raw.json\nmetrics_v2:\n  type: json\n  filepath: data/metrics.json\nmodel_input_table:\n  type: json\n  filepath: data/table.json\nkept:\n  type: memory\n`;
  const settings = project(catalog, 'factor: 2\n', { pipelines: { __default__: pipeline } });
  const session = await Session.create({ settings, log: () => {} });
  const result = await session.run();
  assert.deepEqual(Object.keys(result.outputs).sort(), ['echo', 'kept', 'metrics', 'table']);
  // `kept` is declared (as memory, on purpose); `total` is intermediate.
  assert.deepEqual(session.report?.unsavedOutputs, [
    { datasetName: 'echo', producer: 'echo', suggestion: undefined },
    { datasetName: 'metrics', producer: 'measure', suggestion: 'metrics_v2' },
    // Too far apart for a typo, but the old name lives on inside the new one.
    { datasetName: 'table', producer: 'tabulate', suggestion: 'model_input_table' },
  ]);
});

test('a missing input renamed in the catalog: the suggestion is the entry that keeps its name inside', async () => {
  const pipeline = new Pipeline([node(sum, 'model_input_table', 'total', { name: 'add_up' })]);
  const catalog = `model_input:\n  type: json\n  filepath: data/raw.json\ntotal:\n  type: json\n  filepath: data/total.json\n`;
  const settings = project(catalog, '{}\n', { pipelines: { __default__: pipeline } });
  const session = await Session.create({ settings, log: () => {} });
  const error = await session.run().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof RunNotStartedError, `got ${String(error)}`);
  assert.equal(
    error.message,
    'Node "add_up" reads "model_input_table", which no node of this run produces and the catalog doesn\'t declare. Did you mean "model_input"?',
  );
});
