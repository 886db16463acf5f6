import type { CellValue } from 'exceljs';
import type { DatasetSettings, FileDatasetOptions } from './file-dataset.ts';
import { FileDataset, readCommonFileOptions } from './file-dataset.ts';
import { OptionReader } from './dataset-options.ts';
import { isPlainObject } from '../../values.ts';
import { headerNames } from './column-names.ts';
import { formatCell } from './csv-values.ts';
import { didYouMean } from '../../suggest.ts';
import { importOptional } from '../../optional-package.ts';
import { datasetSubject } from './dataset-options.ts';
import { EXCEL_PACKAGES } from './dataset-packages.ts';

/** One spreadsheet row: column name (from the header row) to value. */
export type ExcelRow = Record<string, unknown>;

export interface ExcelDatasetOptions extends FileDatasetOptions {
  load_args?: {
    /** The sheet to read, by name or by 0-based position. Defaults to the first sheet. */
    sheet?: string | number;
  };
  save_args?: {
    /** The name of the sheet written. Defaults to "Sheet1". */
    sheet?: string;
  };
}

/**
 * An Excel workbook (.xlsx) as an array of row objects (`type: excel`), through exceljs. The first
 * non-empty row is the header; empty cells load as null, formulas as their cached result, rich
 * text and hyperlinks as their text. Saving writes one sheet with the rows' keys as the header.
 * exceljs is imported on first use, so declaring an excel dataset costs nothing at start-up.
 */
export class ExcelDataset extends FileDataset<ExcelRow[]> {
  readonly #loadSheet: string | number;
  readonly #saveSheet: string;

  constructor(name: string, options: ExcelDatasetOptions, settings: DatasetSettings = {}) {
    const reader = new OptionReader({ name, type: 'excel', location: settings.location }, options);
    const common = readCommonFileOptions(reader, settings);
    const loadArgs = reader.section('load_args');
    const sheet = loadArgs.raw('sheet') ?? 0;
    if (
      !(typeof sheet === 'string' && sheet !== '') &&
      !(typeof sheet === 'number' && Number.isInteger(sheet) && sheet >= 0)
    ) {
      throw loadArgs.invalid('sheet', 'must be a sheet name or a 0-based sheet position', sheet);
    }
    loadArgs.finish();
    const saveArgs = reader.section('save_args');
    const saveSheet = saveArgs.string('sheet') ?? 'Sheet1';
    saveArgs.finish();
    reader.finish();
    super('excel', name, common, settings);
    this.#loadSheet = sheet;
    this.#saveSheet = saveSheet;
  }

  /** `exceljs`, an optional peer dependency, imported at first use. */
  #exceljs() {
    return importOptional(() => import('exceljs'), EXCEL_PACKAGES, datasetSubject(this.owner));
  }

  protected async read(path: string): Promise<ExcelRow[]> {
    const { default: ExcelJS } = await this.#exceljs();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheets = workbook.worksheets;
    const wanted = this.#loadSheet;
    const sheet =
      typeof wanted === 'number' ? sheets[wanted] : sheets.find((candidate) => candidate.name === wanted);
    if (sheet === undefined) {
      const names = sheets.map((candidate) => candidate.name);
      const which =
        typeof wanted === 'number'
          ? `no sheet at position ${wanted} (it has ${names.length}).`
          : `no sheet "${wanted}".${didYouMean(wanted, names)}`;
      throw new Error(`the workbook has ${which} Sheets: ${names.join(', ')}`);
    }
    let names: string[] | undefined;
    const rows: ExcelRow[] = [];
    const width = sheet.columnCount;
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const values = row.values as CellValue[];
      const cells: unknown[] = [];
      for (let column = 1; column <= width; column++) cells.push(cellValue(values[column]));
      if (names === undefined) {
        names = headerNames(cells);
        return;
      }
      const record: ExcelRow = {};
      for (let index = 0; index < names.length; index++) record[names[index]!] = cells[index];
      rows.push(record);
    });
    return rows;
  }

  protected async write(path: string, rows: ExcelRow[]): Promise<void> {
    if (!Array.isArray(rows))
      throw new Error(
        `excel datasets save an array of row objects, got ${rows === null ? 'null' : typeof rows}`,
      );
    const columns = new Set<string>();
    for (const [index, row] of rows.entries()) {
      if (!isPlainObject(row))
        throw new Error(`row ${index} is not an object (excel datasets save an array of row objects)`);
      for (const key of Object.keys(row)) columns.add(key);
    }
    const names = [...columns];
    const { default: ExcelJS } = await this.#exceljs();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet(this.#saveSheet);
    if (names.length > 0) sheet.addRow(names);
    for (const row of rows) sheet.addRow(names.map((name) => excelValue(row[name])));
    await workbook.xlsx.writeFile(path);
  }

  protected publicArgs(): Record<string, unknown> {
    return { load_args: { sheet: this.#loadSheet }, save_args: { sheet: this.#saveSheet } };
  }
}

/** A cell's plain value: what the reader of a spreadsheet sees, not how Excel stores it. */
function cellValue(value: CellValue): unknown {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'object' || value instanceof Date) return value;
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('hyperlink' in value) return cellValue(value.text as CellValue);
  if ('formula' in value || 'sharedFormula' in value) return cellValue((value.result ?? null) as CellValue);
  // Error cells (#N/A, #DIV/0!) carry no value; pandas reads them as missing too.
  if ('error' in value) return null;
  return null;
}

function excelValue(value: unknown): CellValue {
  if (value === undefined || value === null) return null;
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value instanceof Date
  )
    return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  return formatCell(value);
}
