/**
 * Data processing: turn the raw spaceflights files into typed tables and join them into one row per
 * reviewed shuttle. The raw data are messy on purpose (see NOTICE.md): ratings are percent strings,
 * prices are money strings and flags are "t"/"f". Missing cells stay `null` here; the model input
 * table is where incomplete rows are dropped.
 */

/** A row of companies.csv, as the csv dataset loads it. */
export interface RawCompany {
  id: number;
  /** "100%", "38%" or null. */
  company_rating: string | null;
  company_location: string | null;
  total_fleet_count: number | null;
  /** "t", "f" or null. */
  iata_approved: string | null;
}

export interface Company extends Omit<RawCompany, 'company_rating' | 'iata_approved'> {
  /** A share: "100%" is 1, "38%" is 0.38. */
  company_rating: number | null;
  iata_approved: boolean | null;
}

/** A row of shuttles.xlsx, as the excel dataset loads it. */
export interface RawShuttle {
  id: number;
  shuttle_location: string | null;
  shuttle_type: string | null;
  engine_type: string | null;
  engine_vendor: string | null;
  engines: number | null;
  passenger_capacity: number | null;
  cancellation_policy: string | null;
  crew: number | null;
  /** "t", "f" or null. */
  d_check_complete: string | null;
  /** "t", "f" or null. */
  moon_clearance_complete: string | null;
  /** "$1,325.0" or null. */
  price: string | null;
  company_id: number | null;
}

export interface Shuttle extends Omit<RawShuttle, 'd_check_complete' | 'moon_clearance_complete' | 'price'> {
  d_check_complete: boolean | null;
  moon_clearance_complete: boolean | null;
  /** In dollars: "$1,325.0" is 1325. */
  price: number | null;
}

/** A row of reviews.csv: every column is a number, or null where the cell is empty. */
export interface Review {
  shuttle_id: number;
  review_scores_rating: number | null;
  review_scores_comfort: number | null;
  review_scores_amenities: number | null;
  review_scores_trip: number | null;
  review_scores_crew: number | null;
  review_scores_location: number | null;
  review_scores_price: number | null;
  number_of_reviews: number | null;
  reviews_per_month: number | null;
}

type Complete<T> = { [K in keyof T]: NonNullable<T[K]> };

/**
 * One row of the model input table: a shuttle (its id as `shuttle_id`), its review scores and its
 * company's columns (the company's id is the shuttle's `company_id`). No value is missing.
 */
export type ModelInputRow = Complete<
  Omit<Shuttle, 'id'> & Omit<Review, 'shuttle_id'> & Omit<Company, 'id'> & { shuttle_id: number }
>;

/** "t" → true, "f" → false; a missing value stays missing. Anything else is a data error, not a false. */
export function parseFlag(value: string | boolean | null | undefined, column: string): boolean | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'boolean') return value;
  if (value === 't') return true;
  if (value === 'f') return false;
  throw new Error(`Column "${column}": expected "t" or "f", got ${JSON.stringify(value)}.`);
}

const PERCENT = /^\s*(-?\d+(?:\.\d+)?)\s*%\s*$/;

/** "38%" → 0.38 (a share, as Kedro's tutorial computes it). A number is taken as a share already. */
export function parsePercentage(value: string | number | null | undefined, column: string): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return value;
  const match = PERCENT.exec(value);
  if (match === null) {
    throw new Error(`Column "${column}": expected a percentage such as "38%", got ${JSON.stringify(value)}.`);
  }
  return Number(match[1]) / 100;
}

const MONEY = /^\s*(-)?\s*\$\s*(\d{1,3}(?:,\d{3})*|\d+)(\.\d+)?\s*$/;

/** "$1,325.0" → 1325. A number is taken as dollars already (Excel may store prices as numbers). */
export function parseMoney(value: string | number | null | undefined, column: string): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return value;
  const match = MONEY.exec(value);
  if (match === null) {
    throw new Error(
      `Column "${column}": expected an amount such as "$1,325.0", got ${JSON.stringify(value)}.`,
    );
  }
  const amount = Number(`${match[2]!.replaceAll(',', '')}${match[3] ?? ''}`);
  return match[1] === undefined ? amount : -amount;
}

/** Companies with `company_rating` as a share and `iata_approved` as a boolean. */
export function preprocessCompanies(companies: readonly RawCompany[]): Company[] {
  return companies.map((company) => ({
    ...company,
    company_rating: parsePercentage(company.company_rating, 'company_rating'),
    iata_approved: parseFlag(company.iata_approved, 'iata_approved'),
  }));
}

/** Shuttles with the two checks as booleans and `price` in dollars. */
export function preprocessShuttles(shuttles: readonly RawShuttle[]): Shuttle[] {
  return shuttles.map((shuttle) => ({
    ...shuttle,
    d_check_complete: parseFlag(shuttle.d_check_complete, 'd_check_complete'),
    moon_clearance_complete: parseFlag(shuttle.moon_clearance_complete, 'moon_clearance_complete'),
    price: parseMoney(shuttle.price, 'price'),
  }));
}

/** Rows by the value of their key; rows whose key is missing join nothing, as in SQL. */
function indexBy<T>(rows: readonly T[], key: (row: T) => unknown): Map<unknown, T[]> {
  const index = new Map<unknown, T[]>();
  for (const row of rows) {
    const value = key(row);
    if (value === null || value === undefined) continue;
    const matches = index.get(value);
    if (matches === undefined) index.set(value, [row]);
    else matches.push(row);
  }
  return index;
}

/** True when no value of `row` is missing (null, undefined or NaN): then its type is `Complete`. */
function isComplete<T extends object>(row: T): row is T & Complete<T> {
  return Object.values(row).every((value) => value !== null && value !== undefined && !Number.isNaN(value));
}

/**
 * Joins each shuttle to its reviews (`reviews.shuttle_id = shuttles.id`) and its company
 * (`shuttles.company_id = companies.id`), both inner joins, and keeps only rows with no missing
 * value: the model can't learn from a blank. The ids are kept once, as `shuttle_id` and
 * `company_id`.
 */
export function createModelInputTable(
  shuttles: readonly Shuttle[],
  companies: readonly Company[],
  reviews: readonly Review[],
): ModelInputRow[] {
  const reviewsByShuttle = indexBy(reviews, (review) => review.shuttle_id);
  const companiesById = indexBy(companies, (company) => company.id);
  const table: ModelInputRow[] = [];
  for (const { id: shuttleId, ...shuttle } of shuttles) {
    for (const { shuttle_id: _sameAsShuttleId, ...review } of reviewsByShuttle.get(shuttleId) ?? []) {
      for (const { id: _sameAsCompanyId, ...company } of companiesById.get(shuttle.company_id) ?? []) {
        const row = { shuttle_id: shuttleId, ...shuttle, ...review, ...company };
        if (isComplete(row)) table.push(row);
      }
    }
  }
  return table;
}
