import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatasetError } from '../../src/io/dataset.ts';
import { CsvDataset } from '../../src/io/datasets/csv.ts';
import { errorOf, tempDir } from './support/temp-dir.ts';

async function csvFile(dir: string, name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

test('csv round-trips rows through a real file', async (t) => {
  const dir = await tempDir(t);
  const dataset = new CsvDataset('shuttles', { filepath: 'data/shuttles.csv' }, { projectPath: dir });
  const rows = [
    { id: 1, name: 'Falcon, Heavy', engines: 27, reusable: true, note: null, quote: 'said "hi"' },
    { id: 2, name: 'Line\nbreak', engines: 2.5, reusable: false, note: 'x', quote: '' },
  ];
  await dataset.save(rows);
  const text = await readFile(join(dir, 'data', 'shuttles.csv'), 'utf8');
  assert.equal(text.split('\n')[0], 'id,name,engines,reusable,note,quote');
  // An empty string and a missing value are both an empty cell in CSV, so both load as null.
  assert.deepEqual(await dataset.load(), [rows[0], { ...rows[1], quote: null }]);
});

test('csv save writes the union of keys in first-seen order, dates as ISO text', async (t) => {
  const dir = await tempDir(t);
  const dataset = new CsvDataset('mixed', { filepath: join(dir, 'm.csv') });
  await dataset.save([{ a: 1 }, { b: new Date('2026-01-02T03:04:05Z'), a: 2 }, { c: { nested: [1] } }]);
  assert.equal(
    await readFile(join(dir, 'm.csv'), 'utf8'),
    'a,b,c\n1,,\n2,2026-01-02T03:04:05.000Z,\n,,"{""nested"":[1]}"\n',
  );
});

test('csv inference: plain numbers and true/false convert, everything else stays a string', async (t) => {
  const dir = await tempDir(t);
  const file = await csvFile(
    dir,
    'infer.csv',
    'int,float,exp,pct,money,flag,tf,zip,big,empty,neg\n' +
      '3888,1.0,1e3,100%,"$1,325.0",f,TRUE,007,12345678901234567890,,-2.5\n' +
      '7,.5,2E-2,94%,$9.0,t,false,0,1,"",+3\n',
  );
  const rows = await new CsvDataset('infer', { filepath: file }).load();
  assert.deepEqual(rows, [
    {
      int: 3888,
      float: 1,
      exp: 1000,
      pct: '100%',
      money: '$1,325.0',
      flag: 'f',
      tf: true,
      zip: '007',
      big: '12345678901234567890',
      empty: null,
      neg: -2.5,
    },
    {
      int: 7,
      float: 0.5,
      exp: 0.02,
      pct: '94%',
      money: '$9.0',
      flag: 't',
      tf: false,
      zip: 0,
      big: 1,
      empty: null,
      neg: 3,
    },
  ]);
});

test('csv infer: false keeps undeclared cells as the strings in the file', async (t) => {
  const dir = await tempDir(t);
  const file = await csvFile(dir, 'raw.csv', 'a,b,c\n1,,true\n');
  const rows = await new CsvDataset('raw', {
    filepath: file,
    load_args: { infer: false, columns: { c: 'boolean' } },
  }).load();
  assert.deepEqual(rows, [{ a: '1', b: '', c: true }]);
});

test('csv declared column types convert cells and report the line of a bad one', async (t) => {
  const dir = await tempDir(t);
  const file = await csvFile(
    dir,
    'typed.csv',
    'id,rating,approved,launched,code\n1,4.5,t,2024-03-01,0042\n2,,no,,17\n3,x5,yes,2024-03-02,9\n',
  );
  const columns = {
    id: 'integer',
    rating: 'number',
    approved: 'boolean',
    launched: 'date',
    code: 'string',
  } as const;
  const first = new CsvDataset('typed', { filepath: file, load_args: { columns } });
  const error = await errorOf(() => first.load());
  assert.ok(error instanceof DatasetError);
  assert.match(
    error.message,
    /^Dataset "typed" \(csv\) could not load .*typed\.csv: line 4, column "rating": "x5" is not a number$/,
  );
  assert.match(error.hint ?? '', /load_args\.columns/);

  await writeFile(file, 'id,rating,approved,launched,code\n1,4.5,t,2024-03-01,0042\n2,,no,,17\n');
  assert.deepEqual(await first.load(), [
    { id: 1, rating: 4.5, approved: true, launched: new Date('2024-03-01'), code: '0042' },
    { id: 2, rating: null, approved: false, launched: null, code: '17' },
  ]);

  await writeFile(file, 'id\n1.5\n');
  const integer = await errorOf(() =>
    new CsvDataset('ints', { filepath: file, load_args: { columns: { id: 'integer' } } }).load(),
  );
  assert.match(integer.message, /line 2, column "id": "1.5" is not an integer/);
});

test('csv names a declared column the file lacks, with the nearest header', async (t) => {
  const dir = await tempDir(t);
  const file = await csvFile(dir, 'c.csv', 'company_rating,iata_approved\n1,t\n');
  const error = await errorOf(() =>
    new CsvDataset('companies', {
      filepath: file,
      load_args: { columns: { iata_aproved: 'boolean' } },
    }).load(),
  );
  assert.match(
    error.message,
    /column "iata_aproved" declared in load_args.columns is not in the file. Did you mean "iata_approved"\?/,
  );
});

test('csv parse errors carry the line number', async (t) => {
  const dir = await tempDir(t);
  const ragged = await csvFile(dir, 'ragged.csv', 'a,b\n1,2\n3,4\n5,6,7\n');
  const error = await errorOf(() => new CsvDataset('ragged', { filepath: ragged }).load());
  assert.ok(error instanceof DatasetError);
  assert.match(
    error.message,
    /^Dataset "ragged" \(csv\) could not load .*ragged\.csv: line 4: Invalid Record Length/,
  );
  assert.match(error.hint ?? '', /delimiter/);

  const quote = await csvFile(dir, 'quote.csv', 'a,b\n1,2\n3,"x"y\n');
  const quoteError = await errorOf(() => new CsvDataset('quote', { filepath: quote }).load());
  assert.match(quoteError.message, /quote\.csv: line 3: Invalid Closing Quote/);
});

test('csv delimiter and header options, on load and on save', async (t) => {
  const dir = await tempDir(t);
  const file = await csvFile(dir, 'semi.csv', '1;Ares\n2;Zeus\n');
  const positional = new CsvDataset('semi', { filepath: file, load_args: { delimiter: ';', header: false } });
  assert.deepEqual(await positional.load(), [
    { 0: 1, 1: 'Ares' },
    { 0: 2, 1: 'Zeus' },
  ]);
  const named = new CsvDataset('semi', {
    filepath: file,
    load_args: { delimiter: ';', header: false, columns: { id: 'integer', name: 'string' } },
    save_args: { delimiter: '\t', header: false },
  });
  const rows = await named.load();
  assert.deepEqual(rows, [
    { id: 1, name: 'Ares' },
    { id: 2, name: 'Zeus' },
  ]);
  await named.save(rows);
  assert.equal(await readFile(file, 'utf8'), '1\tAres\n2\tZeus\n');
});

test('csv loads an empty file as no rows and a header-only file as no rows', async (t) => {
  const dir = await tempDir(t);
  assert.deepEqual(await new CsvDataset('e', { filepath: await csvFile(dir, 'e.csv', '') }).load(), []);
  assert.deepEqual(await new CsvDataset('h', { filepath: await csvFile(dir, 'h.csv', 'a,b\n') }).load(), []);
});

test('csv refuses to save something other than an array of row objects', async (t) => {
  const dir = await tempDir(t);
  const dataset = new CsvDataset('x', { filepath: join(dir, 'x.csv') });
  assert.match(
    (await errorOf(() => dataset.save({ a: 1 } as never))).message,
    /csv datasets save an array of row objects, got object/,
  );
  assert.match(
    (await errorOf(() => dataset.save([{ a: 1 }, [2]] as never))).message,
    /row 1 is not an object/,
  );
});

test('csv describe shows the settings that apply', () => {
  const dataset = new CsvDataset('d', {
    filepath: '/data/d.csv',
    load_args: { columns: { id: 'integer' } },
    metadata: { owner: 'data team' },
  });
  assert.deepEqual(dataset.describe(), {
    type: 'csv',
    filepath: '/data/d.csv',
    versioned: false,
    load_args: { delimiter: ',', header: true, columns: { id: 'integer' }, infer: true },
    save_args: { delimiter: ',', header: true },
    metadata: { owner: 'data team' },
  });
});
