import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { Table, tableFromArrays } from 'apache-arrow';
import { DatasetError } from '../../src/io/dataset.ts';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import { DuckDBQueryDataset } from '../../src/io/datasets/duckdb-query.ts';
import { DuckDBTableDataset } from '../../src/io/datasets/duckdb-table.ts';

function temporaryFolder(): string {
  return mkdtempSync(join(tmpdir(), 'sluice-duckdb-table-'));
}

async function rejection(promise: Promise<unknown>): Promise<DatasetError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DatasetError, `expected a DatasetError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the promise to reject');
}

/** Opens the database file with a separate DuckDB instance: only possible once the datasets let go of it. */
async function inspectFile<T>(path: string, sql: string): Promise<T[]> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS() as T[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const ROWS = [
  {
    id: 1,
    name: 'Ana',
    score: 9.5,
    active: true,
    at: new Date('2024-01-02T03:04:05.678Z'),
    payload: { k: [1, 2] },
    huge: 2n ** 62n,
  },
  { id: 2, name: null, score: null, active: false, at: null, payload: null, huge: 3n },
];

describe('duckdb_table on a DuckDB database file', () => {
  it('round-trips rows in a real database file, and release() unlocks the file', async () => {
    const folder = temporaryFolder();
    const database = join(folder, 'db', 'warehouse.duckdb');
    const dataset = new DuckDBTableDataset('people', {
      database,
      table: 'people',
      schema: 'crm',
      save_args: { if_exists: 'replace' },
    });
    assert.equal(await dataset.exists(), false);
    assert.equal(existsSync(database), false, 'exists() must not create the database file');
    await dataset.save(ROWS);
    assert.equal(await dataset.exists(), true);
    assert.deepEqual(await dataset.load(), [ROWS[0], { ...ROWS[1], huge: 3 }]);
    await dataset.release();
    const columns = await inspectFile<{ column_name: string; data_type: string }>(
      database,
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'crm' AND table_name = 'people' ORDER BY ordinal_position`,
    );
    assert.deepEqual(columns, [
      { column_name: 'id', data_type: 'BIGINT' },
      { column_name: 'name', data_type: 'VARCHAR' },
      { column_name: 'score', data_type: 'DOUBLE' },
      { column_name: 'active', data_type: 'BOOLEAN' },
      { column_name: 'at', data_type: 'TIMESTAMP WITH TIME ZONE' },
      { column_name: 'payload', data_type: 'JSON' },
      { column_name: 'huge', data_type: 'BIGINT' },
    ]);
    // After the outside look, the dataset opens the file again by itself.
    assert.equal(((await dataset.load()) as unknown[]).length, 2);
    await dataset.release();
  });

  it('saves an Arrow table and loads one, with a column selection', async () => {
    const database = join(temporaryFolder(), 'w.duckdb');
    const dataset = new DuckDBTableDataset('measures', {
      database,
      table: 'measures',
      load_args: { as: 'arrow', columns: ['value', 'sensor'] },
    });
    await dataset.save(
      tableFromArrays({
        sensor: ['a', 'b'],
        value: Float64Array.from([1.5, 2.5]),
        count: BigInt64Array.from([1n, 2n]),
      }),
    );
    const table = (await dataset.load()) as Table;
    assert.ok(table instanceof Table);
    assert.deepEqual(
      table.schema.fields.map((field) => `${field.name}:${String(field.type)}`),
      ['value:Float64', 'sensor:Utf8'],
    );
    assert.deepEqual(
      table.toArray().map((row) => row.toJSON()),
      [
        { value: 1.5, sensor: 'a' },
        { value: 2.5, sensor: 'b' },
      ],
    );
    await dataset.release();
  });

  it('if_exists: fail by default, append by column name, replace; a failed append leaves the table whole', async () => {
    const database = join(temporaryFolder(), 'w.duckdb');
    const registry = createDatasetTypeRegistry();
    const build = async (ifExists?: string) =>
      (await registry.get('duckdb_table')(
        {
          database: 'w.duckdb',
          table: 'scores',
          ...(ifExists === undefined ? {} : { save_args: { if_exists: ifExists } }),
        },
        { name: 'scores', projectPath: join(database, '..') },
      )) as DuckDBTableDataset;
    const first = await build();
    await first.save([{ n: 1, label: 'one' }]);
    const refused = await rejection(first.save([{ n: 2, label: 'two' }]));
    assert.match(
      refused.message,
      /^Dataset "scores" \(duckdb_table\): table "scores" already exists in DuckDB database .*w\.duckdb, and save_args\.if_exists is "fail"/,
    );
    const append = await build('append');
    await append.save([{ label: 'two', n: 2 }]);
    assert.deepEqual(await append.load(), [
      { n: 1, label: 'one' },
      { n: 2, label: 'two' },
    ]);
    const mismatch = await rejection(append.save([{ n: 3, colour: 'red' }]));
    assert.match(
      mismatch.message,
      /^Dataset "scores" \(duckdb_table\) could not save table "scores" in DuckDB database .*w\.duckdb: /,
    );
    assert.match(mismatch.hint ?? '', /existing table's columns/);
    const mixed = await rejection(append.save([{ n: 4 }, { n: 'four' }]));
    assert.match(mixed.message, /column "n" mixes number and string values/);
    assert.deepEqual(await append.load(), [
      { n: 1, label: 'one' },
      { n: 2, label: 'two' },
    ]);
    const replace = await build('replace');
    await replace.save([{ other: true }]);
    assert.deepEqual(await replace.load(), [{ other: true }]);
    await replace.save([]);
    assert.deepEqual(await replace.load(), []);
    for (const dataset of [first, append, replace]) await dataset.release();
  });

  it('a missing table gives a DatasetError naming dataset, type and table', async () => {
    const database = join(temporaryFolder(), 'w.duckdb');
    const writer = new DuckDBTableDataset('w', {
      database,
      table: 'present',
      save_args: { if_exists: 'replace' },
    });
    await writer.save([{ a: 1 }]);
    const missing = new DuckDBTableDataset(
      'ghost',
      { database, table: 'absent' },
      { location: { file: 'conf/base/catalog.yml', line: 3, column: 1 } },
    );
    const error = await rejection(missing.load());
    assert.match(
      error.message,
      /^Dataset "ghost" \(duckdb_table, conf\/base\/catalog\.yml:3:1\) could not load table "absent" in DuckDB database .*w\.duckdb: Catalog Error: Table with name absent does not exist/,
    );
    assert.match(error.hint ?? '', /Save to the table first/);
    assert.equal(await missing.exists(), false);
    await writer.release();
    await missing.release();
  });

  it('validates its options', () => {
    assert.throws(
      () => new DuckDBTableDataset('t', { table: 'x' } as never),
      /option "database" is required/,
    );
    assert.throws(
      () =>
        new DuckDBTableDataset('t', {
          database: 'a.duckdb',
          table: 'x',
          save_args: { if_exist: 'append' },
        } as never),
      /unknown option "save_args\.if_exist"\. Did you mean "if_exists"\?/,
    );
    assert.throws(
      () =>
        new DuckDBTableDataset('t', {
          database: 'a.duckdb',
          table: 'x',
          load_args: { as: 'table' },
        } as never),
      /must be one of rows, arrow/,
    );
  });
});

describe('duckdb_query on a DuckDB database file', () => {
  it('runs a query with parameters, from text or a .sql file; read-only; a missing file is not created', async () => {
    const project = temporaryFolder();
    const database = join(project, 'w.duckdb');
    const writer = new DuckDBTableDataset('cities', { database, table: 'cities' });
    await writer.save([
      { city: 'Oslo', people: 700_000 },
      { city: 'Bergen', people: 290_000 },
      { city: 'Tromsø', people: 78_000 },
    ]);
    const query = new DuckDBQueryDataset('big', {
      database,
      sql: 'SELECT city FROM cities WHERE people > $1 ORDER BY people DESC; -- biggest first',
      load_args: { params: [100_000] },
    });
    assert.deepEqual(await query.load(), [{ city: 'Oslo' }, { city: 'Bergen' }]);
    assert.equal(await query.exists(), true);

    writeFileSync(join(project, 'count.sql'), 'SELECT count(*) AS n FROM cities');
    const registry = createDatasetTypeRegistry();
    const fromFile = await registry.get('duckdb_query')(
      { database: 'w.duckdb', filepath: 'count.sql', load_args: { as: 'arrow' } },
      { name: 'count', projectPath: project },
    );
    const table = (await fromFile.load()) as Table;
    assert.equal(table.getChild('n')!.get(0), 3n);

    const readOnly = await rejection(Promise.resolve().then(() => query.save()));
    assert.match(readOnly.message, /^Dataset "big" \(duckdb_query\) is read-only/);
    assert.match(readOnly.hint ?? '', /duckdb_table/);

    const bad = new DuckDBQueryDataset('bad', { database, sql: 'SELECT nope FROM cities' });
    assert.equal(await bad.exists(), false);
    const binder = await rejection(bad.load());
    assert.match(
      binder.message,
      /^Dataset "bad" \(duckdb_query\) could not run its query in DuckDB database .*w\.duckdb: Binder Error: .*nope/,
    );
    assert.match(binder.hint ?? '', /Check the SQL of "bad"/);

    const elsewhere = join(project, 'missing.duckdb');
    const absent = new DuckDBQueryDataset('absent', { database: elsewhere, sql: 'SELECT 1' });
    assert.equal(await absent.exists(), false);
    const notFound = await rejection(absent.load());
    assert.match(notFound.message, /DuckDB database file not found: .*missing\.duckdb/);
    assert.equal(existsSync(elsewhere), false);
    for (const dataset of [writer, query, fromFile, bad, absent]) await dataset.release();
  });
});
