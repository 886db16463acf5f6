/**
 * `sluice typegen` on a copy of the numbers fixture with a Zod schema on a CSV entry, a JSON input
 * and nested parameters: the declaration it writes, env layering, `sluice run` refreshing it when
 * stale (and only then), and the compiler then checking node functions against it (the project's own `sluice`).
 */
import assert from 'node:assert/strict';
import {
  appendFileSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { format } from 'prettier';
import type { Options } from 'prettier';
import ts from 'typescript';
import { assertExit, copyProject, ensureBuilt, REPO, sluice, write } from './support.ts';
import { STARTER_COMPILER_OPTIONS } from '../support/type-check.ts';
import { datasetTypesEnv } from '../../src/cli/dataset-types-file.ts';

let project: string;
const DECLARATION = join('src', 'sluice-datasets.d.ts');

before(() => {
  ensureBuilt();
  project = copyProject('numbers');
  symlinkSync(join(REPO, 'node_modules', 'zod'), join(project, 'node_modules', 'zod'), 'dir');
  appendFileSync(
    join(project, 'conf', 'base', 'catalog.yml'),
    [
      '',
      'readings:',
      '  type: csv',
      '  filepath: data/readings.csv',
      '  schema: ./src/schemas.ts#Reading',
      '',
      'settings:',
      '  type: json',
      '  filepath: data/settings.json',
      '',
      'notes:',
      '  type: text',
      '  filepath: data/notes.txt',
      '',
    ].join('\n'),
  );
  appendFileSync(
    join(project, 'conf', 'base', 'parameters.yml'),
    'model:\n  test_size: 0.2\n  features: [a, b]\n',
  );
  write(
    join(project, 'src', 'schemas.ts'),
    "import { z } from 'zod';\nexport const Reading = z.object({ station: z.string(), celsius: z.number().nullable() });\n",
  );
});

test('typegen writes the types of schemas, dataset types and parameters, layered by env', async () => {
  const written = await sluice(['typegen'], { cwd: project });
  assertExit(written, 0);
  assert.match(written.stdout, /^Wrote src\/sluice-datasets\.d\.ts$/m);
  const source = readFileSync(join(project, DECLARATION), 'utf8');
  assert.match(source, /^import type \* as schemas from '\.\/schemas\.ts';$/m);
  assert.match(source, /^ {4}readings: SchemaOutput<typeof schemas\.Reading>\[\];$/m);
  assert.match(source, /^ {4}settings: unknown;$/m, 'a json input with no schema is unknown');
  assert.match(source, /^ {4}notes: string;$/m);
  assert.doesNotMatch(source, /doubled:/, 'a json output: only a schema could say what loads back');
  // A memory dataset: what its producer (`shift`, exported from src/nodes.ts) returns.
  assert.match(source, /^ {4}shifted: Awaited<ReturnType<typeof nodes\.shift>>;$/m);
  assert.match(source, /^ {4}'params:factor': number;$/m);
  assert.match(source, /^ {4}'params:label': string;$/m);
  assert.match(source, /^ {4}'params:model\.test_size': number;$/m);
  assert.match(source, /^ {4}'params:model\.features': string\[\];$/m);

  // Formatted as the project's Prettier would: formatting the project doesn't make it stale.
  const prettierOptions = JSON.parse(readFileSync(join(REPO, '.prettierrc.json'), 'utf8')) as Options;
  assert.equal(await format(source, { ...prettierOptions, parser: 'typescript' }), source);

  const again = await sluice(['typegen'], { cwd: project });
  assert.match(again.stdout, /^Up to date: /m);

  // The staging env overrides factor (a number there too) and the file says which env it follows.
  const staging = await sluice(['typegen', '--env', 'staging'], { cwd: project });
  assertExit(staging, 0);
  assert.match(readFileSync(join(project, DECLARATION), 'utf8'), /\(env staging\)/);
  assert.equal(datasetTypesEnv(readFileSync(join(project, DECLARATION), 'utf8')), 'staging');

  // `sluice run` in the env the file follows refreshes a stale file: a new parameter appears
  // without running typegen.
  appendFileSync(join(project, 'conf', 'base', 'parameters.yml'), 'threshold: 5\n');
  const run = await sluice(['run', '--pipeline', 'stats', '--progress', 'off', '--env', 'staging'], {
    cwd: project,
  });
  assertExit(run, 0);
  assert.match(run.stderr, /^\[sluice\] refreshed src\/sluice-datasets\.d\.ts$/m);
  const refreshed = readFileSync(join(project, DECLARATION), 'utf8');
  assert.match(refreshed, /'params:threshold': number;/);
  assert.match(refreshed, /\(env staging\)/);
});

test('`sluice run` in another env than the one the file follows leaves it alone', async () => {
  const declaration = join(project, DECLARATION);
  const runIn = (env: string[]) =>
    sluice(['run', '--pipeline', 'stats', '--progress', 'off', ...env], { cwd: project });
  assertExit(await sluice(['typegen', '--env', 'staging'], { cwd: project }), 0);
  appendFileSync(join(project, 'conf', 'base', 'parameters.yml'), 'floor_value: 1\n');
  const before = readFileSync(declaration, 'utf8');
  const elsewhere = await runIn([]);
  assertExit(elsewhere, 0);
  assert.doesNotMatch(elsewhere.stderr, /refreshed/);
  assert.equal(readFileSync(declaration, 'utf8'), before, 'a default-env run: the staging file unchanged');

  // Written for the default env, the file is refreshed by default runs and left by staging runs.
  assertExit(await sluice(['typegen'], { cwd: project }), 0);
  appendFileSync(join(project, 'conf', 'base', 'parameters.yml'), 'roof_value: 2\n');
  const defaultFile = readFileSync(declaration, 'utf8');
  const staging = await runIn(['--env', 'staging']);
  assertExit(staging, 0);
  assert.doesNotMatch(staging.stderr, /refreshed/);
  assert.equal(readFileSync(declaration, 'utf8'), defaultFile);
  assert.match((await runIn([])).stderr, /^\[sluice\] refreshed /m);
  assert.match(readFileSync(declaration, 'utf8'), /'params:roof_value': number;/);
});

test('the compiler checks node functions against the generated types', async () => {
  assertExit(await sluice(['typegen'], { cwd: project }), 0);
  const check = join(project, 'src', 'typed-check.ts');
  writeFileSync(
    check,
    [
      "import { node } from 'sluice';",
      '',
      "node((rows) => rows.filter((row) => row.celsius !== null).map((row) => row.station), 'readings', 'stations');",
      "node((size: number, features: string[]) => features.length * size, ['params:model.test_size', 'params:model.features'], 'score');",
      '// @ts-expect-error: readings are rows of { station, celsius }, not numbers',
      "node((values: number[]) => values.length, 'readings', 'count');",
      '// @ts-expect-error: a json input with no schema is unknown',
      "node((settings: { mode: string }) => settings.mode, 'settings', 'mode');",
      '// @ts-expect-error: shifted is what shift returns, numbers, not text',
      "node((text: string) => text.length, 'shifted', 'length');",
      '// @ts-expect-error: params:label is a string',
      "node((label: number) => label, 'params:label', 'label_number');",
      '',
    ].join('\n'),
  );
  const program = ts.createProgram([check, join(project, DECLARATION)], {
    ...STARTER_COMPILER_OPTIONS,
    types: ['node'],
    typeRoots: [join(REPO, 'node_modules', '@types')],
  });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  assert.deepEqual(problems, []);
});

test('`sluice run` reads nothing while no input of the types changed, and refreshes when one did', async () => {
  const run = () => sluice(['run', '--pipeline', 'stats', '--progress', 'off'], { cwd: project });
  const declaration = join(project, DECLARATION);
  assertExit(await sluice(['typegen'], { cwd: project }), 0);
  // A whole second, so that the stamp can be set back exactly below.
  const second = Math.floor(Date.now() / 1000) - 60;
  utimesSync(declaration, second, second);
  assertExit(await run(), 0); // records the inputs the file was generated from

  // Proof that a run with unchanged inputs doesn't regenerate: a hand edit that keeps the file's
  // size and modification time goes unnoticed.
  const written = readFileSync(declaration, 'utf8');
  writeFileSync(declaration, written.replace('// Written by', '// WRITTEN BY'));
  utimesSync(declaration, second, second);
  const unchanged = await run();
  assertExit(unchanged, 0);
  assert.doesNotMatch(unchanged.stderr, /refreshed/);
  assert.match(readFileSync(declaration, 'utf8'), /WRITTEN BY/);

  // Any other edit of the file is noticed.
  writeFileSync(declaration, written.replace('// Written by', '// WRITTEN BY '));
  assert.match((await run()).stderr, /^\[sluice\] refreshed src\/sluice-datasets\.d\.ts$/m);
  assert.equal(readFileSync(declaration, 'utf8'), written);

  // A changed parameter, a changed source file.
  appendFileSync(join(project, 'conf', 'base', 'parameters.yml'), 'ceiling: 9\n');
  assert.match((await run()).stderr, /^\[sluice\] refreshed /m);
  assert.match(readFileSync(declaration, 'utf8'), /'params:ceiling': number;/);
  assert.doesNotMatch((await run()).stderr, /refreshed/);
  write(
    join(project, 'src', 'schemas.ts'),
    "import { z } from 'zod';\nexport const Reading = z.object({ station: z.string(), celsius: z.number().nullable() });\nexport const Station = z.object({ id: z.string() });\n",
  );
  appendFileSync(
    join(project, 'conf', 'base', 'catalog.yml'),
    '\nstations:\n  type: json\n  filepath: data/stations.json\n  schema: ./src/schemas.ts#Station\n',
  );
  assert.match((await run()).stderr, /^\[sluice\] refreshed /m);
  assert.match(readFileSync(declaration, 'utf8'), /stations: SchemaOutput<typeof schemas\.Station>;/);
});

test('datasetTypesEnv reads the env from the first line, whatever its name, and nothing else', () => {
  const header = (env: string) =>
    `// Written by \`sluice typegen\` (and refreshed by \`sluice run\`) from conf/ (env ${env}) and the\n// catalog's schemas...\n`;
  for (const env of ['local', 'prod(eu)', 'a)b', 'with space', 'ünï$'])
    assert.equal(datasetTypesEnv(header(env)), env);
  assert.equal(datasetTypesEnv(header('prod').replace('\n', '\r\n')), 'prod', 'Windows line endings');
  assert.equal(datasetTypesEnv('// written by hand\nexport {};\n'), undefined);
  assert.equal(datasetTypesEnv(`export {};\n${header('prod')}`), undefined, 'only the first line counts');
});

test('a types file that cannot be read: the run says so on one line and goes on', async () => {
  const broken = copyProject('numbers');
  const declaration = join(broken, DECLARATION);
  rmSync(declaration, { force: true });
  mkdirSync(declaration, { recursive: true }); // a folder where the file should be: EISDIR
  const outcome = await sluice(['run', '--pipeline', 'stats', '--progress', 'off'], { cwd: broken });
  assertExit(outcome, 0);
  assert.match(outcome.stderr, /^\[sluice\] could not refresh src\/sluice-datasets\.d\.ts: EISDIR/m);
});
