import type { RunDetail } from './types.ts';

/** One param or metric across the compared runs. */
export interface ComparedValue {
  readonly name: string;
  /** One value per run, in the order the runs were given; undefined where a run lacks it. */
  readonly values: readonly unknown[];
  /** True when the runs don't all have the same value (numbers: beyond a relative 1e-9). */
  readonly differs: boolean;
}

/** Params and metrics of several runs side by side. */
export interface RunComparison {
  readonly runs: readonly RunDetail[];
  readonly params: readonly ComparedValue[];
  readonly metrics: readonly ComparedValue[];
}

/** Lines up the params and metrics of `runs` (names sorted), marking what differs. */
export function compareRuns(runs: readonly RunDetail[]): RunComparison {
  return {
    runs,
    params: sideBySide(runs.map((run) => run.params)),
    metrics: sideBySide(runs.map((run) => run.metrics)),
  };
}

function sideBySide(records: readonly Readonly<Record<string, unknown>>[]): ComparedValue[] {
  const names = [...new Set(records.flatMap((record) => Object.keys(record)))].sort();
  return names.map((name) => {
    const values = records.map((record) => (Object.hasOwn(record, name) ? record[name] : undefined));
    return { name, values, differs: values.some((value) => !same(value, values[0])) };
  });
}

/**
 * Equal values, numbers within a relative 1e-9: two runs computing the same metric by a different
 * route (another runner, another order of sums) differ in the last bits, which nobody means.
 */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number')
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  return JSON.stringify(a) === JSON.stringify(b);
}
