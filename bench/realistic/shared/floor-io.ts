/**
 * The floor's I/O: what a careful user writes with the same libraries and no framework.
 * csv-parse with each column converted by a known type, DuckDB's appender a data chunk at a time
 * then COPY to Parquet, JSON.stringify to a file; Parquet read back through DuckDB's row reader.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBDataChunk, DuckDBInstance, JSToDuckDBValueConverter } from '@duckdb/node-api';
import type { JS } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';

export type CellType = 'number' | 'boolean' | 'string';
type Row = Record<string, unknown>;

/** Reads a CSV with a header; `types` names the non-string columns. An empty cell is null. */
export function readCsv(path: string, types: Record<string, CellType>): Row[] {
  // Records, then rows: an on_record callback costs csv-parse two context objects per record.
  const records = parse(readFileSync(path, 'utf8'), { bom: true, skip_empty_lines: true }) as string[][];
  const names = records[0] ?? [];
  const convert = names.map((name) => converter(types[name] ?? 'string'));
  const rows = new Array<Row>(Math.max(0, records.length - 1));
  for (let r = 1; r < records.length; r++) {
    const record = records[r]!;
    const row: Row = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = convert[i]!(record[i] ?? '');
    rows[r - 1] = row;
  }
  return rows;
}

function converter(type: CellType): (cell: string) => unknown {
  if (type === 'number') return (cell) => (cell === '' ? null : Number(cell));
  if (type === 'boolean') return (cell) => (cell === '' ? null : cell === 'true');
  return (cell) => (cell === '' ? null : cell);
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(data));
}

let instance: Promise<DuckDBInstance> | undefined;

/** Rows to a Parquet file through DuckDB; column types from the first non-null value of each column. */
export async function writeParquet(path: string, rows: readonly Row[]): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  instance ??= DuckDBInstance.create(':memory:');
  const connection = await (await instance).connect();
  const names = Object.keys(rows[0] ?? {});
  const sqlTypes = names.map((name) => {
    const value = rows.find((row) => row[name] !== null && row[name] !== undefined)?.[name];
    if (typeof value === 'number')
      return rows.every((row) => row[name] === null || Number.isInteger(row[name])) ? 'BIGINT' : 'DOUBLE';
    if (typeof value === 'boolean') return 'BOOLEAN';
    return 'VARCHAR';
  });
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE floor_save (${names.map((name, i) => `"${name}" ${sqlTypes[i]}`).join(', ')})`,
  );
  const appender = await connection.createAppender('floor_save', 'main', 'temp');
  const types = names.map((_, index) => appender.columnType(index));
  for (let start = 0; start < rows.length; start += 2048) {
    const end = Math.min(start + 2048, rows.length);
    const columns = names.map((name, column) => {
      const values = new Array<unknown>(end - start);
      const big = sqlTypes[column] === 'BIGINT';
      for (let index = start; index < end; index++) {
        const value = rows[index]![name] ?? null;
        values[index - start] = big && value !== null ? BigInt(value as number) : value;
      }
      return values as JS[];
    });
    const chunk = DuckDBDataChunk.create(types, end - start);
    chunk.setColumnsConverted(columns, JSToDuckDBValueConverter);
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
  await connection.run(`COPY floor_save TO '${path}' (FORMAT parquet)`);
  await connection.run('DROP TABLE floor_save');
  connection.closeSync();
}

/**
 * A Parquet file's rows through DuckDB, a data chunk at a time (faster than the library's row
 * converters, though Sluice's own reader, typed per column, is faster still); whole numbers become
 * numbers.
 */
export async function readParquet(path: string): Promise<Row[]> {
  instance ??= DuckDBInstance.create(':memory:');
  const connection = await (await instance).connect();
  const result = await connection.stream(`SELECT * FROM read_parquet('${path}')`);
  const names = result.columnNames();
  const rows: Row[] = [];
  for (
    let chunk = await result.fetchChunk();
    chunk !== null && chunk.rowCount > 0;
    chunk = await result.fetchChunk()
  ) {
    const start = rows.length;
    for (let index = 0; index < chunk.rowCount; index++) rows.push({});
    names.forEach((name, column) => {
      const vector = chunk.getColumnVector(column);
      for (let index = 0; index < chunk.rowCount; index++) {
        const value = vector.getItem(index);
        rows[start + index]![name] = typeof value === 'bigint' ? Number(value) : value;
      }
    });
  }
  connection.closeSync();
  return rows;
}
