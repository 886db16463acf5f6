/**
 * Validation of every tabular dataset type on load and on save, on real files and a real
 * PostgreSQL: csv, parquet (DuckDB), json, jsonl, excel and sql_table. A failing output leaves no
 * file (no table) behind; a failing file fails the node that reads it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { DatasetValidationError, NodeFailuresError } from '../../src/index.ts';
import { serviceOrSkip } from '../support/services.ts';
import { results, runProject, validationProject } from './validation-support.ts';

const ITEM = 'export const Item = z.object({ id: z.number().int(), label: z.string() });';
const GOOD = `[{ id: 1, label: 'a' }, { id: 2, label: 'b' }]`;
const BAD = `[{ id: 1, label: 'a' }, { id: 1.5, label: 'b' }]`;

interface Format {
  readonly type: string;
  /** Catalog settings of an entry called `name`, after its type. */
  settings(name: string): string;
  /** Whether the data of `name` was written. */
  written(root: string, name: string): Promise<boolean>;
}

const file = (extension: string): Format => ({
  type: extension === 'xlsx' ? 'excel' : extension,
  settings: (name) => `filepath: data/${name}.${extension}`,
  written: async (root, name) => existsSync(join(root, 'data', `${name}.${extension}`)),
});

/** Writes good data and bad data (unchecked), then reads both back checked, and saves both checked. */
async function checkFormat(format: Format, root: string): Promise<void> {
  const run = await runProject(root, { continueOnFailure: true });
  assert.ok(run.error instanceof NodeFailuresError, String(run.error));
  const failures = Object.fromEntries(run.error.failures.map((failure) => [failure.nodeName, failure.error]));
  assert.deepEqual(Object.keys(failures).sort(), ['read_bad', 'save_bad']);
  assert.ok(failures.read_bad instanceof DatasetValidationError);
  assert.match(
    failures.read_bad.message,
    /^Dataset "bad_checked" failed validation when loaded as an input of node "read_bad": 1 of 2 rows checked fail the schema \.\/src\/schemas\.ts#Item\.\n {2}row 1: id: Invalid input: expected int, received number/,
  );
  assert.ok(failures.save_bad instanceof DatasetValidationError);
  assert.match(
    failures.save_bad.message,
    /^Dataset "bad_out" failed validation as an output of node "save_bad"/,
  );
  assert.equal(await format.written(root, 'bad_out'), false, `${format.type}: a failing output was written`);
  assert.equal(await format.written(root, 'good_out'), true);
  const seen = results(run)
    .map((result) => `${result.datasetName} ${result.stage} ${result.status}`)
    .sort();
  assert.deepEqual(seen, [
    'bad_checked load failed',
    'bad_out save failed',
    'good_checked load passed',
    'good_out save passed',
  ]);
}

function formatProject(format: Format): string {
  const entry = (name: string, schema: boolean) =>
    `${name}:\n  type: ${format.type}\n  ${format.settings(name === 'good_checked' ? 'good_raw' : name === 'bad_checked' ? 'bad_raw' : name)}\n${schema ? '  schema: ./src/schemas.ts#Item\n' : ''}`;
  return validationProject({
    schemas: ITEM,
    catalog: [
      entry('good_raw', false),
      entry('bad_raw', false),
      entry('good_checked', true),
      entry('bad_checked', true),
      entry('good_out', true),
      entry('bad_out', true),
    ].join(''),
    nodes: `
      node(() => ${GOOD}, undefined, 'good_raw', { name: 'write_good' }),
      node(() => ${BAD}, undefined, 'bad_raw', { name: 'write_bad' }),
      node((rows: unknown[]) => rows, 'good_checked', 'read_good_out', { name: 'read_good' }),
      node((rows: unknown[]) => rows, 'bad_checked', 'read_bad_out', { name: 'read_bad' }),
      node(() => ${GOOD}, undefined, 'good_out', { name: 'save_good' }),
      node(() => ${BAD}, undefined, 'bad_out', { name: 'save_bad' }),
    `,
  });
}

/**
 * The readers must run after the writers, though nothing links them in the DAG: the writers run
 * first, in a run of their own.
 */
async function prepareRaw(root: string): Promise<void> {
  const run = await runProject(root, { nodeNames: ['write_good', 'write_bad'] });
  assert.equal(run.error, undefined, String(run.error));
}

for (const extension of ['csv', 'parquet', 'json', 'jsonl', 'xlsx']) {
  test(`${extension}: checked on load and on save; a failing output is not written`, async () => {
    const format = file(extension);
    const root = formatProject(format);
    await prepareRaw(root);
    await checkFormat(format, root);
  });
}

test('sql_table on PostgreSQL: checked on load and on save; a failing output creates no table', async (t) => {
  if (!(await serviceOrSkip(t, 'PostgreSQL', '127.0.0.1', 5432))) return;
  const suffix = `${process.pid}_${Date.now()}`;
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
  t.after(async () => {
    for (const name of ['good_raw', 'bad_raw', 'good_out', 'bad_out'])
      await client.query(`DROP TABLE IF EXISTS validation_${name}_${suffix}`);
    await client.end();
  });
  const format: Format = {
    type: 'sql_table',
    settings: (name) =>
      `table: validation_${name}_${suffix}\n  credentials: db\n  save_args: { if_exists: replace }`,
    written: async (_root, name) =>
      (await client.query(`SELECT to_regclass($1) AS found`, [`validation_${name}_${suffix}`])).rows[0]
        .found !== null,
  };
  const root = formatProject(format);
  mkdirSync(join(root, 'conf', 'local'), { recursive: true });
  writeFileSync(
    join(root, 'conf', 'local', 'credentials.yml'),
    'db:\n  con: postgresql://postgres@127.0.0.1:5432/test\n',
  );
  await prepareRaw(root);
  await checkFormat(format, root);
});

test('an Arrow table (parquet loaded with `as: arrow`) is checked row by row; sampling reads only the sample', async () => {
  const root = validationProject({
    schemas: ITEM,
    catalog: `raw:
  type: parquet
  filepath: data/raw.parquet
as_arrow:
  type: parquet
  filepath: data/raw.parquet
  load_args: { as: arrow }
  schema: ./src/schemas.ts#Item
sampled:
  type: parquet
  filepath: data/raw.parquet
  load_args: { as: arrow }
  schema: ./src/schemas.ts#Item
  validation: { sample: 2 }
`,
    nodes: `
      node(() => [{ id: 1, label: 'a' }, { id: 2.5, label: 'b' }, { id: 3, label: 'c' }, { id: 4.5, label: 'd' }], undefined, 'raw', { name: 'write' }),
      node((table: { numRows: number }) => table.numRows, 'as_arrow', 'arrow_rows', { name: 'read_arrow' }),
      node((table: { numRows: number }) => table.numRows, 'sampled', 'sampled_rows', { name: 'read_sampled' }),
    `,
  });
  assert.equal((await runProject(root, { nodeNames: ['write'] })).error, undefined);
  const run = await runProject(root, { nodeNames: ['read_arrow', 'read_sampled'], continueOnFailure: true });
  assert.ok(run.error instanceof NodeFailuresError, String(run.error));
  assert.deepEqual(
    run.error.failures.map((failure) => failure.nodeName),
    ['read_arrow'],
  );
  const [arrow, sampled] = ['as_arrow', 'sampled'].map((name) =>
    results(run).find((result) => result.datasetName === name)!,
  );
  assert.deepEqual(
    arrow!.issues.map((issue) => [issue.row, issue.path]),
    [
      [1, 'id'],
      [3, 'id'],
    ],
  );
  // Rows 0 and 2 of 4: both pass.
  assert.deepEqual([sampled!.status, sampled!.rowsChecked, sampled!.rowCount], ['passed', 2, 4]);
});
