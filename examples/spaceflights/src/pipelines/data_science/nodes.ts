/**
 * Data science: predict a shuttle's price from a few of its columns with a linear regression,
 * fitted on a seeded random share of the rows and scored (R²) on the rest.
 */
import type { ModelInputRow } from '../data_processing/nodes.ts';
import { SingularMatrixError, solveLinearSystem } from './linear-algebra.ts';

/** `params:model_options` (conf/base/parameters_data_science.yml). */
export interface ModelOptions {
  /** The share of rows held out for evaluation, between 0 and 1. */
  test_size: number;
  /** The seed of the shuffle: the same seed always gives the same split. */
  random_state: number;
  /** Columns of the model input table the model reads. Booleans count as 0 or 1. */
  features: string[];
}

/** The feature columns of one row, by name. */
export type FeatureRow = Record<string, number | boolean>;

/** What the model predicts. */
export const TARGET = 'price';

/** A fitted linear regression, saved as JSON: `price ≈ intercept + Σ coefficients[f] · row[f]`. */
export interface LinearModel {
  target: string;
  /** The features in the order the model was fitted with. */
  features: string[];
  intercept: number;
  coefficients: Record<string, number>;
  /** Features that had one value across the training rows: they can't explain anything, so their coefficient is 0. */
  constantFeatures: string[];
  trainingRows: number;
}

/**
 * How the model does on the held-out rows. A type, not an interface: the `metrics` dataset takes
 * a record of numbers, and only a type alias counts as one (an interface could gain any member).
 */
export type Metrics = {
  r2: number;
  trainingRows: number;
  testRows: number;
  intercept: number;
  coefficients: Record<string, number>;
};

/**
 * A seeded pseudo-random generator (mulberry32): numbers in [0, 1), the same sequence for the same
 * seed on every machine, which Math.random can't promise.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** A shuffled copy (Fisher–Yates), in an order fixed by `seed`. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const shuffled = [...items];
  for (let index = shuffled.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
  }
  return shuffled;
}

/**
 * Splits the table into features and prices for training and for testing, after a seeded shuffle.
 * The test share is rounded up, as scikit-learn's `train_test_split` does.
 */
export function splitData(
  table: readonly ModelInputRow[],
  options: ModelOptions,
): [xTrain: FeatureRow[], xTest: FeatureRow[], yTrain: number[], yTest: number[]] {
  const { test_size: testSize, random_state: seed, features } = options;
  if (!(testSize > 0 && testSize < 1)) {
    throw new RangeError(`model_options.test_size must be between 0 and 1, got ${testSize}.`);
  }
  if (!Number.isInteger(seed)) {
    throw new RangeError(`model_options.random_state must be an integer, got ${seed}.`);
  }
  if (table.length === 0) {
    throw new RangeError('The model input table is empty: there is nothing to learn from.');
  }
  const firstRow: Record<string, unknown> = table[0]!;
  const columns = Object.keys(firstRow);
  const unknown = features.filter((feature) => !columns.includes(feature));
  if (unknown.length > 0) {
    throw new RangeError(
      `model_options.features names columns the table lacks: ${unknown.join(', ')}. Columns: ${columns.join(', ')}.`,
    );
  }
  const text = features.filter(
    (feature) => typeof firstRow[feature] !== 'number' && typeof firstRow[feature] !== 'boolean',
  );
  if (text.length > 0) {
    throw new RangeError(
      `A linear model needs numbers or booleans; these features are not: ${text.join(', ')}.`,
    );
  }
  const testRows = Math.ceil(table.length * testSize);
  if (testRows >= table.length) {
    throw new RangeError(`test_size ${testSize} leaves no rows to train on (${table.length} rows).`);
  }

  const shuffled = seededShuffle(table, seed);
  const featuresOf = (row: Record<string, unknown>): FeatureRow =>
    Object.fromEntries(features.map((feature) => [feature, numberOrBoolean(row[feature], feature)]));
  const test = shuffled.slice(0, testRows);
  const train = shuffled.slice(testRows);
  return [
    train.map(featuresOf),
    test.map(featuresOf),
    train.map((row) => row[TARGET]),
    test.map((row) => row[TARGET]),
  ];
}

/** A feature's value, checked: the first row's types were, but a later row may differ. */
function numberOrBoolean(value: unknown, feature: string): number | boolean {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  throw new TypeError(
    `Feature "${feature}" is ${JSON.stringify(value)}; the model needs a number or a boolean.`,
  );
}

/** A row's features as numbers, in `features` order; booleans become 0 and 1. */
export function featureVector(row: FeatureRow, features: readonly string[]): number[] {
  return features.map((feature) => {
    const value = row[feature];
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TypeError(
        `Feature "${feature}" is ${JSON.stringify(value)}; the model needs a number or a boolean.`,
      );
    }
    return value;
  });
}

/**
 * Ordinary least squares with an intercept, through the normal equations. The columns are centred
 * first: that takes the intercept out of the system (it is the mean price minus the coefficients
 * times the mean features) and keeps the system well conditioned. A feature with one value across
 * all rows would make the system singular; it gets coefficient 0, as scikit-learn's minimum-norm
 * solution gives it.
 */
export function fitLinearRegression(
  xTrain: readonly FeatureRow[],
  yTrain: readonly number[],
  features: readonly string[],
): LinearModel {
  if (xTrain.length !== yTrain.length) {
    throw new RangeError(`${xTrain.length} feature rows but ${yTrain.length} targets.`);
  }
  if (xTrain.length <= features.length) {
    throw new RangeError(
      `${xTrain.length} training rows can't determine ${features.length} coefficients and an intercept.`,
    );
  }
  const rows = xTrain.map((row) => featureVector(row, features));
  const count = rows.length;
  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const featureMeans = features.map((_, column) => mean(rows.map((row) => row[column]!)));
  const targetMean = mean(yTrain);

  const varying = features.map((_, column) => rows.some((row) => row[column] !== rows[0]![column]));
  const used = features.flatMap((_, column) => (varying[column] ? [column] : []));
  // Normal equations on centred data: (XcᵀXc) b = Xcᵀyc.
  const gram = used.map(() => new Array<number>(used.length).fill(0));
  const moments = new Array<number>(used.length).fill(0);
  for (let index = 0; index < count; index++) {
    const centred = used.map((column) => rows[index]![column]! - featureMeans[column]!);
    const target = yTrain[index]! - targetMean;
    for (let i = 0; i < used.length; i++) {
      moments[i] = moments[i]! + centred[i]! * target;
      for (let j = 0; j <= i; j++) gram[i]![j] = gram[i]![j]! + centred[i]! * centred[j]!;
    }
  }
  for (let i = 0; i < used.length; i++) for (let j = i + 1; j < used.length; j++) gram[i]![j] = gram[j]![i]!;

  let solved: number[];
  try {
    solved = solveLinearSystem(gram, moments);
  } catch (error) {
    if (!(error instanceof SingularMatrixError)) throw error;
    const feature = features[used[error.column]!];
    const message = `The features are collinear: "${feature}" is a combination of the others. Drop one of them from model_options.features.`;
    throw new RangeError(message, { cause: error });
  }
  const coefficients: Record<string, number> = Object.fromEntries(features.map((feature) => [feature, 0]));
  used.forEach((column, index) => (coefficients[features[column]!] = solved[index]!));
  const intercept =
    targetMean -
    features.reduce((sum, feature, column) => sum + coefficients[feature]! * featureMeans[column]!, 0);
  return {
    target: TARGET,
    features: [...features],
    intercept,
    coefficients,
    constantFeatures: features.filter((_, column) => !varying[column]),
    trainingRows: count,
  };
}

/** The price the model predicts for one row. */
export function predict(model: LinearModel, row: FeatureRow): number {
  const vector = featureVector(row, model.features);
  return model.features.reduce(
    (sum, feature, column) => sum + model.coefficients[feature]! * vector[column]!,
    model.intercept,
  );
}

/** The coefficient of determination: 1 - (residual sum of squares) / (total sum of squares around the mean). */
export function rSquared(actual: readonly number[], predicted: readonly number[]): number {
  if (actual.length !== predicted.length || actual.length === 0) {
    throw new RangeError(
      `R² needs as many predictions as values, and at least one (${actual.length} values, ${predicted.length} predictions).`,
    );
  }
  const mean = actual.reduce((sum, value) => sum + value, 0) / actual.length;
  let residual = 0;
  let total = 0;
  actual.forEach((value, index) => {
    residual += (value - predicted[index]!) ** 2;
    total += (value - mean) ** 2;
  });
  return 1 - residual / total;
}

/** Fits the price model on the training rows. */
export function trainModel(xTrain: FeatureRow[], yTrain: number[], features: string[]): LinearModel {
  return fitLinearRegression(xTrain, yTrain, features);
}

/** Scores the model on the held-out rows, and says how it did in the run's log. */
export function evaluateModel(regressor: LinearModel, xTest: FeatureRow[], yTest: number[]): Metrics {
  const r2 = rSquared(
    yTest,
    xTest.map((row) => predict(regressor, row)),
  );
  console.log(
    `R² on the test set: ${r2.toFixed(3)} (${xTest.length} rows; trained on ${regressor.trainingRows})`,
  );
  return {
    r2,
    trainingRows: regressor.trainingRows,
    testRows: xTest.length,
    intercept: regressor.intercept,
    coefficients: regressor.coefficients,
  };
}
