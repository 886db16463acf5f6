/**
 * `sluice check`: each check failing alone on a copy of the preflight fixture, several at once
 * (all reported, exit 1), a clean project (exit 0 with a summary and the time), warnings alone
 * (exit 0), and the opt-in type check and lint on a project with one type error and one lint error.
 */
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { serviceOrSkip } from '../support/services.ts';
import { REPO, assertExit, copyProject, ensureBuilt, sluice, write } from './support.ts';

before(() => ensureBuilt());

/** A copy of the fixture, with zod (and for the tools fixture, the tools) linked like an install. */
function project(name = 'preflight', packages: readonly string[] = ['zod']): string {
  const root = copyProject(name);
  for (const item of packages)
    symlinkSync(join(REPO, 'node_modules', item), join(root, 'node_modules', item), 'dir');
  return root;
}

function edit(root: string, file: string, change: (text: string) => string): void {
  const path = join(root, file);
  writeFileSync(path, change(readFileSync(path, 'utf8')));
}

const check = (root: string, args: readonly string[] = []) => sluice(['check', ...args], { cwd: root });

test('a sound project passes: exit 0, one summary line with the time taken', async () => {
  const outcome = await check(project());
  assertExit(outcome, 0);
  assert.match(
    outcome.stdout,
    /^sluice check: all good \(checked inputs, catalog, credentials, environment, parameters, references\) in \d+\.\d\d s\.\n$/,
  );
});

/** Each case breaks the fixture in one way; `expected` is the one problem line it must print. */
const CASES: Record<string, { readonly breakIt: (root: string) => void; readonly expected: RegExp }> = {
  'an input that does not exist': {
    breakIt: (root) =>
      edit(root, 'conf/base/catalog.yml', (text) => text.replace('data/numbers.csv', 'data/missing.csv')),
    expected:
      /^error {3}\[inputs\] conf\/base\/catalog\.yml:1:1: input "numbers" \(csv, data\/missing\.csv\) doesn't exist, and no node of the pipeline produces it \(read by double\)\.\n {8}hint: /m,
  },
  'a missing credential': {
    breakIt: (root) =>
      edit(root, 'conf/base/catalog.yml', (text) =>
        text.replace(
          'total:\n  type: json\n  filepath: data/total.json',
          'total:\n  type: sql_table\n  table: totals\n  credentials: warehouse',
        ),
      ),
    expected: /^error {3}\[credentials\] .*credentials "warehouse" are not in the credentials configuration/m,
  },
  'an environment variable interpolation needs': {
    breakIt: (root) =>
      write(
        join(root, 'conf/local/credentials.yml'),
        'other_db:\n  con: postgresql://app:${env:SLUICE_CHECK_UNSET_PASSWORD}@db/test\n',
      ),
    expected:
      /^error {3}\[env\] conf\/local\/credentials\.yml:2:\d+: the environment variable SLUICE_CHECK_UNSET_PASSWORD is not set, and \$\{env:SLUICE_CHECK_UNSET_PASSWORD\} has no default\./m,
  },
  'a parameter no parameters file defines': {
    breakIt: (root) => write(join(root, 'conf/base/parameters.yml'), 'factr: 2\n'),
    expected: /^error {3}\[parameters\] .*params:factor/m,
  },
  'a schema reference that does not resolve': {
    breakIt: (root) => edit(root, 'conf/base/catalog.yml', (text) => text.replace('#NumberRow', '#NumberRw')),
    expected:
      /^error {3}\[references\] conf\/base\/catalog\.yml:4:\d+: "\.\/src\/schemas\.ts" has no export named "NumberRw"\. Did you mean "NumberRow"\?/m,
  },
  'a plugin reference that does not resolve': {
    breakIt: (root) =>
      edit(root, 'sluice.config.ts', (text) =>
        text.replace('  pipelines: {', "  disableHooksForPlugins: ['sluice:step-hook'],\n  pipelines: {"),
      ),
    expected:
      /^error {3}\[references\] sluice\.config\.ts:5: disableHooksForPlugins names "sluice:step-hook", which is no built-in plugin, installed plugin package or plugin of the project, so nothing is turned off\. Did you mean "sluice:step-hooks"\?/m,
  },
  'a step hook reference that does not resolve': {
    breakIt: (root) => edit(root, 'conf/base/hooks.yml', (text) => text.replace('#logFailure', '#logFailur')),
    expected: /^error {3}\[references\] conf\/base\/hooks\.yml:2:\d+: .*logFailur/m,
  },
};

for (const [name, { breakIt, expected }] of Object.entries(CASES)) {
  test(`finds ${name}, alone: exit 1 with the problem at its line`, async () => {
    const root = project();
    breakIt(root);
    const outcome = await check(root, []);
    assertExit(outcome, 1);
    assert.match(outcome.stdout, expected, outcome.output);
    assert.match(outcome.stdout, /\nsluice check: 1 error\(s\), 0 warning\(s\) /, outcome.output);
  });
}

test('every problem at once: all listed, then the count', async () => {
  const root = project();
  for (const { breakIt } of Object.values(CASES)) breakIt(root);
  const outcome = await check(root);
  assertExit(outcome, 1);
  for (const { expected } of Object.values(CASES)) assert.match(outcome.stdout, expected, outcome.output);
  assert.match(outcome.stdout, /\nsluice check: 7 error\(s\), 0 warning\(s\) /, outcome.output);
});

test('an unused catalog entry is a warning: listed, exit 0', async () => {
  const root = project();
  edit(
    root,
    'conf/base/catalog.yml',
    (text) => `${text}\nleftover:\n  type: json\n  filepath: data/leftover.json\n`,
  );
  const outcome = await check(root);
  assertExit(outcome, 0);
  assert.match(
    outcome.stdout,
    /^warning \[unused\] conf\/base\/catalog\.yml:\d+:1: catalog entry "leftover" is used by no registered pipeline\.\n/m,
  );
  assert.match(outcome.stdout, /^sluice check: all good, 1 warning\(s\) /m);
});

test('--docs: an exported node function without a doc comment, at its line', async () => {
  const root = project();
  edit(root, 'src/nodes.ts', (text) => text.replace('/** The sum of the values. */\n', ''));
  assertExit(await check(root), 0);
  const outcome = await check(root, ['--docs']);
  assertExit(outcome, 1);
  assert.match(
    outcome.stdout,
    /^error {3}\[docs\] src\/nodes\.ts:6: node function total is exported without a doc comment\./m,
  );
});

test("--typecheck and --lint run the project's own tsc and eslint: one type error, one lint error", async () => {
  const root = project('preflight-tools', ['typescript', 'eslint', 'typescript-eslint']);
  assertExit(await check(root), 0);
  const outcome = await check(root, ['--typecheck', '--lint']);
  assertExit(outcome, 1);
  assert.match(
    outcome.stdout,
    /^error {3}\[typecheck\] src\/nodes\.ts:3:9: Type 'string' is not assignable to type 'number'\. \(TS2322\)$/m,
  );
  assert.match(
    outcome.stdout,
    /^error {3}\[lint\] src\/nodes\.ts:4:3: Unexpected 'debugger' statement\. \(no-debugger\)$/m,
  );
  assert.match(outcome.stdout, /\nsluice check: 2 error\(s\), 0 warning\(s\) \(.*typecheck, lint\) /);
});

test('several schema references that do not resolve are each listed at their line', async () => {
  const root = project();
  edit(
    root,
    'conf/base/catalog.yml',
    (text) => `${text.replace('#NumberRow', '#NumberRw')}  schema: ./src/schemas.ts#Total\n`,
  );
  const outcome = await check(root);
  assertExit(outcome, 1);
  assert.match(outcome.stdout, /^error {3}\[references\] conf\/base\/catalog\.yml:4:\d+: .*"NumberRw"/m);
  assert.match(outcome.stdout, /^error {3}\[references\] conf\/base\/catalog\.yml:9:\d+: .*"Total"/m);
  assert.match(outcome.stdout, /\nsluice check: 2 error\(s\)/);
});

test('an input table that does not exist in PostgreSQL is found without loading anything', async (t) => {
  if (!(await serviceOrSkip(t, 'PostgreSQL', '127.0.0.1', 5432))) return;
  const root = project();
  const table = `sluice_check_missing_${process.pid}`;
  edit(root, 'conf/base/catalog.yml', (text) =>
    text.replace(
      'numbers:\n  type: csv\n  filepath: data/numbers.csv',
      `numbers:\n  type: sql_table\n  table: ${table}\n  credentials: db`,
    ),
  );
  write(join(root, 'conf/local/credentials.yml'), 'db:\n  con: postgresql://postgres@127.0.0.1:5432/test\n');
  const outcome = await check(root);
  assertExit(outcome, 1);
  assert.match(
    outcome.stdout,
    new RegExp(
      `^error {3}\\[inputs\\] conf/base/catalog\\.yml:1:1: input "numbers" \\(sql_table, table ${table}\\) doesn't exist`,
      'm',
    ),
    outcome.output,
  );
  assert.match(outcome.stdout, /\nsluice check: 1 error\(s\)/);
});
