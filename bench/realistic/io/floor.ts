/** (a) without a framework: the same node functions, the same libraries, called in order. */
import { readCsv, writeJson, writeParquet } from '../shared/floor-io.ts';
import { aggregateDaily, cleanSales, dailyReport, storeCategoryMix, topProducts } from './src/nodes.ts';
import type { Sale } from './src/nodes.ts';

const sales = readCsv('data/01_raw/sales.csv', {
  order_id: 'number',
  quantity: 'number',
  unit_price: 'number',
  discount: 'number',
  returned: 'boolean',
}) as unknown as Sale[];
const clean = cleanSales(sales);
await writeParquet('data/02_intermediate/clean_sales.parquet', clean as never);
const daily = aggregateDaily(clean);
await writeParquet('data/03_primary/daily_sales.parquet', daily as never);
writeJson('data/08_reporting/top_products.json', topProducts(clean));
await writeParquet('data/03_primary/store_category_mix.parquet', storeCategoryMix(clean) as never);
writeJson('data/08_reporting/daily_report.json', dailyReport(daily));
