/**
 * Incremental runs of the spaceflights demo, on the real data, in a copy of the example (so that
 * its `.sluice/` state is its own): a second run with no change skips every node, and changing
 * `model_options.test_size` reruns exactly the nodes that depend on it.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { linkExampleDependencies } from '../cli/support.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SAFETY_NET_MS } from '../support/safety-net.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(REPO, 'examples', 'spaceflights');
const NODES = [
  'preprocess_companies',
  'preprocess_shuttles',
  'create_model_input_table',
  'split_data',
  'train_model',
  'evaluate_model',
];

let project = '';

before(() => {
  if (!existsSync(join(REPO, 'dist', 'cli', 'main.js')))
    execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'ignore' });
  project = join(mkdtempSync(join(tmpdir(), 'sluice-spaceflights-')), 'spaceflights');
  cpSync(EXAMPLE, project, {
    recursive: true,
    filter: (source) => {
      const inside = source.slice(EXAMPLE.length);
      return !/^\/(node_modules|\.sluice)(\/|$)/.test(inside) && !/^\/data\/0[2-8]/.test(inside);
    },
  });
  linkExampleDependencies(project);
});

after(() => {
  if (project !== '') rmSync(join(project, '..'), { recursive: true, force: true });
});

async function sluiceRun(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(
    process.execPath,
    [join(REPO, 'bin', 'sluice.js'), 'run', '--progress', 'plain', ...args],
    {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, `exit ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
  return { stdout, stderr };
}

/** `[incremental] <node>: <decision>` lines, by node. */
function explained(stderr: string): Record<string, string> {
  return Object.fromEntries(
    [...stderr.matchAll(/^\[incremental\] (\S+): (.+)$/gm)].map((match) => [match[1]!, match[2]!]),
  );
}

test(
  'spaceflights: a rerun with no change skips every node; a new test_size reruns only what depends on it',
  { timeout: SAFETY_NET_MS },
  async () => {
    const first = await sluiceRun('--incremental');
    assert.match(first.stderr, /6 nodes: 6 done, 0 failed, 0 skipped/);
    assert.match(first.stdout, /R² on the test set/);

    const second = await sluiceRun('--incremental', '--explain');
    assert.deepEqual(
      explained(second.stderr),
      Object.fromEntries(NODES.map((name) => [name, 'skipped, up to date'])),
    );
    assert.match(second.stderr, /6 nodes: 0 done, 0 failed, 6 skipped/);
    assert.doesNotMatch(second.stdout, /R² on the test set/, 'evaluate_model did not run');

    const changed = await sluiceRun('--explain', '--params', 'model_options.test_size=0.3');
    assert.deepEqual(explained(changed.stderr), {
      preprocess_companies: 'skipped, up to date',
      preprocess_shuttles: 'skipped, up to date',
      create_model_input_table: 'skipped, up to date',
      split_data: 'runs, param model_options.test_size changed',
      train_model: 'runs, input X_train changed',
      evaluate_model: 'runs, input regressor changed',
    });
    assert.match(changed.stderr, /6 nodes: 3 done, 0 failed, 3 skipped/);
    assert.match(changed.stdout, /R² on the test set/);
  },
);
