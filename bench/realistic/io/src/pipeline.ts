import { node, Pipeline } from 'sluice';
import { aggregateDaily, cleanSales, dailyReport, storeCategoryMix, topProducts } from './nodes.ts';

export default new Pipeline([
  node(cleanSales, 'sales', 'clean_sales', { name: 'clean_sales' }),
  // The cleaned rows are kept as Parquet too, and read by three more nodes from memory.
  node((rows: unknown) => rows, 'clean_sales', 'clean_sales_parquet', { name: 'export_clean_sales' }),
  node(aggregateDaily, 'clean_sales', 'daily_sales', { name: 'aggregate_daily' }),
  node(topProducts, 'clean_sales', 'top_products', { name: 'top_products' }),
  node(storeCategoryMix, 'clean_sales', 'store_category_mix', { name: 'store_category_mix' }),
  node(dailyReport, 'daily_sales', 'daily_report', { name: 'daily_report' }),
]);
