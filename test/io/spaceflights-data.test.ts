import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';

/** The spaceflights raw data: real third-party files (see examples/spaceflights/NOTICE.md). */
const PROJECT = fileURLToPath(new URL('../../examples/spaceflights/', import.meta.url));
const registry = createDatasetTypeRegistry();

async function load(type: string, filepath: string, options: Record<string, unknown> = {}) {
  const dataset = await registry.get(type)(
    { filepath, ...options },
    { name: filepath, projectPath: PROJECT },
  );
  return (await dataset.load()) as Record<string, unknown>[];
}

test('companies.csv: 10019 rows; percent strings and t/f stay strings, empty cells are null', async () => {
  const rows = await load('csv', 'data/01_raw/companies.csv');
  assert.equal(rows.length, 10019);
  assert.deepEqual(Object.keys(rows[0]!), [
    'id',
    'company_rating',
    'company_location',
    'total_fleet_count',
    'iata_approved',
  ]);
  assert.deepEqual(rows[0], {
    id: 3888,
    company_rating: '100%',
    company_location: 'Isle of Man',
    total_fleet_count: 1,
    iata_approved: 'f',
  });
  assert.equal(rows[1]!.company_location, null);
  assert.ok(rows.every((row) => typeof row.id === 'number'));
  assert.ok(
    rows.every((row) => row.iata_approved === 't' || row.iata_approved === 'f' || row.iata_approved === null),
  );
  assert.equal(rows.filter((row) => row.iata_approved === null).length, 2);
  assert.ok(rows.every((row) => row.company_rating === null || /^\d+%$/.test(String(row.company_rating))));
});

test('companies.csv with declared columns: booleans from t/f, a bad percent names its line', async () => {
  const rows = await load('csv', 'data/01_raw/companies.csv', {
    load_args: { columns: { id: 'integer', iata_approved: 'boolean', company_location: 'string' } },
  });
  assert.equal(rows.length, 10019);
  assert.equal(rows[0]!.iata_approved, false);
  assert.ok(rows.some((row) => row.iata_approved === true));
  await assert.rejects(
    load('csv', 'data/01_raw/companies.csv', { load_args: { columns: { company_rating: 'number' } } }),
    /companies\.csv: line 2, column "company_rating": "100%" is not a number/,
  );
});

test('reviews.csv: 15531 rows of numbers, with nulls where cells are empty', async () => {
  const rows = await load('csv', 'data/01_raw/reviews.csv');
  assert.equal(rows.length, 15531);
  assert.deepEqual(Object.keys(rows[0]!), [
    'shuttle_id',
    'review_scores_rating',
    'review_scores_comfort',
    'review_scores_amenities',
    'review_scores_trip',
    'review_scores_crew',
    'review_scores_location',
    'review_scores_price',
    'number_of_reviews',
    'reviews_per_month',
  ]);
  assert.equal(rows[0]!.shuttle_id, 45163);
  assert.equal(rows[0]!.reviews_per_month, 0.77);
  for (const row of rows) {
    for (const value of Object.values(row))
      assert.ok(value === null || typeof value === 'number', `unexpected ${String(value)}`);
  }
});

test('shuttles.xlsx: 15531 rows with the spaceflights columns; money strings stay strings', async () => {
  const rows = await load('excel', 'data/01_raw/shuttles.xlsx');
  assert.equal(rows.length, 15531);
  assert.deepEqual(Object.keys(rows[0]!), [
    'id',
    'shuttle_location',
    'shuttle_type',
    'engine_type',
    'engine_vendor',
    'engines',
    'passenger_capacity',
    'cancellation_policy',
    'crew',
    'd_check_complete',
    'moon_clearance_complete',
    'price',
    'company_id',
  ]);
  assert.equal(rows[0]!.id, 45163);
  assert.equal(rows[0]!.price, '$1,715.0');
  assert.equal(rows[0]!.d_check_complete, 'f');
  assert.ok(rows.every((row) => typeof row.id === 'number' && typeof row.company_id === 'number'));
  assert.ok(rows.every((row) => row.price === null || /^\$[\d,]+\.\d$/.test(String(row.price))));
});
