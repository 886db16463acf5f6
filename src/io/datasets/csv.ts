import { readFile, writeFile } from 'node:fs/promises';
import type { Options } from 'csv-parse';
import type { DatasetSettings, FileDatasetOptions } from './file-dataset.ts';
import { FileDataset, readCommonFileOptions } from './file-dataset.ts';
import { OptionReader } from './dataset-options.ts';
import { isPlainObject } from '../../values.ts';
import type { CsvColumnType } from './csv-values.ts';
import { CSV_COLUMN_TYPES, CsvCellError, convertCell, formatCell, inferCell } from './csv-values.ts';
import { headerNames } from './column-names.ts';
import { didYouMean } from '../../suggest.ts';

export type { CsvColumnType } from './csv-values.ts';

/** One CSV row: column name to value. */
export type CsvRow = Record<string, unknown>;

export interface CsvLoadArgs {
  /** The field separator. Defaults to ",". */
  delimiter?: string;
  /** Whether the first line names the columns. Defaults to true; without it, columns are named by `columns` (in order) or "0", "1", ... */
  header?: boolean;
  /** Declared column types; a cell that does not fit is an error naming its line. */
  columns?: Record<string, CsvColumnType>;
  /** Guess the type of undeclared columns (numbers, true/false, empty cell as null). Defaults to true; false keeps every undeclared cell a string. */
  infer?: boolean;
}

export interface CsvSaveArgs {
  /** The field separator. Defaults to ",". */
  delimiter?: string;
  /** Whether to write a header line. Defaults to true. */
  header?: boolean;
}

export interface CsvDatasetOptions extends FileDatasetOptions {
  load_args?: CsvLoadArgs;
  save_args?: CsvSaveArgs;
}

/** A CSV problem at a known line, reported as "line N: ...". */
class CsvLineError extends Error {}

/**
 * A CSV file as an array of row objects (`type: csv`), through csv-parse and csv-stringify.
 * Saving writes the union of the rows' keys as columns, in first-seen order.
 */
export class CsvDataset extends FileDataset<CsvRow[]> {
  readonly #load: Required<Omit<CsvLoadArgs, 'columns'>> & { columns: Record<string, CsvColumnType> };
  readonly #save: Required<CsvSaveArgs>;

  constructor(name: string, options: CsvDatasetOptions, settings: DatasetSettings = {}) {
    const reader = new OptionReader({ name, type: 'csv', location: settings.location }, options);
    const common = readCommonFileOptions(reader, settings);
    const loadArgs = reader.section('load_args');
    const load = {
      delimiter: loadArgs.string('delimiter') ?? ',',
      header: loadArgs.boolean('header') ?? true,
      columns: readColumnTypes(loadArgs),
      infer: loadArgs.boolean('infer') ?? true,
    };
    loadArgs.finish();
    const saveArgs = reader.section('save_args');
    const save = {
      delimiter: saveArgs.string('delimiter') ?? ',',
      header: saveArgs.boolean('header') ?? true,
    };
    saveArgs.finish();
    reader.finish();
    super('csv', name, common, settings);
    this.#load = load;
    this.#save = save;
  }

  protected async read(path: string): Promise<CsvRow[]> {
    const text = await readFile(path, 'utf8');
    const { parse } = await import('csv-parse/sync');
    const { header, delimiter } = this.#load;
    // Records first, rows after: csv-parse builds two context objects per record for an
    // `on_record` callback (a quarter of the load), and a `cast` callback is ten times slower.
    // The line of a bad cell is worked out again only when there is one.
    let records: string[][];
    try {
      records = parse(text, { delimiter, bom: true, skip_empty_lines: true }) as string[][];
    } catch (error) {
      const line = (error as { lines?: number }).lines;
      const message = (error as Error).message.replace(/ on line \d+$| at line \d+/, '');
      throw new CsvLineError(line === undefined ? message : `line ${line}: ${message}`, { cause: error });
    }
    if (records.length === 0) return [];
    const first = records[0]!;
    const names = header
      ? headerNames(first)
      : positionalNames(first.length, Object.keys(this.#load.columns));
    const converters = this.#converters(names);
    const start = header ? 1 : 0;
    const rows = new Array<CsvRow>(records.length - start);
    const width = names.length;
    let at = start;
    let column = 0;
    try {
      for (; at < records.length; at++) {
        const record = records[at]!;
        const row: CsvRow = {};
        for (column = 0; column < width; column++)
          row[names[column]!] = converters[column]!(record[column] ?? '');
        rows[at - start] = row;
      }
    } catch (error) {
      if (!(error instanceof CsvCellError)) throw error;
      const line = lineOfRecord(parse, text, delimiter, at);
      throw new CsvLineError(`line ${line}, column "${names[column]}": ${error.message}`);
    }
    return rows;
  }

  protected async write(path: string, rows: CsvRow[]): Promise<void> {
    if (!Array.isArray(rows))
      throw new Error(
        `csv datasets save an array of row objects, got ${rows === null ? 'null' : typeof rows}`,
      );
    const columns = new Map<string, number>();
    for (const [index, row] of rows.entries()) {
      if (!isPlainObject(row))
        throw new Error(`row ${index} is not an object (csv datasets save an array of row objects)`);
      for (const key of Object.keys(row)) if (!columns.has(key)) columns.set(key, columns.size);
    }
    const names = [...columns.keys()];
    const records = rows.map((row) => names.map((name) => formatCell(row[name])));
    if (this.#save.header && names.length > 0) records.unshift(names);
    const { stringify } = await import('csv-stringify/sync');
    await writeFile(path, stringify(records, { delimiter: this.#save.delimiter }));
  }

  protected override failureHint(operation: 'load' | 'save', error: unknown): string | undefined {
    if (operation !== 'load' || !(error instanceof CsvLineError)) return undefined;
    if (/Invalid Record Length/.test(error.message)) {
      return `Check the delimiter (load_args.delimiter is "${this.#load.delimiter}") and the quoting on that line.`;
    }
    return /is not/.test(error.message)
      ? 'Fix the cell, or change the type declared in load_args.columns.'
      : undefined;
  }

  protected publicArgs(): Record<string, unknown> {
    return { load_args: { ...this.#load, columns: { ...this.#load.columns } }, save_args: { ...this.#save } };
  }

  #converters(names: string[]): ((cell: string) => unknown)[] {
    const declared = this.#load.columns;
    for (const column of Object.keys(declared)) {
      if (!names.includes(column)) {
        throw new CsvLineError(
          `column "${column}" declared in load_args.columns is not in the file.${didYouMean(column, names)} Columns: ${names.join(', ')}`,
        );
      }
    }
    return names.map((name) => {
      const type = declared[name];
      if (type !== undefined) return (cell: string) => convertCell(cell, type);
      return this.#load.infer ? inferCell : (cell: string) => cell;
    });
  }
}

function readColumnTypes(loadArgs: OptionReader): Record<string, CsvColumnType> {
  const section = loadArgs.section('columns');
  const raw = loadArgs.raw('columns');
  const columns: Record<string, CsvColumnType> = {};
  for (const column of Object.keys((raw ?? {}) as object))
    columns[column] = section.choice(column, CSV_COLUMN_TYPES)!;
  section.finish();
  return columns;
}

/** The line on which record `index` (0-based, header included) ends: parsing again, on the error path only. */
function lineOfRecord(
  parse: (input: string, options: Options) => unknown,
  text: string,
  delimiter: string,
  index: number,
): number {
  let line = 0;
  let seen = 0;
  parse(text, {
    delimiter,
    bom: true,
    skip_empty_lines: true,
    to: index + 1,
    on_record: (record: string[], context: { lines: number }) => {
      if (seen++ === index) line = context.lines;
      return record;
    },
  });
  return line;
}

function positionalNames(length: number, declared: string[]): string[] {
  return Array.from({ length }, (_, index) => declared[index] ?? String(index));
}
