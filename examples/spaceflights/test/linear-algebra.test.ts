import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SingularMatrixError, solveLinearSystem } from '../src/pipelines/data_science/linear-algebra.ts';
import { seededRandom } from '../src/pipelines/data_science/nodes.ts';

function assertClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-9) {
  assert.equal(actual.length, expected.length);
  actual.forEach((value, index) =>
    assert.ok(
      Math.abs(value - expected[index]!) <= tolerance,
      `entry ${index}: ${value} is not ${expected[index]}`,
    ),
  );
}

function multiply(matrix: readonly (readonly number[])[], vector: readonly number[]): number[] {
  return matrix.map((row) => row.reduce((sum, value, column) => sum + value * vector[column]!, 0));
}

test('solves a known 3×3 system', () => {
  // 2x + y - z = 8, -3x - y + 2z = -11, -2x + y + 2z = -3 has the solution (2, 3, -1).
  const solution = solveLinearSystem(
    [
      [2, 1, -1],
      [-3, -1, 2],
      [-2, 1, 2],
    ],
    [8, -11, -3],
  );
  assertClose(solution, [2, 3, -1]);
});

test('a 1×1 system, and an empty one', () => {
  assertClose(solveLinearSystem([[4]], [10]), [2.5]);
  assert.deepEqual(solveLinearSystem([], []), []);
});

test('swaps rows when a diagonal entry is zero', () => {
  assertClose(
    solveLinearSystem(
      [
        [0, 1],
        [1, 0],
      ],
      [2, 3],
    ),
    [3, 2],
  );
});

test('partial pivoting keeps a tiny pivot from destroying the answer', () => {
  // Eliminating with 1e-20 as the pivot would give x = 0; the exact answer is within 1e-20 of (1, 1).
  assertClose(
    solveLinearSystem(
      [
        [1e-20, 1],
        [1, 1],
      ],
      [1, 2],
    ),
    [1, 1],
    1e-12,
  );
});

test('a singular matrix is an error naming the undetermined unknown', () => {
  assert.throws(
    () =>
      solveLinearSystem(
        [
          [1, 2],
          [2, 4],
        ],
        [3, 6],
      ),
    (error: unknown) => error instanceof SingularMatrixError && error.column === 1,
  );
  assert.throws(
    () =>
      solveLinearSystem(
        [
          [0, 0],
          [0, 0],
        ],
        [0, 0],
      ),
    (error: unknown) => error instanceof SingularMatrixError && error.column === 0,
  );
});

test('leaves its arguments untouched', () => {
  const matrix = [
    [0, 2],
    [3, 1],
  ];
  const rhs = [4, 5];
  solveLinearSystem(matrix, rhs);
  assert.deepEqual(matrix, [
    [0, 2],
    [3, 1],
  ]);
  assert.deepEqual(rhs, [4, 5]);
});

test('rejects shapes that do not fit and values that are not finite', () => {
  assert.throws(() => solveLinearSystem([[1, 2]], [1]), RangeError);
  assert.throws(
    () =>
      solveLinearSystem(
        [
          [1, 0],
          [0, 1],
        ],
        [1],
      ),
    RangeError,
  );
  assert.throws(
    () =>
      solveLinearSystem(
        [
          [1, Number.NaN],
          [0, 1],
        ],
        [1, 1],
      ),
    /not a finite number/,
  );
});

test('recovers the solution of 200 seeded random systems up to 8×8', () => {
  const random = seededRandom(20_261_122);
  for (let trial = 0; trial < 200; trial++) {
    const size = 1 + Math.floor(random() * 8);
    const matrix = Array.from({ length: size }, () => Array.from({ length: size }, () => random() * 20 - 10));
    const expected = Array.from({ length: size }, () => random() * 200 - 100);
    const solution = solveLinearSystem(matrix, multiply(matrix, expected));
    // Random matrices can be poorly conditioned; check the residual, which pivoting keeps small.
    const residual = multiply(matrix, solution).map(
      (value, index) => value - multiply(matrix, expected)[index]!,
    );
    assert.ok(Math.max(...residual.map(Math.abs)) < 1e-9, `trial ${trial}: residual ${residual.join(', ')}`);
  }
});

test('the 5×5 Hilbert matrix, a classic ill-conditioned case, still gives 6 good digits', () => {
  const hilbert = Array.from({ length: 5 }, (_, row) =>
    Array.from({ length: 5 }, (_, column) => 1 / (row + column + 1)),
  );
  const ones = [1, 1, 1, 1, 1];
  assertClose(solveLinearSystem(hilbert, multiply(hilbert, ones)), ones, 1e-6);
});
