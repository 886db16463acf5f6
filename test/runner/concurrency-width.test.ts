/**
 * How many nodes of a pipeline can ever run at once: the parallel runner starts no more worker
 * threads than that (runner/parallel/concurrency-width.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { node, Pipeline } from '../../src/index.ts';
import { concurrencyWidth } from '../../src/runner/parallel/concurrency-width.ts';

const step = (name: string, inputs: string[], output: string) =>
  node((...values: unknown[]) => values.length, inputs, output, { name });

test('a chain has width 1, whatever the cap', () => {
  const chain = new Pipeline([step('a', [], 'x'), step('b', ['x'], 'y'), step('c', ['y'], 'z')]);
  assert.equal(concurrencyWidth(chain, 8), 1);
});

test('independent branches count up to the cap', () => {
  const fan = new Pipeline([
    step('root', [], 'r'),
    ...['a', 'b', 'c', 'd'].map((name) => step(name, ['r'], `${name}_out`)),
    step('join', ['a_out', 'b_out', 'c_out', 'd_out'], 'all'),
  ]);
  assert.equal(concurrencyWidth(fan, 8), 4);
  assert.equal(concurrencyWidth(fan, 2), 2);
});

test('nodes in different layers that depend on no other of them count together', () => {
  // Layers: [a], [b, v], [c, w], [x]: no layer holds more than two, yet v, w and c never depend
  // on each other.
  const pipeline = new Pipeline([
    step('a', [], 'a_out'),
    step('b', ['a_out'], 'b_out'),
    step('c', ['b_out'], 'c_out'),
    step('v', ['a_out'], 'v_out'),
    step('w', ['b_out'], 'w_out'),
    step('x', ['c_out'], 'x_out'),
  ]);
  assert.equal(Math.max(...pipeline.layers.map((layer) => layer.length)), 2);
  assert.equal(concurrencyWidth(pipeline, 8), 3);
});

test('an empty pipeline needs no more than one', () => {
  assert.equal(concurrencyWidth(new Pipeline([]), 4), 1);
});
