import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createHookManager,
  definePlugin,
  HookRegistrationError,
  node,
  type SluicePlugin,
} from '../../src/index.ts';
import { SLUICE_HOOK_SPECS } from '../../src/plugin-api/index.ts';

// The runtime list and the HookSpecs interface are checked against each other by the compiler
// (SpecsInSync in src/hooks/specs.ts); this pins Kedro's hooks and their arguments as designed.
test('every Kedro lifecycle hook is a spec, with the arguments of DESIGN.md, plus the lifecycle and retry hooks', () => {
  const specs = Object.fromEntries(SLUICE_HOOK_SPECS.map((spec) => [spec.name, [...spec.args]]));
  assert.deepEqual(specs, {
    afterContextCreated: ['context'],
    afterCatalogCreated: ['catalog', 'confCatalog', 'confCreds', 'parameters', 'saveVersion', 'loadVersions'],
    validatePipelineRun: ['runParams', 'pipeline', 'catalog', 'registeredPipelines'],
    beforePipelineRun: ['runParams', 'pipeline', 'catalog'],
    afterPipelineRun: ['runParams', 'runResult', 'pipeline', 'catalog'],
    onPipelineError: ['error', 'runParams', 'pipeline', 'catalog'],
    beforeNodeRun: ['node', 'catalog', 'inputs', 'isAsync', 'runId'],
    afterNodeRun: ['node', 'catalog', 'inputs', 'outputs', 'isAsync', 'runId'],
    onNodeError: ['error', 'node', 'catalog', 'inputs', 'isAsync', 'runId'],
    onNodeRetry: [
      'error',
      'node',
      'catalog',
      'attempt',
      'delayMs',
      'runId',
      'durationMs',
      'attemptDurationMs',
      'worker',
    ],
    onNodeStart: ['node', 'catalog', 'runId', 'worker'],
    onNodeEnd: ['node', 'catalog', 'runId', 'error', 'attempts', 'durationMs', 'attemptDurationMs', 'worker'],
    onNodeSkipped: ['node', 'catalog', 'runId', 'reason', 'worker'],
    onRunMessage: ['topic', 'message'],
    nodeDurationEstimates: ['pipeline', 'runId'],
    nodeRetryPolicy: ['node', 'runId'],
    nodeSkip: ['node', 'catalog', 'runId'],
    beforeDatasetLoaded: ['datasetName', 'node'],
    afterDatasetLoaded: ['datasetName', 'data', 'node', 'durationMs'],
    beforeDatasetSaved: ['datasetName', 'data', 'node'],
    afterDatasetSaved: ['datasetName', 'data', 'node', 'durationMs', 'saved'],
    afterDatasetValidated: ['result'],
    beforeCommandRun: ['projectMetadata', 'commandArgs'],
    afterCommandRun: ['projectMetadata', 'commandArgs', 'exitCode'],
  });
});

test('a plugin made with definePlugin keeps its state and `this`', () => {
  const seen = definePlugin({
    name: 'seen',
    names: [] as string[],
    beforeDatasetLoaded({ datasetName }) {
      this.names.push(datasetName);
    },
  });
  const hooks = createHookManager();
  hooks.register(seen);
  const target = node((a: number) => a, 'a', 'b', { name: 'n' });
  hooks.hook.beforeDatasetLoaded.call({ datasetName: 'a', node: target });
  assert.deepEqual(seen.names, ['a']);
});

test('runtime registration rejects a misspelt Sluice hook with the nearest spelling', () => {
  const hooks = createHookManager();
  assert.throws(
    () => hooks.register({ name: 'typo', beforeNodeRUn: () => undefined }),
    (error: unknown) =>
      error instanceof HookRegistrationError &&
      /unknown hook "beforeNodeRUn"\. Did you mean "beforeNodeRun"\?/.test(error.message),
  );
  assert.throws(
    () => hooks.register({ name: 'bad-arg', afterNodeRun: ({ output }: { output: unknown }) => output }),
    /Plugin "bad-arg", hook "afterNodeRun": unknown argument "output"\. Did you mean "outputs"\?/,
  );
});

// Type-level checks: `npm run typecheck` fails if any @ts-expect-error line stops being an error.
test('tsc rejects misspelt hooks and arguments in typed plugins', () => {
  const misspeltHook: SluicePlugin = {
    // @ts-expect-error: unknown hook name in an object typed as SluicePlugin
    beforeNodeRUn() {},
  };
  const misspeltArgument: SluicePlugin = {
    // @ts-expect-error: `nod` is not an argument of beforeNodeRun
    beforeNodeRun({ nod }) {
      return nod;
    },
  };
  const wrongOverride: SluicePlugin = {
    // @ts-expect-error: beforeNodeRun must return input overrides (a record) or nothing
    beforeNodeRun: () => 42,
  };
  const viaDefine = definePlugin({
    name: 'x',
    // @ts-expect-error: definePlugin rejects before/after/on keys that aren't specs
    afterNodeRum() {},
    format(value: number) {
      return value.toFixed(1);
    },
  });
  const ordered: SluicePlugin = {
    afterNodeRun: { tryfirst: true, before: 'mlflow', handler: ({ node }) => void node.name },
    onNodeError: {
      wrapper: true,
      handler: (_args, next) => next(),
    },
  };
  assert.ok(misspeltHook && misspeltArgument && wrongOverride && viaDefine && ordered);
});
