/**
 * Sessions over small projects written on the fly (a temporary folder with conf/base/catalog.yml,
 * and ProjectSettings built in the test with the pipelines and runner settings under test).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunParams, SluiceConfig } from '../../src/index.ts';
import { NodeFailuresError, node, Pipeline, ProjectSettings, Session } from '../../src/index.ts';
import { pause } from '../runner/helpers.ts';

/** A project folder whose catalog declares each of `files` as data/<name>.json; `existing` are written. */
function inlineProject(
  files: readonly string[],
  existing: Record<string, unknown>,
  config: SluiceConfig,
): { settings: ProjectSettings; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'sluice-inline-'));
  mkdirSync(join(root, 'conf', 'base'), { recursive: true });
  mkdirSync(join(root, 'conf', 'local'), { recursive: true });
  mkdirSync(join(root, 'data'));
  writeFileSync(
    join(root, 'conf', 'base', 'catalog.yml'),
    files.map((name) => `${name}:\n  type: json\n  filepath: data/${name}.json\n`).join('\n'),
  );
  for (const [name, value] of Object.entries(existing))
    writeFileSync(join(root, 'data', `${name}.json`), JSON.stringify(value));
  return { settings: new ProjectSettings(root, join(root, 'sluice.config.ts'), config), root };
}

const inc = (v: number) => v + 1;
const broken =
  (message: string) =>
  (_v: number): number => {
    throw new Error(message);
  };

test('continueOnFailure through a Session: the report resumes from the memory producer of the failed node', async () => {
  // a: raw → m (memory); b: m → out1 fails; c: raw → out2 runs anyway.
  const pipeline = new Pipeline([
    node(inc, 'raw', 'm', { name: 'a' }),
    node(broken('b broke'), 'm', 'out1', { name: 'b' }),
    node(inc, 'raw', 'out2', { name: 'c' }),
  ]);
  const { settings } = inlineProject(
    ['raw', 'out1', 'out2'],
    { raw: 1 },
    { pipelines: { __default__: pipeline } },
  );
  const logged: string[] = [];
  const session = await Session.create({ settings, log: (line) => logged.push(line) });
  await assert.rejects(session.run({ continueOnFailure: true }), NodeFailuresError);
  assert.deepEqual(session.report?.state.completed, ['a', 'c']);
  assert.deepEqual(session.report?.resumeFromNodes, ['a']);
  assert.equal(logged.length, 1);
  assert.match(logged[0]!, /There is 1 node that has not run/);
  assert.match(logged[0]!, /--from-nodes a$/);
});

test('the project’s runner settings choose the runner and its concurrency', async () => {
  const stats = { inFlight: 0, max: 0 };
  const sleeper = async (v: number) => {
    stats.inFlight++;
    stats.max = Math.max(stats.max, stats.inFlight);
    await pause(10);
    stats.inFlight--;
    return v;
  };
  const pipeline = new Pipeline(
    ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => node(sleeper, 'raw', `${name}_out`, { name })),
  );
  const { settings } = inlineProject(
    ['raw'],
    { raw: 1 },
    { pipelines: { __default__: pipeline }, runner: { default: 'async', concurrency: 3 } },
  );
  const session = await Session.create({ settings });
  let runParams: RunParams | undefined;
  session.hooks.register({
    name: 'spy',
    beforePipelineRun: (args: { runParams: RunParams }) => void (runParams = args.runParams),
  });
  const result = await session.run();
  assert.equal(runParams?.runner, 'async');
  assert.equal(stats.max, 3);
  assert.equal(result.completedNodes.length, 6);
});

test('after an onlyMissingOutputs run fails, the resume hint is Kedro’s for the nodes that were to run (skipped nodes count as done)', async () => {
  // a: raw → p1 (exists, so a is skipped); b: p1 → m (memory); c: m → out (missing) fails.
  const pipeline = new Pipeline([
    node(inc, 'raw', 'p1', { name: 'a' }),
    node(inc, 'p1', 'm', { name: 'b' }),
    node(broken('c broke'), 'm', 'out', { name: 'c' }),
  ]);
  const { settings } = inlineProject(
    ['raw', 'p1', 'out'],
    { raw: 1, p1: 2 },
    { pipelines: { __default__: pipeline } },
  );
  const logged: string[] = [];
  const session = await Session.create({ settings, log: (line) => logged.push(line) });
  await assert.rejects(session.run({ onlyMissingOutputs: true }), /c broke/);
  assert.deepEqual(session.report?.state.skipped, ['a']);
  assert.deepEqual(session.report?.state.completed, ['b']);
  // Kedro filters first, then resumes within what was to run: c reads m (memory) from b.
  assert.deepEqual(session.report?.resumeFromNodes, ['b']);
  assert.match(logged[0] ?? '', /There is 1 node that has not run/);
});
