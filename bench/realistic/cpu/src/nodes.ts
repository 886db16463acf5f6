/**
 * (b) The CPU-heavy pipeline: four independent branches, each on its own 50k-event file. A branch
 * joins its events to the user table, builds a feature matrix, fits a ridge regression by
 * gradient descent and a k-means clustering, computes group-by statistics, and scores the model.
 */

export interface Event {
  user_id: number;
  category: string;
  x1: number;
  x2: number;
  x3: number;
  x4: number;
  x5: number;
  x6: number;
  y: number;
}

export interface User {
  user_id: number;
  segment: string;
  age: number;
  tenure: number;
}

export interface Features {
  readonly columns: readonly string[];
  readonly rows: number;
  /** Row-major, `rows` x `columns.length`, standardised. */
  readonly X: Float64Array;
  readonly y: Float64Array;
}

const SEGMENTS = ['a', 'b', 'c', 'd'];

/** Joins events to their users and standardises the columns. */
export function buildFeatures(events: readonly Event[], users: readonly User[]): Features {
  const byId = new Map<number, User>();
  for (const user of users) byId.set(user.user_id, user);
  const columns = [
    'x1',
    'x2',
    'x3',
    'x4',
    'x5',
    'x6',
    'age',
    'tenure',
    ...SEGMENTS.map((s) => `segment_${s}`),
  ];
  const width = columns.length;
  const X = new Float64Array(events.length * width);
  const y = new Float64Array(events.length);
  events.forEach((event, row) => {
    const user = byId.get(event.user_id);
    const base = row * width;
    X[base] = event.x1;
    X[base + 1] = event.x2;
    X[base + 2] = event.x3;
    X[base + 3] = event.x4;
    X[base + 4] = event.x5;
    X[base + 5] = event.x6;
    X[base + 6] = user?.age ?? 0;
    X[base + 7] = user?.tenure ?? 0;
    const segment = SEGMENTS.indexOf(user?.segment ?? '');
    if (segment >= 0) X[base + 8 + segment] = 1;
    y[row] = event.y;
  });
  for (let column = 0; column < width; column++) {
    let sum = 0;
    let squares = 0;
    for (let row = 0; row < events.length; row++) sum += X[row * width + column]!;
    const mean = sum / events.length;
    for (let row = 0; row < events.length; row++) squares += (X[row * width + column]! - mean) ** 2;
    const deviation = Math.sqrt(squares / events.length) || 1;
    for (let row = 0; row < events.length; row++)
      X[row * width + column] = (X[row * width + column]! - mean) / deviation;
  }
  return { columns, rows: events.length, X, y };
}

export interface RidgeModel {
  intercept: number;
  weights: number[];
}

/** Ridge regression by full-batch gradient descent. */
export function fitRidge(
  features: Features,
  options: { epochs: number; rate: number; lambda: number },
): RidgeModel {
  const { X, y, rows } = features;
  const width = features.columns.length;
  const weights = new Float64Array(width);
  let intercept = 0;
  const gradient = new Float64Array(width);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    gradient.fill(0);
    let interceptGradient = 0;
    for (let row = 0; row < rows; row++) {
      const base = row * width;
      let predicted = intercept;
      for (let column = 0; column < width; column++) predicted += weights[column]! * X[base + column]!;
      const error = predicted - y[row]!;
      interceptGradient += error;
      for (let column = 0; column < width; column++) gradient[column]! += error * X[base + column]!;
    }
    intercept -= (options.rate * interceptGradient) / rows;
    for (let column = 0; column < width; column++)
      weights[column]! -= options.rate * (gradient[column]! / rows + options.lambda * weights[column]!);
  }
  return { intercept, weights: [...weights] };
}

export interface Clusters {
  sizes: number[];
  inertia: number;
}

/** k-means (Lloyd's algorithm) from deterministic starting centres. */
export function kMeans(features: Features, options: { k: number; iterations: number }): Clusters {
  const { X, rows } = features;
  const width = features.columns.length;
  const { k } = options;
  const centres = new Float64Array(k * width);
  for (let cluster = 0; cluster < k; cluster++) {
    const row = Math.floor((cluster * rows) / k);
    centres.set(X.subarray(row * width, row * width + width), cluster * width);
  }
  const assignment = new Int32Array(rows);
  let inertia = 0;
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    inertia = 0;
    for (let row = 0; row < rows; row++) {
      let best = 0;
      let bestDistance = Infinity;
      for (let cluster = 0; cluster < k; cluster++) {
        let distance = 0;
        for (let column = 0; column < width; column++) {
          const delta = X[row * width + column]! - centres[cluster * width + column]!;
          distance += delta * delta;
        }
        if (distance < bestDistance) {
          bestDistance = distance;
          best = cluster;
        }
      }
      assignment[row] = best;
      inertia += bestDistance;
    }
    centres.fill(0);
    const counts = new Float64Array(k);
    for (let row = 0; row < rows; row++) {
      const cluster = assignment[row]!;
      counts[cluster]! += 1;
      for (let column = 0; column < width; column++)
        centres[cluster * width + column]! += X[row * width + column]!;
    }
    for (let cluster = 0; cluster < k; cluster++)
      for (let column = 0; column < width; column++)
        centres[cluster * width + column]! /= counts[cluster] || 1;
  }
  const sizes = new Array<number>(k).fill(0);
  for (const cluster of assignment) sizes[cluster]! += 1;
  return { sizes, inertia };
}

export interface GroupStats {
  category: string;
  count: number;
  mean_y: number;
  var_y: number;
  median_x1: number;
}

/** Per category: count, mean and variance of y, median of x1 (sorting each group). */
export function groupStats(events: readonly Event[]): GroupStats[] {
  const groups = new Map<string, Event[]>();
  for (const event of events) {
    let group = groups.get(event.category);
    if (group === undefined) groups.set(event.category, (group = []));
    group.push(event);
  }
  return [...groups.entries()]
    .map(([category, group]) => {
      const mean = group.reduce((sum, event) => sum + event.y, 0) / group.length;
      const variance = group.reduce((sum, event) => sum + (event.y - mean) ** 2, 0) / group.length;
      const x1 = group.map((event) => event.x1).sort((a, b) => a - b);
      return { category, count: group.length, mean_y: mean, var_y: variance, median_x1: x1[x1.length >> 1]! };
    })
    .sort((a, b) => a.category.localeCompare(b.category));
}

/** The model's fit on its own branch, with the clustering and group statistics beside it. */
export function evaluate(
  features: Features,
  model: RidgeModel,
  clusters: Clusters,
  stats: readonly GroupStats[],
) {
  const { X, y, rows } = features;
  const width = features.columns.length;
  let squares = 0;
  let total = 0;
  const mean = y.reduce((sum, value) => sum + value, 0) / rows;
  for (let row = 0; row < rows; row++) {
    let predicted = model.intercept;
    for (let column = 0; column < width; column++)
      predicted += model.weights[column]! * X[row * width + column]!;
    squares += (predicted - y[row]!) ** 2;
    total += (y[row]! - mean) ** 2;
  }
  return {
    r2: 1 - squares / total,
    rmse: Math.sqrt(squares / rows),
    clusters: clusters.sizes,
    inertia: clusters.inertia,
    groups: stats.length,
  };
}

/** All branches' scores in one report. */
export function report(...scores: unknown[]) {
  return { branches: scores.length, scores };
}
