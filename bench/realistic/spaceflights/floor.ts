/** (c) spaceflights without a framework: the example's node functions, the same libraries, in order. */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { parse } from 'yaml';
import { readCsv, writeJson, writeParquet } from '../shared/floor-io.ts';
import {
  createModelInputTable,
  preprocessCompanies,
  preprocessShuttles,
} from './src/pipelines/data_processing/nodes.ts';
import type { RawCompany, RawShuttle, Review } from './src/pipelines/data_processing/nodes.ts';
import { evaluateModel, splitData, trainModel } from './src/pipelines/data_science/nodes.ts';

const { model_options: options } = parse(readFileSync('conf/base/parameters_data_science.yml', 'utf8'));
const companies = readCsv('data/01_raw/companies.csv', {
  id: 'number',
  total_fleet_count: 'number',
}) as unknown as RawCompany[];
const reviewColumns = readFileSync('data/01_raw/reviews.csv', 'utf8')
  .slice(0, 400)
  .split('\n')[0]!
  .split(',');
const reviews = readCsv(
  'data/01_raw/reviews.csv',
  Object.fromEntries(reviewColumns.map((name) => [name.trim(), 'number' as const])),
) as unknown as Review[];

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

const preprocessedCompanies = preprocessCompanies(companies);
await writeParquet('data/02_intermediate/preprocessed_companies.parquet', preprocessedCompanies as never);
const preprocessedShuttles = preprocessShuttles(shuttles as unknown as RawShuttle[]);
await writeParquet('data/02_intermediate/preprocessed_shuttles.parquet', preprocessedShuttles as never);
const table = createModelInputTable(preprocessedShuttles, preprocessedCompanies, reviews);
await writeParquet('data/03_primary/model_input_table.parquet', table as never);
const [xTrain, xTest, yTrain, yTest] = splitData(table, options);
const regressor = trainModel(xTrain, yTrain, options.features);
writeJson(`data/06_models/regressor.json/floor/regressor.json`, regressor);
writeJson('data/08_reporting/metrics.json', evaluateModel(regressor, xTest, yTest));
