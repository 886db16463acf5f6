import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import { DatasetError } from '../../src/io/dataset.ts';
import { ExcelDataset } from '../../src/io/datasets/excel.ts';
import { errorOf, tempDir } from './support/temp-dir.ts';

test('excel round-trips rows of strings, numbers, booleans, dates and nulls', async (t) => {
  const dir = await tempDir(t);
  const dataset = new ExcelDataset('fleet', { filepath: 'reports/fleet.xlsx' }, { projectPath: dir });
  const rows = [
    {
      id: 1,
      name: 'Ares',
      reusable: true,
      launched: new Date('2024-03-01T00:00:00Z'),
      price: 1715.5,
      note: null,
    },
    { id: 2, name: 'Zeus', reusable: false, launched: null, price: 3405, note: 'refit' },
  ];
  await dataset.save(rows);
  const bytes = await readFile(join(dir, 'reports', 'fleet.xlsx'));
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an xlsx file is a zip archive');
  assert.deepEqual(await dataset.load(), rows);
});

test('excel reads the sheet asked for, by name or by 0-based position', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'book.xlsx');
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('Summary').addRows([['total'], [3]]);
  const detail = workbook.addWorksheet('Detail');
  detail.addRow(['id', 'label', 'formula', 'link', 'broken', '', 'id']);
  detail.addRow([
    1,
    { richText: [{ text: 'Bold ' }, { text: 'move' }] },
    { formula: 'A2*2', result: 2 },
    { text: 'docs', hyperlink: 'https://example.com' },
    { error: '#DIV/0!' },
    'unnamed',
    'dup',
  ]);
  detail.addRow([]);
  detail.addRow([2, 'plain', { formula: 'A4*2', result: 4 }, null, null, null, null]);
  await workbook.xlsx.writeFile(file);

  const expected = [
    {
      id: 1,
      label: 'Bold move',
      formula: 2,
      link: 'docs',
      broken: null,
      'Unnamed: 5': 'unnamed',
      'id.1': 'dup',
    },
    { id: 2, label: 'plain', formula: 4, link: null, broken: null, 'Unnamed: 5': null, 'id.1': null },
  ];
  assert.deepEqual(
    await new ExcelDataset('d', { filepath: file, load_args: { sheet: 'Detail' } }).load(),
    expected,
  );
  assert.deepEqual(await new ExcelDataset('d', { filepath: file, load_args: { sheet: 1 } }).load(), expected);
  assert.deepEqual(await new ExcelDataset('d', { filepath: file }).load(), [{ total: 3 }]);

  const missing = await errorOf(() =>
    new ExcelDataset('d', { filepath: file, load_args: { sheet: 'Detial' } }).load(),
  );
  assert.ok(missing instanceof DatasetError);
  assert.match(
    missing.message,
    /Dataset "d" \(excel\) could not load .*book\.xlsx: the workbook has no sheet "Detial". Did you mean "Detail"\? Sheets: Summary, Detail/,
  );
  const outOfRange = await errorOf(() =>
    new ExcelDataset('d', { filepath: file, load_args: { sheet: 5 } }).load(),
  );
  assert.match(outOfRange.message, /no sheet at position 5 \(it has 2\)/);
});

test('excel save_args.sheet names the sheet written', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'out.xlsx');
  await new ExcelDataset('out', { filepath: file, save_args: { sheet: 'Shuttles' } }).save([{ a: 1 }]);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  assert.deepEqual(
    workbook.worksheets.map((sheet) => sheet.name),
    ['Shuttles'],
  );
});

test('excel rejects a bad sheet option and explains a file that is not a workbook', async (t) => {
  const bad = await errorOf(() => new ExcelDataset('x', { filepath: 'x.xlsx', load_args: { sheet: -1 } }));
  assert.match(
    bad.message,
    /option "load_args.sheet" must be a sheet name or a 0-based sheet position, got a number \(-1\)/,
  );
  const dir = await tempDir(t);
  const file = join(dir, 'fake.xlsx');
  await new ExcelDataset('fake', { filepath: file }).save([]);
  await writeFile(file, 'not a zip');
  const error = await errorOf(() => new ExcelDataset('fake', { filepath: file }).load());
  assert.match(error.message, /^Dataset "fake" \(excel\) could not load .*fake\.xlsx: /);
});
