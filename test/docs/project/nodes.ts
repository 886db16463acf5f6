/** The node functions the docs' pipelines wire (a reader's nodes.ts, reduced to their shapes). */
import type { StepHookContext } from 'sluice';

export interface Company {
  id: number;
  name: string;
  rating: number;
}
export interface Shuttle {
  id: number;
  companyId: number;
  price: number;
}
export interface Review {
  shuttleId: number;
  score: number;
}
export type Row = Record<string, number>;
export interface Model {
  coefficients: Record<string, number>;
}

export const preprocessCompanies = (companies: Company[]): Company[] => companies;
export const preprocessShuttles = (shuttles: Shuttle[]): Shuttle[] => shuttles;
export const createModelInput = (shuttles: Shuttle[], companies: Company[], reviews: Review[]): Row[] =>
  shuttles.map((shuttle) => ({ price: shuttle.price, companies: companies.length, reviews: reviews.length }));
export const splitData = (
  table: Row[],
  options: { test_size: number },
): [Row[], Row[], number[], number[]] => {
  const cut = Math.ceil(table.length * options.test_size);
  const prices = table.map((row) => row.price ?? 0);
  return [table.slice(cut), table.slice(0, cut), prices.slice(cut), prices.slice(0, cut)];
};
export const trainModel = (xTrain: Row[], yTrain: number[]): Model => ({
  coefficients: { rows: xTrain.length, targets: yTrain.length },
});
export const evaluateModel = (model: Model, xTest: Row[], yTest: number[]): Record<string, number> => ({
  rows: xTest.length + yTest.length + Object.keys(model.coefficients).length,
});
export const clean = (raw: Row[]): Row[] => raw;
export const score = (model: Model): number => Object.keys(model.coefficients).length;
export const train = (features: Row[], options: { alpha: number }): Model => ({
  coefficients: { alpha: options.alpha, rows: features.length },
});

/** Thrown by fetchRates when the API refuses the key: retrying can't help. */
export class AuthError extends Error {}
export async function fetchRates(api: { url: string }): Promise<Record<string, number>> {
  const response = await fetch(api.url);
  if (response.status === 401) throw new AuthError('the API refused the key');
  return (await response.json()) as Record<string, number>;
}

/** Step hooks of the reader's own. */
export const logScore = ({ node, durationMs }: StepHookContext): void =>
  console.log(`${node.name} scored in ${durationMs} ms`);
export const logDone = ({ node }: StepHookContext): void => console.log(`${node.name} done`);
