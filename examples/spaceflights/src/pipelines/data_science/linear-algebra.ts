/**
 * The little linear algebra a linear regression needs: solving a square system by Gaussian
 * elimination with partial pivoting. A data set of a few thousand rows and a handful of features
 * needs nothing more, and a dependency-free routine keeps the example easy to read and to test.
 */

/** The system has no unique solution: its matrix is singular (or too close to it to trust). */
export class SingularMatrixError extends Error {
  override name = 'SingularMatrixError';
  /** The column with no usable pivot, in the original order of the unknowns. */
  readonly column: number;

  constructor(column: number) {
    super(`The matrix is singular: unknown ${column} is not determined by the equations.`);
    this.column = column;
  }
}

/**
 * Solves `matrix · x = rhs` for x. The inputs are left untouched. Partial pivoting (taking the
 * largest remaining entry of each column as the pivot) keeps rounding errors small; a pivot that
 * is zero relative to the matrix's largest entry means the system is singular.
 */
export function solveLinearSystem(matrix: readonly (readonly number[])[], rhs: readonly number[]): number[] {
  const size = matrix.length;
  if (rhs.length !== size) {
    throw new RangeError(`The right-hand side has ${rhs.length} entries for ${size} equations.`);
  }
  const scale = Math.max(0, ...matrix.map((row) => Math.max(0, ...row.map(Math.abs))));
  // Rows of the augmented matrix [A | b], copied so that elimination can work in place.
  const rows = matrix.map((row, index) => {
    if (row.length !== size) {
      throw new RangeError(`Row ${index} has ${row.length} entries; the matrix must be ${size}×${size}.`);
    }
    if (!row.every(Number.isFinite) || !Number.isFinite(rhs[index])) {
      throw new RangeError(`Row ${index} holds a value that is not a finite number.`);
    }
    return [...row, rhs[index]!];
  });
  const tolerance = scale * size * Number.EPSILON * 16;

  for (let column = 0; column < size; column++) {
    let pivotRow = column;
    for (let row = column + 1; row < size; row++) {
      if (Math.abs(rows[row]![column]!) > Math.abs(rows[pivotRow]![column]!)) pivotRow = row;
    }
    if (!(Math.abs(rows[pivotRow]![column]!) > tolerance)) throw new SingularMatrixError(column);
    [rows[column], rows[pivotRow]] = [rows[pivotRow]!, rows[column]!];
    const pivot = rows[column]!;
    for (let row = column + 1; row < size; row++) {
      const target = rows[row]!;
      const factor = target[column]! / pivot[column]!;
      if (factor === 0) continue;
      for (let k = column; k <= size; k++) target[k] = target[k]! - factor * pivot[k]!;
    }
  }

  // Back substitution on the upper triangular system.
  const solution = new Array<number>(size).fill(0);
  for (let row = size - 1; row >= 0; row--) {
    const current = rows[row]!;
    let sum = current[size]!;
    for (let k = row + 1; k < size; k++) sum -= current[k]! * solution[k]!;
    solution[row] = sum / current[row]!;
  }
  return solution;
}
