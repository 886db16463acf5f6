import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  DateDay,
  Field,
  Int64,
  List,
  Table,
  TimeUnit,
  Timestamp,
  TimestampMillisecond,
  Utf8,
  tableFromArrays,
  vectorFromArray,
} from 'apache-arrow';
import { DatasetError } from '../../src/io/dataset.ts';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import { ParquetDataset } from '../../src/io/datasets/parquet.ts';

function temporaryFolder(): string {
  return mkdtempSync(join(tmpdir(), 'sluice-parquet-'));
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

function thrown(run: () => unknown): DatasetError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof DatasetError, `expected a DatasetError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a throw');
}

/** Asks DuckDB itself (not the dataset) what is in a Parquet file. */
async function inspect<T>(sql: string): Promise<T[]> {
  const instance = await DuckDBInstance.create(':memory:');
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
    joined: new Date('2024-01-02T03:04:05.678Z'),
    tags: { team: 'a', level: [1, 2] },
  },
  {
    id: 2,
    name: 'O\'Brien "quoted"',
    score: -0.25,
    active: false,
    joined: new Date('1999-12-31T23:59:59.000Z'),
    tags: null,
  },
  { id: 3, name: null, score: null, active: null, joined: null, tags: { team: 'b' } },
];

describe('parquet dataset', () => {
  it('round-trips rows of mixed column types through a real Parquet file', async () => {
    const folder = temporaryFolder();
    const dataset = new ParquetDataset('people', { filepath: join(folder, 'people.parquet') });
    assert.equal(await dataset.exists(), false);
    await dataset.save(ROWS);
    assert.equal(await dataset.exists(), true);
    assert.equal(readFileSync(join(folder, 'people.parquet')).subarray(0, 4).toString(), 'PAR1');
    assert.deepEqual(await dataset.load(), ROWS);
    const schema = await inspect<{ name: string; type: string }>(
      `SELECT name, type FROM parquet_schema('${join(folder, 'people.parquet')}') WHERE name <> 'duckdb_schema'`,
    );
    assert.deepEqual(
      schema.map((column) => column.name),
      ['id', 'name', 'score', 'active', 'joined', 'tags'],
    );
  });

  it('reads 64-bit integers as numbers when exact and as bigints otherwise', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'big.parquet');
    await inspect(
      `COPY (SELECT * FROM (VALUES (1, 42::BIGINT), (2, 9007199254740993::BIGINT), (3, (-9223372036854775808)::BIGINT)) t(k, v)) TO '${path}' (FORMAT parquet)`,
    );
    const rows = (await new ParquetDataset('big', { filepath: path }).load()) as {
      k: number;
      v: number | bigint;
    }[];
    assert.deepEqual(
      rows.map((row) => row.v),
      [42, 9007199254740993n, -9223372036854775808n],
    );
    assert.equal(typeof rows[0]!.k, 'number');
  });

  it('saves bigints beyond 2^53 losslessly and reads them back as bigints', async () => {
    const folder = temporaryFolder();
    const dataset = new ParquetDataset('big', { filepath: join(folder, 'big.parquet') });
    await dataset.save([{ v: 2n ** 62n }, { v: 7 }]);
    assert.deepEqual(await dataset.load(), [{ v: 2n ** 62n }, { v: 7 }]);
  });

  it('loads an Arrow table with load_args.as: arrow', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'people.parquet');
    await new ParquetDataset('people', { filepath: path }).save(ROWS);
    const table = (await new ParquetDataset('people', {
      filepath: path,
      load_args: { as: 'arrow' },
    }).load()) as Table;
    assert.ok(table instanceof Table);
    assert.equal(table.numRows, 3);
    assert.deepEqual(
      table.schema.fields.map((field) => `${field.name}:${String(field.type)}`),
      [
        'id:Int64',
        'name:Utf8',
        'score:Float64',
        'active:Bool',
        'joined:Timestamp<MILLISECOND, UTC>',
        'tags:Utf8',
      ],
    );
    assert.equal(table.getChild('id')!.get(2), 3n);
    assert.equal(table.getChild('name')!.get(1), 'O\'Brien "quoted"');
    assert.equal(table.getChild('name')!.get(2), null);
    assert.equal(table.getChild('joined')!.get(0), Date.parse('2024-01-02T03:04:05.678Z'));
    assert.deepEqual(JSON.parse(table.getChild('tags')!.get(0) as string), { team: 'a', level: [1, 2] });
  });

  it('saves an Arrow table, keeping its column types', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'arrow.parquet');
    const table = tableFromArrays({
      small: Int32Array.from([1, 2, 3]),
      wide: BigInt64Array.from([1n, 2n ** 60n, -5n]),
      ratio: Float32Array.from([0.5, 1.5, 2.5]),
      label: ['a', 'b', 'a'],
    });
    await new ParquetDataset('arrow', { filepath: path }).save(table);
    const schema = await inspect<{ name: string; type: string }>(
      `SELECT name, type FROM parquet_schema('${path}') WHERE name <> 'duckdb_schema'`,
    );
    assert.deepEqual(
      schema.map((column) => `${column.name}:${column.type}`),
      ['small:INT32', 'wide:INT64', 'ratio:FLOAT', 'label:BYTE_ARRAY'],
    );
    assert.deepEqual(await new ParquetDataset('arrow', { filepath: path }).load(), [
      { small: 1, wide: 1, ratio: 0.5, label: 'a' },
      { small: 2, wide: 2n ** 60n, ratio: 1.5, label: 'b' },
      { small: 3, wide: -5, ratio: 2.5, label: 'a' },
    ]);
    const back = (await new ParquetDataset('arrow', {
      filepath: path,
      load_args: { as: 'arrow' },
    }).load()) as Table;
    assert.equal(back.getChild('wide')!.get(1), 2n ** 60n);
    assert.equal(String(back.schema.fields[2]!.type), 'Float32');
  });

  it('saves Arrow dates, timestamps (with and without a time zone), nulls and nested lists', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'times.parquet');
    const days = [new Date('2024-02-29T00:00:00Z'), null];
    const instants = [new Date('2024-02-29T12:34:56.789Z'), new Date('1969-07-20T20:17:40Z')];
    const table = new Table({
      day: vectorFromArray(days, new DateDay()),
      local: vectorFromArray(instants, new TimestampMillisecond()),
      utc: vectorFromArray(instants, new Timestamp(TimeUnit.MILLISECOND, 'UTC')),
      count: vectorFromArray([7n, null], new Int64()),
      tags: vectorFromArray([['a', 'b'], []], new List(new Field('item', new Utf8()))),
    });
    await new ParquetDataset('times', { filepath: path }).save(table);
    const schema = await inspect<{ name: string; logical_type: string | null; type: string }>(
      `SELECT name, type FROM parquet_schema('${path}') WHERE name IN ('day', 'local', 'utc', 'count', 'tags')`,
    );
    assert.deepEqual(
      schema.map((column) => `${column.name}:${column.type}`),
      ['day:INT32', 'local:INT64', 'utc:INT64', 'count:INT64', 'tags:BYTE_ARRAY'],
    );
    assert.deepEqual(await new ParquetDataset('times', { filepath: path }).load(), [
      { day: days[0], local: instants[0], utc: instants[0], count: 7, tags: ['a', 'b'] },
      { day: null, local: instants[1], utc: instants[1], count: null, tags: [] },
    ]);
  });

  it('an empty Arrow table with a schema saves an empty file; empty rows are refused with a hint', async () => {
    const folder = temporaryFolder();
    const dataset = new ParquetDataset('empty', { filepath: join(folder, 'empty.parquet') });
    await dataset.save(tableFromArrays({ a: new Float64Array(0) }));
    assert.deepEqual(await dataset.load(), []);
    const error = await rejection(dataset.save([]));
    assert.match(error.message, /Dataset "empty" \(parquet\) could not save .*no columns/);
    assert.match(error.hint ?? '', /Arrow table/);
  });

  it('passes save_args to COPY: the compression codec changes the file', async () => {
    const folder = temporaryFolder();
    const rows = Array.from({ length: 5000 }, (_, index) => ({
      index,
      text: `row ${index % 7} ${'x'.repeat(40)}`,
    }));
    const plain = join(folder, 'plain.parquet');
    const zstd = join(folder, 'zstd.parquet');
    await new ParquetDataset('plain', { filepath: plain, save_args: { compression: 'uncompressed' } }).save(
      rows,
    );
    await new ParquetDataset('zstd', {
      filepath: zstd,
      save_args: { compression: 'zstd', row_group_size: 2048 },
    }).save(rows);
    const codecs = await inspect<{ compression: string; groups: bigint }>(
      `SELECT DISTINCT compression, (SELECT count(DISTINCT row_group_id) FROM parquet_metadata('${zstd}')) AS groups FROM parquet_metadata('${zstd}')`,
    );
    assert.deepEqual(codecs, [{ compression: 'ZSTD', groups: 3n }]);
    const plainCodecs = await inspect<{ compression: string; groups: bigint }>(
      `SELECT DISTINCT compression, (SELECT count(DISTINCT row_group_id) FROM parquet_metadata('${plain}')) AS groups FROM parquet_metadata('${plain}')`,
    );
    assert.deepEqual(plainCodecs, [{ compression: 'UNCOMPRESSED', groups: 1n }]);
    assert.ok(
      statSync(zstd).size < statSync(plain).size / 2,
      `zstd ${statSync(zstd).size} vs plain ${statSync(plain).size}`,
    );
    assert.deepEqual(await new ParquetDataset('zstd', { filepath: zstd }).load(), rows);
  });

  it('passes load_args to read_parquet and selects columns', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'people.parquet');
    await new ParquetDataset('people', { filepath: path }).save(ROWS);
    const selected = await new ParquetDataset('people', {
      filepath: path,
      load_args: { columns: ['score', 'id'] },
    }).load();
    assert.deepEqual(selected, [
      { score: 9.5, id: 1 },
      { score: -0.25, id: 2 },
      { score: null, id: 3 },
    ]);
    const numbered = (await new ParquetDataset('people', {
      filepath: path,
      load_args: { columns: ['id', 'file_row_number'], file_row_number: true },
    }).load()) as Record<string, unknown>[];
    assert.deepEqual(
      numbered.map((row) => row.file_row_number),
      [0, 1, 2],
    );
  });

  it('an unknown read_parquet option fails at load with a DatasetError that names the dataset and points at load_args', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'people.parquet');
    await new ParquetDataset('people', { filepath: path }).save(ROWS);
    const error = await rejection(
      new ParquetDataset('people', { filepath: path, load_args: { binary_as_strin: true } }).load(),
    );
    assert.match(
      error.message,
      /^Dataset "people" \(parquet\) could not load .*people\.parquet: .*binary_as_strin/,
    );
    assert.match(error.hint ?? '', /load_args/);
    assert.equal(error.datasetName, 'people');
  });

  it('saves and loads versions', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'model_input.parquet');
    await new ParquetDataset(
      'mi',
      { filepath: path, versioned: true },
      { saveVersion: '2024-01-01T00.00.00.000Z' },
    ).save([{ v: 1 }]);
    await new ParquetDataset(
      'mi',
      { filepath: path, versioned: true },
      { saveVersion: '2024-01-02T00.00.00.000Z' },
    ).save([{ v: 2 }]);
    assert.deepEqual(readdirSync(path).sort(), ['2024-01-01T00.00.00.000Z', '2024-01-02T00.00.00.000Z']);
    assert.deepEqual(await new ParquetDataset('mi', { filepath: path, versioned: true }).load(), [{ v: 2 }]);
    assert.deepEqual(
      await new ParquetDataset(
        'mi',
        { filepath: path, versioned: true },
        { loadVersion: '2024-01-01T00.00.00.000Z' },
      ).load(),
      [{ v: 1 }],
    );
    const again = await rejection(
      new ParquetDataset(
        'mi',
        { filepath: path, versioned: true },
        { saveVersion: '2024-01-01T00.00.00.000Z' },
      ).save([{ v: 3 }]),
    );
    assert.match(again.message, /already has version/);
    const missing = await rejection(
      new ParquetDataset('mi', { filepath: path, versioned: true }, { loadVersion: 'nope' }).load(),
    );
    assert.match(missing.message, /no version "nope"/);
  });

  it('a failed save leaves the old file whole and no temporary file behind', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'keep.parquet');
    await new ParquetDataset('keep', { filepath: path }).save(ROWS);
    const before = readFileSync(path);
    // Fails inside COPY, after the data was staged: DuckDB rejects the codec when it opens the writer.
    const badCodec = await rejection(
      new ParquetDataset('keep', { filepath: path, save_args: { compression: 'squash' } }).save([
        { other: 1 },
      ]),
    );
    assert.match(
      badCodec.message,
      /Dataset "keep" \(parquet\) could not save .*keep\.parquet: .*compression/i,
    );
    // Fails while staging: a column that mixes numbers and strings.
    const mixed = await rejection(
      new ParquetDataset('keep', { filepath: path }).save([{ a: 1 }, { a: 'one' }]),
    );
    assert.match(mixed.message, /column "a" mixes number and string values \(first conflict at row 1\)/);
    assert.match(mixed.hint ?? '', /one type/);
    const invalid = await rejection(
      new ParquetDataset('keep', { filepath: path }).save([
        { at: new Date() },
        { at: new Date('not a date') },
      ]),
    );
    assert.match(invalid.message, /column "at" holds an invalid Date at row 1, which no database can store/);
    assert.deepEqual(readFileSync(path), before);
    assert.deepEqual(readdirSync(folder), ['keep.parquet']);
    assert.deepEqual(await new ParquetDataset('keep', { filepath: path }).load(), ROWS);
  });

  it('a corrupt file fails to load with a DatasetError naming dataset and file', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'broken.parquet');
    writeFileSync(path, 'this is not parquet');
    const error = await rejection(new ParquetDataset('broken', { filepath: path }).load());
    assert.match(error.message, /^Dataset "broken" \(parquet\) could not load .*broken\.parquet: /);
  });

  it('a missing file is "file not found" with a hint', async () => {
    const error = await rejection(
      new ParquetDataset('gone', { filepath: join(temporaryFolder(), 'gone.parquet') }).load(),
    );
    assert.match(error.message, /Dataset "gone" \(parquet\): file not found: .*gone\.parquet/);
    assert.match(error.hint ?? '', /filepath/);
  });

  it('save refuses data that is neither rows nor an Arrow table', async () => {
    const dataset = new ParquetDataset('odd', { filepath: join(temporaryFolder(), 'odd.parquet') });
    const error = await rejection(dataset.save('text' as never));
    assert.match(error.message, /save\(\) expects an array of row objects or an Arrow table; got a string/);
  });

  it('validates options when built, naming the dataset, the option and the YAML location', () => {
    const location = { file: 'conf/base/catalog.yml', line: 12, column: 3 };
    const typo = thrown(
      () =>
        new ParquetDataset('people', { filepth: 'x.parquet', filepath: 'x.parquet' } as never, { location }),
    );
    assert.match(
      typo.message,
      /^Dataset "people" \(parquet, conf\/base\/catalog\.yml:12:3\): unknown option "filepth"\. Did you mean "filepath"\?/,
    );
    const shape = thrown(
      () =>
        new ParquetDataset('people', { filepath: 'x.parquet', load_args: { as: 'arow' } } as never, {
          location,
        }),
    );
    assert.match(
      shape.message,
      /option "load_args.as" must be one of rows, arrow, got "arow"\. Did you mean "arrow"\?/,
    );
    const columns = thrown(
      () => new ParquetDataset('people', { filepath: 'x.parquet', load_args: { columns: 'id' } } as never),
    );
    assert.match(columns.message, /option "load_args.columns" must be a list of column names/);
    const partition = thrown(
      () => new ParquetDataset('people', { filepath: 'x.parquet', save_args: { partition_by: ['a'] } }),
    );
    assert.match(partition.message, /option "save_args.partition_by" is not supported/);
    assert.match(partition.hint ?? '', /one file atomically/);
    const badKey = thrown(
      () => new ParquetDataset('people', { filepath: 'x.parquet', save_args: { 'row group': 1 } }),
    );
    assert.match(badKey.message, /"row group" is not a valid DuckDB option name/);
    const missing = thrown(() => new ParquetDataset('people', {} as never));
    assert.match(missing.message, /option "filepath" is required/);
  });

  it('is built by the registry with paths relative to the project', async () => {
    const project = temporaryFolder();
    const registry = createDatasetTypeRegistry();
    const dataset = await registry.get('parquet')(
      { filepath: 'data/02_intermediate/x.parquet', save_args: { compression: 'zstd' } },
      { name: 'x', projectPath: project },
    );
    await dataset.save([{ a: 1 }]);
    assert.ok(statSync(join(project, 'data/02_intermediate/x.parquet')).isFile());
    assert.deepEqual(dataset.describe(), {
      type: 'parquet',
      filepath: join(project, 'data/02_intermediate/x.parquet'),
      versioned: false,
      save_args: { compression: 'zstd' },
    });
  });
});
