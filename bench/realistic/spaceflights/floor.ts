/**
 * (c) spaceflights without a framework: the example's node functions, the same libraries, in order.
 * The example's catalog checks each dataset against a Zod schema (and companies' ids for
 * uniqueness), so the floor does the same work, once per dataset: raw data after reading it,
 * intermediate data after making it.
 *
 * With FLOOR_READ_BACK=1 it also keeps Kedro's contract for persisted datasets, as Sluice does: a
 * node reads its persisted inputs from their files (the three intermediate Parquet files are read
 * back through DuckDB) and they are checked again there. bench:realistic prints both floors.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { parse } from 'yaml';
import type { ZodType } from 'zod';
import { readCsv, readParquet, writeJson, writeParquet } from '../shared/floor-io.ts';
import { mark } from '../shared/marks.ts';
import {
  Company,
  LinearModel,
  ModelInputRow,
  PreprocessedCompany,
  PreprocessedShuttle,
  Review,
  Shuttle,
} from './src/schemas.ts';
import {
  createModelInputTable,
  preprocessCompanies,
  preprocessShuttles,
} from './src/pipelines/data_processing/nodes.ts';
import type { RawCompany, RawShuttle, Review } from './src/pipelines/data_processing/nodes.ts';
import { evaluateModel, splitData, trainModel } from './src/pipelines/data_science/nodes.ts';

/** Every row must match; stops at the first that doesn't, as a run fails at its first bad dataset. */
function check(name: string, rows: readonly unknown[], schema: ZodType): void {
  for (let i = 0; i < rows.length; i++) {
    const result = schema.safeParse(rows[i]);
    if (!result.success) throw new Error(`${name} row ${i}: ${result.error.message}`);
  }
}

const READ_BACK = process.env['FLOOR_READ_BACK'] === '1';

/** Writes `rows` to Parquet; under READ_BACK, returns what a reader of the file gets, checked. */
async function persist<T>(path: string, rows: T[], name: string, schema: ZodType): Promise<T[]> {
  await writeParquet(path, rows as never);
  if (!READ_BACK) return rows;
  const read = (await readParquet(path)) as T[];
  check(name, read, schema);
  return read;
}

const { model_options: options } = parse(readFileSync('conf/base/parameters_data_science.yml', 'utf8'));
mark('load:companies');
const companies = readCsv('data/01_raw/companies.csv', {
  id: 'number',
  total_fleet_count: 'number',
}) as unknown as RawCompany[];
check('companies', companies, Company);
const ids = new Set<unknown>();
for (const company of companies) {
  if (ids.has(company.id)) throw new Error(`companies: id ${String(company.id)} is not unique`);
  ids.add(company.id);
}
const reviewColumns = readFileSync('data/01_raw/reviews.csv', 'utf8')
  .slice(0, 400)
  .split('\n')[0]!
  .split(',');
const reviews = readCsv(
  'data/01_raw/reviews.csv',
  Object.fromEntries(reviewColumns.map((name) => [name.trim(), 'number' as const])),
) as unknown as Review[];
check('reviews', reviews, Review);

mark('load:shuttles');
const workbook = new ExcelJS.Workbook();
await workbook.xlsx.readFile('data/01_raw/shuttles.xlsx');
const sheet = workbook.worksheets[0]!;
const shuttles: Record<string, unknown>[] = [];
let header: string[] | undefined;
sheet.eachRow((row) => {
  const values = (row.values as unknown[])
    .slice(1)
    .map((value) => (value === undefined || value === '' ? null : value));
  if (header === undefined) header = values.map(String);
  else shuttles.push(Object.fromEntries(header.map((name, i) => [name, values[i] ?? null])));
});
mark('loaded:shuttles');
check('shuttles', shuttles, Shuttle);

let preprocessedCompanies = preprocessCompanies(companies);
check('preprocessed_companies', preprocessedCompanies, PreprocessedCompany);
preprocessedCompanies = await persist(
  'data/02_intermediate/preprocessed_companies.parquet',
  preprocessedCompanies,
  'preprocessed_companies',
  PreprocessedCompany,
);
let preprocessedShuttles = preprocessShuttles(shuttles as unknown as RawShuttle[]);
check('preprocessed_shuttles', preprocessedShuttles, PreprocessedShuttle);
preprocessedShuttles = await persist(
  'data/02_intermediate/preprocessed_shuttles.parquet',
  preprocessedShuttles,
  'preprocessed_shuttles',
  PreprocessedShuttle,
);
let table = createModelInputTable(preprocessedShuttles, preprocessedCompanies, reviews);
check('model_input_table', table, ModelInputRow);
table = await persist('data/03_primary/model_input_table.parquet', table, 'model_input_table', ModelInputRow);
const [xTrain, xTest, yTrain, yTest] = splitData(table, options);
const regressor = trainModel(xTrain, yTrain, options.features);
check('regressor', [regressor], LinearModel);
writeJson(`data/06_models/regressor.json/floor/regressor.json`, regressor);
writeJson('data/08_reporting/metrics.json', evaluateModel(regressor, xTest, yTest));
mark('end');
