/** (a) The I/O-heavy pipeline: 200k sales rows cleaned, aggregated per day, written to Parquet and JSON. */

export interface Sale {
  order_id: number;
  ts: string;
  store: string;
  region: string | null;
  product: string;
  category: string;
  quantity: number | null;
  unit_price: number | null;
  discount: number | null;
  returned: boolean | null;
  note: string | null;
}

export interface CleanSale {
  order_id: number;
  day: string;
  store: string;
  region: string;
  product: string;
  category: string;
  quantity: number;
  unit_price: number;
  discount: number;
  revenue: number;
}

/** Drops returns and incomplete rows; one new row per kept sale, with its revenue. */
export function cleanSales(sales: readonly Sale[]): CleanSale[] {
  const cleaned: CleanSale[] = [];
  for (const sale of sales) {
    if (sale.returned === true || sale.unit_price === null || sale.quantity === null || sale.quantity <= 0)
      continue;
    const discount = sale.discount ?? 0;
    cleaned.push({
      order_id: sale.order_id,
      day: sale.ts.slice(0, 10),
      store: sale.store,
      region: (sale.region ?? 'unknown').trim().toLowerCase(),
      product: sale.product,
      category: sale.category,
      quantity: sale.quantity,
      unit_price: sale.unit_price,
      discount,
      revenue: Math.round(sale.quantity * sale.unit_price * (1 - discount) * 100) / 100,
    });
  }
  return cleaned;
}

export interface DailySales {
  day: string;
  region: string;
  orders: number;
  quantity: number;
  revenue: number;
  avg_discount: number;
}

/** One row per day and region. */
export function aggregateDaily(sales: readonly CleanSale[]): DailySales[] {
  const groups = new Map<string, DailySales>();
  for (const sale of sales) {
    const key = `${sale.day}|${sale.region}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { day: sale.day, region: sale.region, orders: 0, quantity: 0, revenue: 0, avg_discount: 0 };
      groups.set(key, group);
    }
    group.orders += 1;
    group.quantity += sale.quantity;
    group.revenue += sale.revenue;
    group.avg_discount += sale.discount;
  }
  const daily = [...groups.values()];
  for (const group of daily) {
    group.avg_discount = group.avg_discount / group.orders;
    group.revenue = Math.round(group.revenue * 100) / 100;
  }
  return daily.sort((a, b) =>
    a.day === b.day ? a.region.localeCompare(b.region) : a.day.localeCompare(b.day),
  );
}

/** The day totals, for a report. */
export function dailyReport(
  daily: readonly DailySales[],
): { day: string; revenue: number; orders: number }[] {
  const days = new Map<string, { day: string; revenue: number; orders: number }>();
  for (const row of daily) {
    const day = days.get(row.day) ?? { day: row.day, revenue: 0, orders: 0 };
    day.revenue += row.revenue;
    day.orders += row.orders;
    days.set(row.day, day);
  }
  return [...days.values()];
}

/** The 25 products with the most revenue. */
export function topProducts(
  sales: readonly CleanSale[],
): { product: string; revenue: number; quantity: number }[] {
  const products = new Map<string, { product: string; revenue: number; quantity: number }>();
  for (const sale of sales) {
    const product = products.get(sale.product) ?? { product: sale.product, revenue: 0, quantity: 0 };
    product.revenue += sale.revenue;
    product.quantity += sale.quantity;
    products.set(sale.product, product);
  }
  return [...products.values()].sort((a, b) => b.revenue - a.revenue).slice(0, 25);
}

/** Revenue per store and category, for the analysts' Parquet extract. */
export function storeCategoryMix(
  sales: readonly CleanSale[],
): { store: string; category: string; revenue: number }[] {
  const mix = new Map<string, { store: string; category: string; revenue: number }>();
  for (const sale of sales) {
    const key = `${sale.store}|${sale.category}`;
    const row = mix.get(key) ?? { store: sale.store, category: sale.category, revenue: 0 };
    row.revenue += sale.revenue;
    mix.set(key, row);
  }
  return [...mix.values()];
}
