import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Table } from 'apache-arrow';
import { DatasetError } from '../../src/io/dataset.ts';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import { DuckDBCsvDataset } from '../../src/io/datasets/duckdb-csv.ts';

const SPACEFLIGHTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples/spaceflights');

function temporaryFolder(): string {
  return mkdtempSync(join(tmpdir(), 'sluice-duckdb-csv-'));
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

describe('duckdb_csv dataset', () => {
  it('loads the spaceflights reviews.csv: 15531 rows with detected types', async () => {
    const registry = createDatasetTypeRegistry();
    const reviews = await registry.get('duckdb_csv')(
      { filepath: 'data/01_raw/reviews.csv' },
      { name: 'reviews', projectPath: SPACEFLIGHTS },
    );
    const rows = (await reviews.load()) as Record<string, unknown>[];
    assert.equal(rows.length, 15531);
    const first = rows[0]!;
    assert.deepEqual(Object.keys(first), [
      'shuttle_id',
      'review_scores_rating',
      'review_scores_comfort',
      'review_scores_amenities',
      'review_scores_trip',
      'review_scores_crew',
      'review_scores_location',
      'review_scores_price',
      'number_of_reviews',
      'reviews_per_month',
    ]);
    assert.equal(typeof first.shuttle_id, 'number');
    assert.equal(typeof first.number_of_reviews, 'number');
  });

  it('loads the spaceflights companies.csv (10019 rows) as an Arrow table with a column selection', async () => {
    const companies = new DuckDBCsvDataset(
      'companies',
      {
        filepath: 'data/01_raw/companies.csv',
        load_args: { as: 'arrow', columns: ['id', 'company_rating'] },
      },
      { projectPath: SPACEFLIGHTS },
    );
    const table = (await companies.load()) as Table;
    assert.equal(table.numRows, 10019);
    assert.deepEqual(
      table.schema.fields.map((field) => field.name),
      ['id', 'company_rating'],
    );
  });

  it('round-trips rows, writing a header by default', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'out.csv');
    const rows = [
      { id: 1, city: 'Zürich, CH', price: 1.5, ok: true },
      { id: 2, city: 'say "hi"', price: null, ok: false },
    ];
    const dataset = new DuckDBCsvDataset('out', { filepath: path });
    await dataset.save(rows);
    assert.equal(
      readFileSync(path, 'utf8'),
      'id,city,price,ok\n1,"Zürich, CH",1.5,true\n2,"say ""hi""",,false\n',
    );
    assert.deepEqual(await dataset.load(), rows);
  });

  it('passes save_args to COPY and load_args to read_csv', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'semi.csv');
    await new DuckDBCsvDataset('semi', {
      filepath: path,
      save_args: { delim: ';', header: false, force_quote: ['name'] },
    }).save([{ code: '007', name: 'Bond' }]);
    assert.equal(readFileSync(path, 'utf8'), '007;"Bond"\n');
    const typed = new DuckDBCsvDataset('semi', {
      filepath: path,
      load_args: { delim: ';', header: false, columns: { code: 'VARCHAR', name: 'VARCHAR' } },
    });
    assert.deepEqual(await typed.load(), [{ code: '007', name: 'Bond' }]);
    const detected = new DuckDBCsvDataset('semi', {
      filepath: path,
      load_args: { delim: ';', header: false },
    });
    assert.deepEqual(await detected.load(), [{ column0: '007', column1: 'Bond' }]);
    const cast = new DuckDBCsvDataset('semi', {
      filepath: path,
      load_args: { delim: ';', header: false, types: { column0: 'INTEGER' } },
    });
    assert.deepEqual(await cast.load(), [{ column0: 7, column1: 'Bond' }]);
  });

  it('compresses with gzip when the file name ends in .gz', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'rows.csv.gz');
    const dataset = new DuckDBCsvDataset('rows', { filepath: path });
    await dataset.save([{ a: 1 }, { a: 2 }]);
    const bytes = readFileSync(path);
    assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b]);
    assert.equal(gunzipSync(bytes).toString(), 'a\n1\n2\n');
    assert.deepEqual(await dataset.load(), [{ a: 1 }, { a: 2 }]);
  });

  it('writes Dates in UTC and JSON columns as JSON text', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'events.csv');
    await new DuckDBCsvDataset('events', { filepath: path }).save([
      { at: new Date('2024-05-06T07:08:09.010Z'), payload: { k: [1, 'two'] } },
    ]);
    assert.equal(readFileSync(path, 'utf8'), 'at,payload\n2024-05-06 07:08:09.01+00,"{""k"":[1,""two""]}"\n');
    const [row] = (await new DuckDBCsvDataset('events', { filepath: path }).load()) as Record<
      string,
      unknown
    >[];
    assert.deepEqual(row!.at, new Date('2024-05-06T07:08:09.010Z'));
  });

  it('versioned saves and a failed save that leaves the old file whole', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'v.csv');
    await new DuckDBCsvDataset('v', { filepath: path, versioned: true }, { saveVersion: 'a' }).save([
      { n: 1 },
    ]);
    await new DuckDBCsvDataset('v', { filepath: path, versioned: true }, { saveVersion: 'b' }).save([
      { n: 2 },
    ]);
    assert.deepEqual(await new DuckDBCsvDataset('v', { filepath: path, versioned: true }).load(), [{ n: 2 }]);
    assert.deepEqual(
      await new DuckDBCsvDataset('v', { filepath: path, versioned: true }, { loadVersion: 'a' }).load(),
      [{ n: 1 }],
    );

    const plain = join(folder, 'plain.csv');
    writeFileSync(plain, 'n\n1\n');
    const error = await rejection(
      new DuckDBCsvDataset('plain', { filepath: plain, save_args: { delim: 'toolong' } }).save([{ n: 5 }]),
    );
    assert.match(error.message, /^Dataset "plain" \(duckdb_csv\) could not save .*plain\.csv: /);
    assert.equal(readFileSync(plain, 'utf8'), 'n\n1\n');
    assert.deepEqual(readdirSync(folder).sort(), ['plain.csv', 'v.csv']);
  });

  it('rejects a list for an unknown load option name with a clear error at load', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'x.csv');
    writeFileSync(path, 'a\n1\n');
    const error = await rejection(
      new DuckDBCsvDataset('x', { filepath: path, load_args: { delimeter: ',' } }).load(),
    );
    assert.match(error.message, /Dataset "x" \(duckdb_csv\) could not load .*x\.csv: .*delimeter/);
    assert.match(error.hint ?? '', /load_args/);
  });
});
