/**
 * hooks.yml and step hook references: every mistake is reported with the file and line (or the
 * node and option, for code), before any node runs; names from other registered pipelines and
 * filtered runs are fine; the plugin can be turned off; precedence details (empty lists, several
 * tags).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  node,
  Pipeline,
  RunNotStartedError,
  Session,
  StepHookConfigError,
  StepHookReferenceError,
} from '../../src/index.ts';
import type { SessionRunOptions } from '../../src/index.ts';
import type { HooksConfig } from '../../src/plugins/step-hooks/hooks-config.ts';
import { settingsFor } from '../../src/plugins/step-hooks/precedence.ts';
import { writeProject } from './step-hooks-support.ts';

const CONFIG = `
import { defineConfig, node, Pipeline } from '{{sluice}}';
const train = () => 1;
const evaluate = (model: number) => model + 1;
const other = () => 2;
export default defineConfig({
  __DISABLE__
  pipelines: {
    __default__: new Pipeline([
      node(train, undefined, 'model', { name: 'train_model', tags: ['critical'] __NODE_OPTIONS__ }),
      node(evaluate, 'model', 'score', { name: 'evaluate' }),
    ]),
    other: new Pipeline([node(other, undefined, 'x', { name: 'elsewhere', tags: ['nightly'] })]),
  },
});
`;

const HOOKS_MODULE = `
export const calls: string[] = [];
export function page(context: { node: { name: string } }) { calls.push('page ' + context.node.name); }
export const notAFunction = 42;
`;

function project(hooksYml: string, options: { nodeOptions?: string; disable?: boolean } = {}): string {
  return writeProject({
    'sluice.config.ts': CONFIG.replace('__NODE_OPTIONS__', options.nodeOptions ?? '').replace(
      '__DISABLE__',
      options.disable ? "disableHooksForPlugins: ['sluice:step-hooks']," : '',
    ),
    'src/hooks.ts': HOOKS_MODULE,
    'conf/base/hooks.yml': hooksYml,
  });
}

/** The run's error; a refusal before the run started is unwrapped to the one problem it reports. */
async function runError(projectPath: string, options: SessionRunOptions = {}): Promise<Error | undefined> {
  const session = await Session.create({ projectPath, log: () => {} });
  try {
    await session.run(options);
    return undefined;
  } catch (error) {
    if (error instanceof RunNotStartedError && error.problems.length === 1) return error.problems[0];
    return error as Error;
  }
}

test('an unknown node name is reported at its line, with a suggestion', async () => {
  const error = await runError(project('nodes:\n  train_modle:\n    on_failure: ./src/hooks.ts#page\n'));
  assert.ok(error instanceof StepHookConfigError);
  assert.match(
    error.message,
    /^conf\/base\/hooks\.yml:2:\d+: The hooks configuration names node "train_modle", which no registered pipeline has\. Did you mean "train_model"\?/,
  );
});

test('an unknown tag is reported at its line, with a suggestion', async () => {
  const error = await runError(project('tags:\n  critcal:\n    on_failure: ./src/hooks.ts#page\n'));
  assert.ok(error instanceof StepHookConfigError);
  assert.match(error.message, /^conf\/base\/hooks\.yml:2:\d+: .*tag "critcal".*Did you mean "critical"\?/);
});

test('names from other registered pipelines, and nodes a filter left out, are not unknown', async () => {
  const path = project(
    'nodes:\n  elsewhere:\n    on_success: ./src/hooks.ts#page\n  evaluate:\n    on_success: ./src/hooks.ts#page\ntags:\n  nightly: { on_success: ./src/hooks.ts#page }\n',
  );
  assert.equal(await runError(path), undefined);
  assert.equal(await runError(path, { nodeNames: ['train_model'] }), undefined);
});

test('a reference to a missing module names the file and line of the reference', async () => {
  const error = await runError(
    project('pipeline:\n  on_failure:\n    - ./src/hooks.ts#page\n    - ./src/missing.ts#page\n'),
  );
  assert.ok(error instanceof StepHookReferenceError);
  assert.match(error.message, /^conf\/base\/hooks\.yml:4:7: the module "\.\/src\/missing\.ts" doesn't exist/);
});

test('a missing export is reported with the nearest export; a non-function export too', async () => {
  const missing = await runError(project('nodes:\n  train_model: { on_failure: ./src/hooks.ts#pgae }\n'));
  assert.ok(missing instanceof StepHookReferenceError);
  assert.match(
    missing.message,
    /^conf\/base\/hooks\.yml:2:\d+: "\.\/src\/hooks\.ts" has no export named "pgae"\. Did you mean "page"\?/,
  );
  const notFunction = await runError(
    project('nodes:\n  train_model: { on_failure: ./src/hooks.ts#notAFunction }\n'),
  );
  assert.match(
    notFunction?.message ?? '',
    /hooks\.yml:2:\d+: the export "notAFunction" of "\.\/src\/hooks\.ts" is a number, not a function\./,
  );
  const noHash = await runError(project('nodes:\n  train_model: { on_failure: ./src/hooks.ts }\n'));
  assert.match(
    noHash?.message ?? '',
    /hooks\.yml:2:\d+: the step hook reference "\.\/src\/hooks\.ts" must name a module and an export, separated by "#"/,
  );
});

test('bad retry options and unknown keys name the file, line and the nearest valid spelling', async () => {
  const cases: [string, RegExp][] = [
    [
      'nodes:\n  train_model:\n    retries: { max: 2, backof: exponential }\n',
      /hooks\.yml:3:\d+: .*"backof" is not a retry option\. Did you mean "backoff"\?/,
    ],
    [
      'nodes:\n  train_model:\n    retries: { max: 2, backoff: exponentail }\n',
      /hooks\.yml:3:\d+: .*"backoff" must be fixed or exponential.*Did you mean "exponential"\?/,
    ],
    [
      'nodes:\n  train_model:\n    retries:\n      max: -1\n',
      /hooks\.yml:4:\d+: .*"max" must be a whole number of at least 0, not -1/,
    ],
    ['nodes:\n  train_model:\n    retries: { delay_ms: 5 }\n', /hooks\.yml:3:\d+: .*needs "max"/],
    [
      'nodes:\n  train_model:\n    on_falure: ./src/hooks.ts#page\n',
      /hooks\.yml:3:5: .*"on_falure" is not a hook setting\. Did you mean "on_failure"\?/,
    ],
    [
      'node:\n  train_model: {}\n',
      /hooks\.yml:1:1: Unknown section "node" in the hooks configuration\. Did you mean "nodes"\?/,
    ],
    [
      'pipeline:\n  on_success: 3\n',
      /hooks\.yml:2:3: .*a step hook is written as "module#export", not a number \(3\)/,
    ],
  ];
  for (const [yaml, expected] of cases) {
    const error = await runError(project(yaml));
    assert.ok(error instanceof StepHookConfigError, `${yaml}: ${error?.name}: ${error?.message}`);
    assert.match(error.message, expected);
  }
});

test('a bad reference in a node option names the node and the option, before any node runs', async () => {
  const error = await runError(project('', { nodeOptions: ", onFailure: './src/hooks.ts#paeg'" }));
  assert.ok(error instanceof StepHookReferenceError);
  assert.match(
    error.message,
    /^The onFailure option of node "train_model": "\.\/src\/hooks\.ts" has no export named "paeg"\. Did you mean "page"\?/,
  );
});

test("disableHooksForPlugins: ['sluice:step-hooks'] turns the plugin off, hooks.yml included", async () => {
  const path = project('nodes:\n  no_such_node: { on_failure: ./src/missing.ts#x }\n', { disable: true });
  assert.equal(await runError(path), undefined);
});

// ----- precedence details, on the resolver itself -----

const hook = (label: string) => ({ hook: () => undefined, label });
const entry = (
  hooks: HooksConfig['pipeline'] extends infer E ? (E extends { hooks: infer H } ? H : never) : never,
  retries?: { max: number },
) => ({
  hooks,
  retries,
  path: [],
});

test('several matching tags: their hooks together in file order, each once; retries from the first tag', () => {
  const shared = hook('shared');
  const config: HooksConfig = {
    nodes: new Map(),
    tags: new Map([
      ['b', entry({ onFailure: [hook('fromB'), shared] }, { max: 1 })],
      ['a', entry({ onFailure: [shared, hook('fromA')] }, { max: 4 })],
      ['unrelated', entry({ onFailure: [hook('never')] })],
    ]),
    pipeline: undefined,
  };
  const settings = settingsFor(
    node(() => 1, undefined, 'x', { name: 'n', tags: ['a', 'b'] }),
    config,
  );
  const onFailure = settings.hooks.onFailure;
  assert.ok(onFailure !== undefined && 'hooks' in onFailure);
  assert.deepEqual(
    onFailure.hooks.map((h) => h.label),
    ['fromB', 'shared', 'fromA'],
  );
  assert.deepEqual(settings.retries, { source: 'yaml-tag', policy: { max: 1 } });
});

test('an empty list is a setting: it turns the lower levels off for that node', () => {
  const config: HooksConfig = {
    nodes: new Map([['quiet', entry({ onFailure: [] })]]),
    tags: new Map(),
    pipeline: entry({ onFailure: [hook('pipelineWide')] }),
  };
  const quiet = new Pipeline([node(() => 1, undefined, 'x', { name: 'quiet' })]).withNodeDefaults({
    onFailure: () => undefined,
  });
  const settings = settingsFor(quiet.getNode('quiet'), config);
  assert.deepEqual(settings.hooks.onFailure, { source: 'yaml-node', hooks: [] });
  assert.equal(
    settingsFor(
      node(() => 1, undefined, 'y', { name: 'loud' }),
      config,
    ).hooks.onFailure?.source,
    'yaml-pipeline',
  );
});

test("a node's own retries win over hooks.yml; a pipeline default loses to a YAML tag", () => {
  const config: HooksConfig = {
    nodes: new Map([['own', entry({}, { max: 9 })]]),
    tags: new Map([['t', entry({}, { max: 2 })]]),
    pipeline: undefined,
  };
  assert.deepEqual(
    settingsFor(
      node(() => 1, undefined, 'x', { name: 'own', retries: { max: 1 } }),
      config,
    ).retries,
    { source: 'node' },
  );
  const defaulted = new Pipeline([
    node(() => 1, undefined, 'x', { name: 'd', tags: ['t'] }),
  ]).withNodeDefaults({ retries: { max: 7 } });
  assert.deepEqual(settingsFor(defaulted.getNode('d'), config).retries, {
    source: 'yaml-tag',
    policy: { max: 2 },
  });
});
