import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelInputRow } from '../src/pipelines/data_processing/nodes.ts';
import type { FeatureRow, ModelOptions } from '../src/pipelines/data_science/nodes.ts';
import {
  evaluateModel,
  featureVector,
  fitLinearRegression,
  predict,
  rSquared,
  seededRandom,
  seededShuffle,
  splitData,
  trainModel,
} from '../src/pipelines/data_science/nodes.ts';

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected}`);

test('seededRandom: the same seed gives the same numbers in [0, 1), another seed others', () => {
  const first = seededRandom(3);
  const again = seededRandom(3);
  const other = seededRandom(4);
  const a = Array.from({ length: 1000 }, first);
  assert.deepEqual(Array.from({ length: 1000 }, again), a);
  assert.notDeepEqual(Array.from({ length: 1000 }, other), a);
  assert.ok(a.every((value) => value >= 0 && value < 1));
  const mean = a.reduce((sum, value) => sum + value, 0) / a.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
});

test('seededShuffle: a permutation fixed by the seed; the input is left alone', () => {
  const items = Array.from({ length: 50 }, (_, index) => index);
  const shuffled = seededShuffle(items, 3);
  assert.deepEqual(seededShuffle(items, 3), shuffled);
  assert.notDeepEqual(shuffled, items);
  assert.deepEqual(
    [...shuffled].sort((a, b) => a - b),
    items,
  );
  assert.deepEqual(
    items,
    Array.from({ length: 50 }, (_, index) => index),
  );
});

// A model input table where price depends exactly on two features.
function table(rows: number): ModelInputRow[] {
  return Array.from(
    { length: rows },
    (_, index) =>
      ({
        shuttle_id: index,
        shuttle_type: `Type ${index % 3}`,
        engines: 1 + (index % 4),
        d_check_complete: index % 3 === 0,
        price: 100 + 50 * (1 + (index % 4)) + (index % 3 === 0 ? 25 : 0),
      }) as unknown as ModelInputRow,
  );
}

const options: ModelOptions = { test_size: 0.2, random_state: 3, features: ['engines', 'd_check_complete'] };

test('splitData: a seeded split into features and prices, test share rounded up', () => {
  const rows = table(101);
  const [xTrain, xTest, yTrain, yTest] = splitData(rows, options);
  assert.equal(xTest.length, 21); // ceil(101 × 0.2)
  assert.equal(xTrain.length, 80);
  assert.equal(yTest.length, 21);
  assert.equal(yTrain.length, 80);
  assert.deepEqual(Object.keys(xTrain[0]!), ['engines', 'd_check_complete']);
  // Each price still belongs to its features.
  [...xTrain, ...xTest].forEach((row, index) =>
    assert.equal(
      [...yTrain, ...yTest][index],
      100 + 50 * (row.engines as number) + (row.d_check_complete ? 25 : 0),
    ),
  );
  assert.deepEqual(splitData(rows, options), [xTrain, xTest, yTrain, yTest], 'the same seed, the same split');
  const [, otherTest] = splitData(rows, { ...options, random_state: 4 });
  assert.notDeepEqual(otherTest, xTest, 'another seed, another split');
});

test('splitData: every row lands in exactly one of train and test', () => {
  const rows = table(57);
  const [xTrain, xTest] = splitData(rows, { ...options, features: ['shuttle_id'] });
  const ids = [...xTrain, ...xTest].map((row) => row.shuttle_id as number).sort((a, b) => a - b);
  assert.deepEqual(
    ids,
    rows.map((row) => row.shuttle_id),
  );
});

test('splitData: clear errors for options that cannot work', () => {
  const rows = table(10);
  assert.throws(() => splitData(rows, { ...options, test_size: 0 }), /test_size must be between 0 and 1/);
  assert.throws(() => splitData(rows, { ...options, test_size: 1.5 }), /test_size must be between 0 and 1/);
  assert.throws(() => splitData(rows, { ...options, random_state: 0.5 }), /random_state must be an integer/);
  assert.throws(() => splitData(rows, { ...options, features: ['engins'] }), /lacks: engins/);
  assert.throws(() => splitData(rows, { ...options, features: ['shuttle_type'] }), /not: shuttle_type/);
  assert.throws(() => splitData([], options), /empty/);
});

test('featureVector: booleans count as 0 and 1; a missing value is an error', () => {
  assert.deepEqual(featureVector({ a: 2, b: true, c: false }, ['c', 'a', 'b']), [0, 2, 1]);
  assert.throws(() => featureVector({ a: 2 }, ['a', 'b']), /Feature "b" is undefined/);
});

test('fitLinearRegression: a textbook line (y = 2.2 + 0.6x, R² 0.6)', () => {
  const x: FeatureRow[] = [1, 2, 3, 4, 5].map((value) => ({ x: value }));
  const y = [2, 4, 5, 4, 5];
  const model = fitLinearRegression(x, y, ['x']);
  close(model.intercept, 2.2);
  close(model.coefficients.x!, 0.6);
  close(
    rSquared(
      y,
      x.map((row) => predict(model, row)),
    ),
    0.6,
  );
  assert.equal(model.trainingRows, 5);
  assert.equal(model.target, 'price');
});

test('fitLinearRegression: recovers exact coefficients, booleans included', () => {
  const random = seededRandom(7);
  const rows: FeatureRow[] = Array.from({ length: 200 }, () => ({
    engines: Math.floor(random() * 5),
    rating: 60 + random() * 40,
    approved: random() < 0.4,
  }));
  const prices = rows.map(
    (row) => 300 + 120 * (row.engines as number) - 2.5 * (row.rating as number) + (row.approved ? 40 : 0),
  );
  const model = fitLinearRegression(rows, prices, ['engines', 'rating', 'approved']);
  close(model.intercept, 300, 1e-6);
  close(model.coefficients.engines!, 120, 1e-8);
  close(model.coefficients.rating!, -2.5, 1e-8);
  close(model.coefficients.approved!, 40, 1e-8);
  assert.deepEqual(model.constantFeatures, []);
});

test('fitLinearRegression: least squares with noise leaves residuals orthogonal to every feature', () => {
  const random = seededRandom(11);
  const rows: FeatureRow[] = Array.from({ length: 300 }, () => ({ a: random() * 10, b: random() < 0.5 }));
  const prices = rows.map((row) => 5 + 3 * (row.a as number) + (row.b ? 2 : 0) + (random() - 0.5) * 4);
  const model = fitLinearRegression(rows, prices, ['a', 'b']);
  const residuals = rows.map((row, index) => prices[index]! - predict(model, row));
  // The normal equations: Xᵀ(y - Xb) = 0, intercept column included.
  close(
    residuals.reduce((sum, value) => sum + value, 0),
    0,
    1e-8,
  );
  for (const feature of ['a', 'b']) {
    close(
      residuals.reduce((sum, value, index) => sum + value * featureVector(rows[index]!, [feature])[0]!, 0),
      0,
      1e-7,
    );
  }
});

test('fitLinearRegression: a constant feature gets coefficient 0 instead of breaking the fit', () => {
  // moon_clearance_complete is "f" on every shuttle of the real data.
  const rows: FeatureRow[] = [1, 2, 3, 4, 5].map((value) => ({ x: value, moon: false }));
  const model = fitLinearRegression(rows, [3, 5, 7, 9, 11], ['x', 'moon']);
  close(model.coefficients.x!, 2);
  close(model.intercept, 1);
  assert.equal(model.coefficients.moon, 0);
  assert.deepEqual(model.constantFeatures, ['moon']);
});

test('fitLinearRegression: collinear features and too few rows are errors that say what to do', () => {
  const rows: FeatureRow[] = [1, 2, 3, 4, 5].map((value) => ({ a: value, twice: 2 * value }));
  assert.throws(
    () => fitLinearRegression(rows, [1, 2, 3, 4, 6], ['a', 'twice']),
    /collinear: "twice".*Drop one/,
  );
  assert.throws(
    () => fitLinearRegression(rows.slice(0, 2), [1, 2], ['a', 'twice']),
    /2 training rows can't determine 2 coefficients/,
  );
  assert.throws(() => fitLinearRegression(rows, [1, 2], ['a']), /5 feature rows but 2 targets/);
});

test('rSquared: 1 for perfect predictions, 0 for predicting the mean, negative when worse', () => {
  assert.equal(rSquared([1, 2, 3], [1, 2, 3]), 1);
  assert.equal(rSquared([1, 2, 3], [2, 2, 2]), 0);
  assert.ok(rSquared([1, 2, 3], [3, 2, 1]) < 0);
  assert.throws(() => rSquared([1], []), RangeError);
});

test('trainModel and evaluateModel: the nodes give the model and its metrics', (context) => {
  context.mock.method(console, 'log', () => {});
  const [xTrain, xTest, yTrain, yTest] = splitData(table(100), options);
  const model = trainModel(xTrain, yTrain, options.features);
  const metrics = evaluateModel(model, xTest, yTest);
  close(metrics.r2, 1);
  assert.equal(metrics.trainingRows, 80);
  assert.equal(metrics.testRows, 20);
  close(metrics.coefficients.engines!, 50, 1e-8);
  close(metrics.coefficients.d_check_complete!, 25, 1e-8);
  assert.deepEqual(JSON.parse(JSON.stringify(model)), model, 'the model survives a JSON round trip');
});
