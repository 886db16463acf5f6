/**
 * The preflight plugin refuses a run in validatePipelineRun, before any pipeline hook, with every
 * problem listed; announcing a hook Sluice fires itself is refused.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PreflightError, RunNotStartedError } from '../../src/index.ts';
import { runProject, validationProject } from './validation-support.ts';

test('the preflight plugin refuses a run whose input file is missing, before any pipeline hook', async () => {
  const root = validationProject({
    catalog:
      'numbers:\n  type: json\n  filepath: data/numbers.json\nleft_over:\n  type: json\n  filepath: data/x.json\n',
    nodes: `node((values: number[]) => values.length, 'numbers', 'count', { name: 'count' }),`,
    plugin: `validationPlugin({ log: () => {} }), preflightPlugin({ log: (line) => record({ kind: 'log', line }) }), definePlugin({ name: 'pipeline-hooks', beforePipelineRun() { record({ kind: 'log', line: 'beforePipelineRun' }); }, onPipelineError() { record({ kind: 'log', line: 'onPipelineError' }); } })`,
    files: {},
  });
  const config = join(root, 'sluice.config.ts');
  const { readFileSync } = await import('node:fs');
  writeFileSync(
    config,
    readFileSync(config, 'utf8').replace('validationPlugin }', 'validationPlugin, preflightPlugin }'),
  );
  const refused = await runProject(root);
  assert.ok(refused.error instanceof RunNotStartedError, String(refused.error));
  const preflight = refused.error.problems.find((problem) => problem instanceof PreflightError);
  assert.ok(preflight instanceof PreflightError, refused.error.message);
  assert.deepEqual(
    preflight.problems.map((problem) => [problem.check, problem.severity]),
    [['inputs', 'error']],
  );
  assert.match(
    preflight.message,
    /conf\/base\/catalog\.yml:1:1: input "numbers" \(json, data\/numbers\.json\) doesn't exist, and no node of the pipeline produces it \(read by count\)\./,
  );
  assert.deepEqual(refused.records, [], 'no pipeline hook fired');

  mkdirSync(join(root, 'data'), { recursive: true });
  writeFileSync(join(root, 'data', 'numbers.json'), '[1, 2, 3]');
  const ran = await runProject(root);
  assert.equal(ran.error, undefined, String(ran.error));
  assert.deepEqual(
    ran.records.map((entry) => entry.line),
    ['beforePipelineRun'],
  );
});

test('a plugin may not announce a hook Sluice fires itself, nor one no spec declares', async () => {
  const root = validationProject({
    catalog: '{}\n',
    nodes: `node(() => 1, undefined, 'one', { name: 'one' }),`,
    plugin: `definePlugin({ name: 'announcer', afterContextCreated({ context }) {
      for (const name of ['afterNodeRun', 'noSuchHook']) {
        try { context.announce(name, {}); } catch (error) { record({ kind: 'log', line: (error as Error).message }); }
      }
    } })`,
  });
  const run = await runProject(root);
  assert.equal(run.error, undefined, String(run.error));
  assert.deepEqual(
    run.records.map((entry) => entry.line),
    [
      '"afterNodeRun" is fired by Sluice itself; a plugin can\'t announce it.',
      'No hook spec "noSuchHook" is declared, so it can\'t be announced.',
    ],
  );
});
