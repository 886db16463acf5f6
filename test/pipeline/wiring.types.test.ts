/**
 * Type-level tests of node wiring. `tsc --noEmit` (the project typecheck, which covers test/) is the
 * real check: every `@ts-expect-error` line must fail to compile, every other line must compile.
 * The calls sit in a function that never runs, because several of them are also runtime errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { node } from '../../src/pipeline/index.ts';

declare function add(a: number, b: number): number;
declare function double(a: number): number;
declare function split(a: number[]): number[];

function wiringChecks(): void {
  // Positional inputs: a literal list must fit the parameter count.
  node(add, ['a', 'b'], 'sum');
  node((a, b) => a + b, ['a', 'b'], 'sum');
  // @ts-expect-error the function needs 2 arguments, the inputs provide 1
  node(add, ['a'], 'sum');
  // @ts-expect-error the function takes 2 arguments, the inputs provide 3
  node(add, ['a', 'b', 'c'], 'sum');
  // @ts-expect-error an untyped function with fewer parameters than inputs
  node((a) => a, ['a', 'b'], 'out');

  // One name: exactly one parameter.
  node(double, 'a', 'b');
  // @ts-expect-error the function needs 2 arguments, a single input provides 1
  node(add, 'a', 'b');

  // No inputs: no parameter.
  node(() => 1, null, 'x');
  node(() => 1, undefined, 'x');
  // @ts-expect-error the function wants an argument but the node has no inputs
  node(double, null, 'x');

  // Optional and rest parameters fit.
  node((a: number, b?: number) => a + (b ?? 0), ['a'], 'c');
  node((a: number, b?: number) => a + (b ?? 0), ['a', 'b'], 'c');
  node((...values: number[]) => values.length, ['a', 'b', 'c'], 'n');

  // Record inputs: the function receives one object with the record's keys.
  node(({ df, rate }) => df * rate, { df: 'raw', rate: 'params:rate' }, 'out');
  node(({ df, rate }: { df: number; rate: number }) => df * rate, { df: 'raw', rate: 'params:rate' }, 'out');
  // @ts-expect-error parameter name "rte" is not a key of the inputs record
  node(({ df, rte }) => df * rte, { df: 'raw', rate: 'params:rate' }, 'out');
  // @ts-expect-error the annotated parameter object wants a key the record lacks
  node(({ df, rte }: { df: number; rte: number }) => df * rte, { df: 'raw', rate: 'params:rate' }, 'out');
  // @ts-expect-error record inputs are one object, not positional arguments
  node(add, { a: 'x', b: 'y' }, 'out');

  // Outputs: a list wants an array, a record wants an object with its keys.
  node(split, 'a', ['b', 'c']);
  node((x: number) => [x, x] as const, 'a', ['b', 'c']);
  node(async (x: number) => [x, x], 'a', ['b', 'c']);
  // @ts-expect-error list outputs need an array
  node(double, 'a', ['b', 'c']);
  node((x: number) => ({ train: x, test: x }), 'a', { train: 'tr', test: 'te' });
  node(async (x: number) => ({ train: x, test: x }), 'a', { train: 'tr', test: 'te' });
  // @ts-expect-error the returned object lacks the key "test"
  node((x: number) => ({ train: x }), 'a', { train: 'tr', test: 'te' });
  // A single output or no output takes any return value.
  node(double, 'a', 'b');
  node(double, 'a', null);

  // Wiring whose length is only known at run time is checked at run time.
  const names: string[] = ['a', 'b'];
  node((a, b, c) => [a, b, c], names, 'out');
}

test('wiring checks are compile-time only (see tsc)', () => {
  assert.equal(typeof wiringChecks, 'function');
});
