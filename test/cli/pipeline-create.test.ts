/**
 * `sluice pipeline create NAME` in a project made by `sluice new`: the folder, the test and the
 * registration, then `sluice run --pipeline NAME` and the generated test, as a user runs them.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { assertExit, command, done, ensureBuilt, linkSluice, REPO, sluice, tempDir } from './support.ts';

let project: string;

before(async () => {
  ensureBuilt();
  const parent = tempDir('pipeline-create');
  project = join(parent, 'shop');
  assertExit(await sluice(['new', project], { cwd: parent }), 0);
  linkSluice(project);
});

test('creates nodes, pipeline and a test, registers the pipeline, and the result runs and passes its test', async () => {
  const created = await sluice(['pipeline', 'create', 'order_cleaning'], { cwd: project });
  assertExit(created, 0);
  assert.match(created.stdout, /Created pipeline "order_cleaning"/);
  for (const file of [
    'src/pipelines/order_cleaning/nodes.ts',
    'src/pipelines/order_cleaning/pipeline.ts',
    'test/order_cleaning.test.ts',
  ])
    assert.ok(existsSync(join(project, file)), `${file} written`);
  const config = readFileSync(join(project, 'sluice.config.ts'), 'utf8');
  assert.match(
    config,
    /^ {4}order_cleaning: \(\) => import\('\.\/src\/pipelines\/order_cleaning\/pipeline\.ts'\),$/m,
  );

  const listed = await sluice(['pipeline', 'list'], { cwd: project });
  assertExit(listed, 0);
  assert.match(listed.stdout, /^order_cleaning +2$/m);
  assert.match(listed.stdout, /^weather +3$/m, 'the existing pipelines stay registered');

  const run = await sluice(['run', '--pipeline', 'order_cleaning', '--progress', 'plain'], { cwd: project });
  assertExit(run, 0);
  assert.deepEqual(done(run.stderr), ['order_cleaning_make_items', 'order_cleaning_describe_items']);

  // The starter's `npm test` runs test/*.test.ts under tsx; tsx comes from this checkout here.
  symlinkSync(join(REPO, 'node_modules', 'tsx'), join(project, 'node_modules', 'tsx'), 'dir');
  const tested = await command(
    process.execPath,
    ['--import', 'tsx', '--test', 'test/order_cleaning.test.ts'],
    {
      cwd: project,
    },
  );
  assertExit(tested, 0);
  assert.match(tested.stdout, /^# pass 1$/m);
});

test('refuses a bad name, a taken name and a project without sluice.config.ts, writing nothing', async () => {
  const [badName, elsewhere] = await Promise.all([
    sluice(['pipeline', 'create', 'Order-Cleaning'], { cwd: project }),
    sluice(['pipeline', 'create', 'reports'], { cwd: tempDir('no-project') }),
  ]);
  assertExit(badName, 2);
  assert.match(badName.stderr, /"Order-Cleaning" is not a valid pipeline name/);
  assert.ok(!existsSync(join(project, 'src/pipelines/Order-Cleaning')));
  assertExit(elsewhere, 2);
  assert.match(elsewhere.stderr, /No sluice\.config\.ts in /);

  const before = readFileSync(join(project, 'sluice.config.ts'), 'utf8');
  const taken = await sluice(['pipeline', 'create', 'weather'], { cwd: project });
  assertExit(taken, 2);
  assert.match(taken.stderr, /src\/pipelines\/weather already exists/);
  assert.equal(readFileSync(join(project, 'sluice.config.ts'), 'utf8'), before);
});
