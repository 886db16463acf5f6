import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  Company,
  RawCompany,
  RawShuttle,
  Review,
  Shuttle,
} from '../src/pipelines/data_processing/nodes.ts';
import {
  createModelInputTable,
  parseFlag,
  parseMoney,
  parsePercentage,
  preprocessCompanies,
  preprocessShuttles,
} from '../src/pipelines/data_processing/nodes.ts';

// Rows shaped like the real files' first lines (see data/01_raw).
const rawCompanies: RawCompany[] = [
  {
    id: 3888,
    company_rating: '100%',
    company_location: 'Isle of Man',
    total_fleet_count: 1,
    iata_approved: 'f',
  },
  { id: 46728, company_rating: '38%', company_location: null, total_fleet_count: 1, iata_approved: 't' },
  { id: 34618, company_rating: null, company_location: 'Chile', total_fleet_count: 2, iata_approved: null },
];

const rawShuttle: RawShuttle = {
  id: 45163,
  shuttle_location: 'Sao Tome and Principe',
  shuttle_type: 'Type V5',
  engine_type: 'Plasma',
  engine_vendor: 'ThetaBase Services',
  engines: 2,
  passenger_capacity: 4,
  cancellation_policy: 'moderate',
  crew: 2,
  d_check_complete: 'f',
  moon_clearance_complete: 't',
  price: '$1,715.0',
  company_id: 3888,
};

test('parseFlag: "t" and "f" become booleans, missing stays missing, anything else is an error', () => {
  assert.equal(parseFlag('t', 'c'), true);
  assert.equal(parseFlag('f', 'c'), false);
  assert.equal(parseFlag(true, 'c'), true);
  assert.equal(parseFlag(null, 'c'), null);
  assert.equal(parseFlag('', 'c'), null);
  assert.throws(
    () => parseFlag('yes', 'iata_approved'),
    /Column "iata_approved": expected "t" or "f", got "yes"/,
  );
});

test('parsePercentage: "100%" is 1 and "38%" is 0.38', () => {
  assert.equal(parsePercentage('100%', 'c'), 1);
  assert.equal(parsePercentage('38%', 'c'), 0.38);
  assert.equal(parsePercentage('0%', 'c'), 0);
  assert.equal(parsePercentage('12.5%', 'c'), 0.125);
  assert.equal(parsePercentage(0.4, 'c'), 0.4);
  assert.equal(parsePercentage(null, 'c'), null);
  assert.throws(
    () => parsePercentage('high', 'company_rating'),
    /Column "company_rating": expected a percentage/,
  );
  assert.throws(() => parsePercentage('38', 'company_rating'), /expected a percentage/);
});

test('parseMoney: dollars with thousands separators become numbers', () => {
  assert.equal(parseMoney('$1,325.0', 'c'), 1325);
  assert.equal(parseMoney('$999.9', 'c'), 999.9);
  assert.equal(parseMoney('$12,345,678.5', 'c'), 12_345_678.5);
  assert.equal(parseMoney('$40', 'c'), 40);
  assert.equal(parseMoney('-$5.25', 'c'), -5.25);
  assert.equal(parseMoney(1715, 'c'), 1715);
  assert.equal(parseMoney(null, 'c'), null);
  for (const bad of ['1,325.0', '$1,32.0', '$', 'free', '$1.2.3']) {
    assert.throws(() => parseMoney(bad, 'price'), /Column "price": expected an amount/, bad);
  }
});

test('preprocessCompanies converts the rating and the approval and keeps every other column', () => {
  assert.deepEqual(preprocessCompanies(rawCompanies), [
    {
      id: 3888,
      company_rating: 1,
      company_location: 'Isle of Man',
      total_fleet_count: 1,
      iata_approved: false,
    },
    { id: 46728, company_rating: 0.38, company_location: null, total_fleet_count: 1, iata_approved: true },
    { id: 34618, company_rating: null, company_location: 'Chile', total_fleet_count: 2, iata_approved: null },
  ]);
  assert.equal(rawCompanies[0]!.company_rating, '100%', 'the input rows are not modified');
});

test('preprocessShuttles converts the checks and the price', () => {
  const [shuttle] = preprocessShuttles([rawShuttle]);
  assert.deepEqual(shuttle, {
    ...rawShuttle,
    d_check_complete: false,
    moon_clearance_complete: true,
    price: 1715,
  });
});

// Already preprocessed rows for the join.
const shuttle = (id: number, companyId: number | null, price: number | null = 1000): Shuttle => ({
  ...preprocessShuttles([rawShuttle])[0]!,
  id,
  company_id: companyId,
  price,
});
const company = (id: number, rating: number | null = 0.9): Company => ({
  id,
  company_rating: rating,
  company_location: 'Chile',
  total_fleet_count: 3,
  iata_approved: true,
});
const review = (shuttleId: number, rating: number | null = 95): Review => ({
  shuttle_id: shuttleId,
  review_scores_rating: rating,
  review_scores_comfort: 10,
  review_scores_amenities: 9,
  review_scores_trip: 9,
  review_scores_crew: 9,
  review_scores_location: 9,
  review_scores_price: 9,
  number_of_reviews: 26,
  reviews_per_month: 0.77,
});

test('createModelInputTable: one row per shuttle, review and company, ids kept once', () => {
  const [row, ...rest] = createModelInputTable([shuttle(1, 10)], [company(10)], [review(1)]);
  assert.equal(rest.length, 0);
  assert.deepEqual(Object.keys(row!), [
    'shuttle_id',
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
    'review_scores_rating',
    'review_scores_comfort',
    'review_scores_amenities',
    'review_scores_trip',
    'review_scores_crew',
    'review_scores_location',
    'review_scores_price',
    'number_of_reviews',
    'reviews_per_month',
    'company_rating',
    'company_location',
    'total_fleet_count',
    'iata_approved',
  ]);
  assert.equal(row!.shuttle_id, 1);
  assert.equal(row!.company_id, 10);
  assert.equal(row!.company_rating, 0.9);
  assert.equal(row!.review_scores_rating, 95);
});

test('createModelInputTable: inner joins drop shuttles without a review or a company', () => {
  const table = createModelInputTable(
    [shuttle(1, 10), shuttle(2, 10), shuttle(3, 99), shuttle(4, null)],
    [company(10)],
    [review(1), review(3), review(4), review(77)],
  );
  assert.deepEqual(
    table.map((row) => row.shuttle_id),
    [1],
  );
});

test('createModelInputTable: rows with any missing value are dropped', () => {
  const table = createModelInputTable(
    [shuttle(1, 10), shuttle(2, 11), shuttle(3, 10, null), shuttle(4, 10)],
    [company(10), company(11, null)],
    [review(1), review(2), review(3), review(4, null)],
  );
  assert.deepEqual(
    table.map((row) => row.shuttle_id),
    [1],
  );
});

test('createModelInputTable: a key matching several rows gives every combination, as a join does', () => {
  const table = createModelInputTable(
    [shuttle(1, 10)],
    [company(10), company(10, 0.5)],
    [review(1, 90), review(1, 80)],
  );
  assert.deepEqual(
    table.map((row) => [row.review_scores_rating, row.company_rating]),
    [
      [90, 0.9],
      [90, 0.5],
      [80, 0.9],
      [80, 0.5],
    ],
  );
});
