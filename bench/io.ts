/**
 * I/O benchmark: how much the catalog's dataset types cost over using their library directly.
 *
 * Generates about 100 MB of CSV (seeded, spaceflights-like mixed columns: integers, decimals with
 * gaps, booleans, categories, timestamps, free text with commas and quotes) and the same data as
 * Parquet, then times load and save of each through the dataset classes exactly as the catalog
 * builds them (`createDatasetTypeRegistry().get(type)(options, context)`) and through the library
 * alone, alternating the two so neither profits from running second.
 *
 *   npm run bench:io                      # about 100 MB, 2 runs per side (order swapped), median
 *   BENCH_IO_RUNS=5 npm run bench:io      # steadier figures on a busy machine, about 2.5x longer
 *   BENCH_IO_MB=20 BENCH_IO_RUNS=1 npm run bench:io
 *
 * Prints a table and, last, one JSON line for tools.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DuckDBDataChunk, DuckDBInstance, JSToDuckDBValueConverter } from '@duckdb/node-api';
import type { DuckDBConnection, JS } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { createDatasetTypeRegistry } from '../src/io/builtin-datasets.ts';
import type { Dataset } from '../src/io/dataset.ts';

const TARGET_MB = Number(process.env.BENCH_IO_MB ?? 100);
const RUNS = Math.max(1, Number(process.env.BENCH_IO_RUNS ?? 2));

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

type Row = Record<string, unknown>;

// ---------------------------------------------------------------- data

/** mulberry32: small, fast, and the same numbers on every machine for a given seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COLUMNS = [
  ['id', 'BIGINT'],
  ['shuttle_id', 'BIGINT'],
  ['company', 'VARCHAR'],
  ['location', 'VARCHAR'],
  ['engine_type', 'VARCHAR'],
  ['passenger_capacity', 'BIGINT'],
  ['d_check_complete', 'BOOLEAN'],
  ['moon_clearance_complete', 'BOOLEAN'],
  ['price', 'DOUBLE'],
  ['review_score', 'DOUBLE'],
  ['created_at', 'TIMESTAMPTZ'],
  ['review', 'VARCHAR'],
] as const;

async function generateCsv(path: string, targetBytes: number): Promise<number> {
  const random = seededRandom(20240501);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const syllables = ['ka', 'zo', 'ri', 'mu', 'tek', 'on', 'ax', 'vel', 'dra', 'quin', 'so', 'lar'];
  const companies = Array.from({ length: 2000 }, () => {
    const name = Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(syllables)).join('');
    return `${name[0]!.toUpperCase()}${name.slice(1)} ${pick(['Aerospace', 'Orbital', 'Ltd', 'Launch Systems', 'Space Co'])}`;
  });
  const locations = [
    'Niue',
    'Anguilla',
    'Russian Federation',
    'Barbados',
    'Sao Tome and Principe',
    'Isle of Man',
    'Chile',
    'Mongolia',
    'Iceland',
    'Kenya',
  ];
  const words = [
    'smooth',
    'ride',
    'crew',
    'friendly',
    'late',
    'launch',
    'comfortable',
    'seats',
    'view',
    'earth',
    'stunning',
    'food',
    'bland',
    'would',
    'fly',
    'again',
    'noisy',
    'engine',
    'great',
    'value',
  ];
  const start = Date.UTC(2019, 0, 1);
  const handle = await open(path, 'w');
  let bytes = 0;
  let id = 0;
  try {
    const header = `${COLUMNS.map(([name]) => name).join(',')}\n`;
    await handle.write(header);
    bytes += header.length;
    while (bytes < targetBytes) {
      const lines: string[] = [];
      for (let index = 0; index < 10_000; index++) {
        id += 1;
        const review = Array.from({ length: 4 + Math.floor(random() * 9) }, () => pick(words));
        if (random() < 0.3) review.splice(2, 0, `${pick(words)},`);
        if (random() < 0.05) review.push('"wow"');
        const text = review.join(' ');
        const quoted = /[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
        const created = new Date(start + Math.floor(random() * 5 * 365 * 86_400_000))
          .toISOString()
          .slice(0, 19)
          .replace('T', ' ');
        lines.push(
          [
            id,
            10_000 + Math.floor(random() * 90_000),
            pick(companies),
            pick(locations),
            pick(['Quantum', 'Plasma', 'Nuclear']),
            1 + Math.floor(random() * 20),
            random() < 0.5,
            random() < 0.2,
            (500 + random() * 5000).toFixed(2),
            random() < 0.05 ? '' : (60 + random() * 40).toFixed(1),
            created,
            quoted,
          ].join(','),
        );
      }
      const chunk = `${lines.join('\n')}\n`;
      await handle.write(chunk);
      bytes += Buffer.byteLength(chunk);
    }
  } finally {
    await handle.close();
  }
  return id;
}

// ---------------------------------------------------------------- the library alone

async function duckdbLoad(connection: DuckDBConnection, sql: string): Promise<Row[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS() as Row[];
}

/** What a careful user writes with DuckDB alone: a table of the known schema, filled a data chunk at a time, then COPY. */
async function duckdbSave(
  connection: DuckDBConnection,
  rows: readonly Row[],
  path: string,
  format: string,
): Promise<void> {
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE direct_save (${COLUMNS.map(([name, type]) => `"${name}" ${type}`).join(', ')})`,
  );
  const appender = await connection.createAppender('direct_save', 'main', 'temp');
  const types = COLUMNS.map((_, index) => appender.columnType(index));
  for (let start = 0; start < rows.length; start += 2048) {
    const end = Math.min(start + 2048, rows.length);
    const columns = COLUMNS.map(([name]) => {
      const values = new Array<unknown>(end - start);
      for (let index = start; index < end; index++) values[index - start] = rows[index]![name] ?? null;
      return values as JS[];
    });
    const chunk = DuckDBDataChunk.create(types, end - start);
    chunk.setColumnsConverted(columns, JSToDuckDBValueConverter);
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
  await connection.run(
    `COPY direct_save TO '${path}' (FORMAT ${format}${format === 'csv' ? ', HEADER true' : ''})`,
  );
  await connection.run('DROP TABLE direct_save');
}

// ---------------------------------------------------------------- timing

interface Figure {
  operation: string;
  sluiceMs: number;
  libraryMs: number;
  /** sluice / library, of the medians. */
  ratio: number;
  /** sluice / library, of the fastest runs: the steadier estimate on a busy machine. */
  bestRatio: number;
  library: string;
}

/** One side of a comparison: `warmup` runs on a small input so the JIT is warm before timing. */
type Side = (scale: 'warmup' | 'full') => Promise<unknown>;

async function timed(work: () => Promise<unknown>): Promise<number> {
  collectGarbage();
  const started = performance.now();
  await work();
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Warms both sides up on a small input, then runs both RUNS times, alternating which goes first. */
async function compare(operation: string, library: string, sluice: Side, direct: Side): Promise<Figure> {
  await sluice('warmup');
  await direct('warmup');
  const sluiceTimes: number[] = [];
  const libraryTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    if (run % 2 === 0) {
      sluiceTimes.push(await timed(() => sluice('full')));
      libraryTimes.push(await timed(() => direct('full')));
    } else {
      libraryTimes.push(await timed(() => direct('full')));
      sluiceTimes.push(await timed(() => sluice('full')));
    }
  }
  const sluiceMs = median(sluiceTimes);
  const libraryMs = median(libraryTimes);
  const bestRatio = Math.min(...sluiceTimes) / Math.min(...libraryTimes);
  const figure = { operation, sluiceMs, libraryMs, ratio: sluiceMs / libraryMs, bestRatio, library };
  const runs = (times: number[]) => times.map((time) => time.toFixed(0)).join(', ');
  process.stdout.write(`  ${operation}: sluice ${runs(sluiceTimes)} ms; library ${runs(libraryTimes)} ms\n`);
  return figure;
}

// ---------------------------------------------------------------- main

const WARMUP_ROWS = 20_000;

async function main(): Promise<void> {
  const began = performance.now();
  const folder = mkdtempSync(join(tmpdir(), 'sluice-bench-io-'));
  const paths = {
    full: { csv: join(folder, 'shuttle_reviews.csv'), parquet: join(folder, 'shuttle_reviews.parquet') },
    warmup: { csv: join(folder, 'warmup.csv'), parquet: join(folder, 'warmup.parquet') },
  };
  const outputs = join(folder, 'out');
  try {
    process.stdout.write(`Generating about ${TARGET_MB} MB of CSV in ${folder} ...\n`);
    const rowCount = await generateCsv(paths.full.csv, TARGET_MB * 1_000_000);
    await generateCsv(paths.warmup.csv, 2_000_000);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    for (const scale of [paths.full, paths.warmup]) {
      await connection.run(
        `COPY (SELECT * FROM read_csv('${scale.csv}')) TO '${scale.parquet}' (FORMAT parquet)`,
      );
    }
    const csvBytes = statSync(paths.full.csv).size;
    const parquetBytes = statSync(paths.full.parquet).size;
    process.stdout.write(
      `${rowCount} rows x ${COLUMNS.length} columns: CSV ${(csvBytes / 1e6).toFixed(1)} MB, Parquet ${(parquetBytes / 1e6).toFixed(1)} MB. ${RUNS} run(s) per side after a warm-up.\n`,
    );

    const registry = createDatasetTypeRegistry();
    const context = { name: 'shuttle_reviews', projectPath: folder };
    const build = async (type: string, options: Record<string, unknown>): Promise<Dataset> =>
      registry.get(type)(options, context);
    const figures: Figure[] = [];
    let rows: Row[] = [];
    const rowsFor = (scale: 'warmup' | 'full') => (scale === 'full' ? rows : rows.slice(0, WARMUP_ROWS));
    /** Saves write under a fresh `out/` folder, removed after each run so the disk holds one copy. */
    const saving = (save: (rows: readonly Row[]) => unknown): Side => {
      return async (scale) => {
        await mkdir(outputs, { recursive: true });
        await save(rowsFor(scale));
        await rm(outputs, { recursive: true, force: true });
      };
    };
    const datasets = async (type: string, path: (scale: 'warmup' | 'full') => string) => {
      const byScale = {
        warmup: await build(type, { filepath: path('warmup') }),
        full: await build(type, { filepath: path('full') }),
      };
      return (scale: 'warmup' | 'full') => byScale[scale];
    };

    // Parquet through DuckDB.
    const parquet = await datasets('parquet', (scale) => paths[scale].parquet);
    figures.push(
      await compare(
        'parquet load (rows)',
        'DuckDB read_parquet + getRowObjectsJS()',
        (scale) => parquet(scale).load() as Promise<unknown>,
        (scale) => duckdbLoad(connection, `SELECT * FROM read_parquet('${paths[scale].parquet}')`),
      ),
    );
    rows = checked(await parquet('full').load(), rowCount, 'parquet');
    const parquetOut = await build('parquet', { filepath: join(outputs, 'sluice.parquet') });
    figures.push(
      await compare(
        'parquet save (rows)',
        'DuckDB appender (data chunks) + COPY TO parquet',
        saving((data) => parquetOut.save(data)),
        saving((data) => duckdbSave(connection, data, join(outputs, 'direct.parquet'), 'parquet')),
      ),
    );
    rows = [];

    // CSV through DuckDB.
    const duckdbCsv = await datasets('duckdb_csv', (scale) => paths[scale].csv);
    figures.push(
      await compare(
        'duckdb_csv load (rows)',
        'DuckDB read_csv + getRowObjectsJS()',
        (scale) => duckdbCsv(scale).load() as Promise<unknown>,
        (scale) => duckdbLoad(connection, `SELECT * FROM read_csv('${paths[scale].csv}')`),
      ),
    );
    rows = checked(await duckdbCsv('full').load(), rowCount, 'duckdb_csv');
    const duckdbCsvOut = await build('duckdb_csv', { filepath: join(outputs, 'sluice.csv') });
    figures.push(
      await compare(
        'duckdb_csv save (rows)',
        'DuckDB appender (data chunks) + COPY TO csv',
        saving((data) => duckdbCsvOut.save(data)),
        saving((data) => duckdbSave(connection, data, join(outputs, 'direct.csv'), 'csv')),
      ),
    );
    rows = [];
    connection.closeSync();
    instance.closeSync();

    // CSV through csv-parse / csv-stringify (the `csv` type), when that type exists.
    if (registry.has('csv')) {
      const csv = await datasets('csv', (scale) => paths[scale].csv);
      figures.push(
        await compare(
          'csv load (rows)',
          'csv-parse sync, columns: true (cells stay strings)',
          (scale) => csv(scale).load() as Promise<unknown>,
          async (scale) =>
            parse(await readFile(paths[scale].csv, 'utf8'), {
              columns: true,
              bom: true,
              skip_empty_lines: true,
            }),
        ),
      );
      rows = checked(await csv('full').load(), rowCount, 'csv');
      const csvOut = await build('csv', { filepath: join(outputs, 'sluice.csv') });
      figures.push(
        await compare(
          'csv save (rows)',
          'csv-stringify sync, header: true',
          saving((data) => csvOut.save(data as Row[])),
          saving((data) =>
            writeFile(join(outputs, 'direct.csv'), stringify(data as Row[], { header: true })),
          ),
        ),
      );
      rows = [];
    } else {
      process.stdout.write(
        '  csv: skipped, the csv-parse-based `csv` type is not registered in this build.\n',
      );
    }

    const seconds = (performance.now() - began) / 1000;
    printTable(figures);
    process.stdout.write(
      `Total ${seconds.toFixed(0)} s. Ratio = sluice / library (medians; "best" compares the fastest runs); under 1 means the dataset is faster.\n`,
    );
    process.stdout.write(
      `${JSON.stringify({
        benchmark: 'io',
        rows: rowCount,
        columns: COLUMNS.length,
        csvBytes,
        parquetBytes,
        runs: RUNS,
        machine: {
          cpus: cpus().length,
          memoryGB: Math.round(totalmem() / 2 ** 30),
          node: process.version,
          loadAverage: loadavg()[0],
        },
        figures: figures.map((figure) => ({
          ...figure,
          sluiceMs: Math.round(figure.sluiceMs),
          libraryMs: Math.round(figure.libraryMs),
          ratio: Number(figure.ratio.toFixed(2)),
          bestRatio: Number(figure.bestRatio.toFixed(2)),
        })),
        seconds: Math.round(seconds),
      })}\n`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** A benchmark that loads the wrong data measures nothing: check the row count before timing saves. */
function checked(data: unknown, rowCount: number, type: string): Row[] {
  if (!Array.isArray(data) || data.length !== rowCount)
    throw new Error(
      `${type} loaded ${Array.isArray(data) ? data.length : typeof data} rows, expected ${rowCount}.`,
    );
  return data as Row[];
}

function printTable(figures: Figure[]): void {
  const header = ['operation', 'sluice ms', 'library ms', 'ratio', 'best', 'library path'];
  const lines = figures.map((figure) => [
    figure.operation,
    figure.sluiceMs.toFixed(0),
    figure.libraryMs.toFixed(0),
    figure.ratio.toFixed(2),
    figure.bestRatio.toFixed(2),
    figure.library,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]!.length)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column >= 1 && column <= 4 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ');
  process.stdout.write(
    `\n${format(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}\n${lines.map(format).join('\n')}\n\n`,
  );
}

await main();
