/**
 * Header cells as unique column names: an empty one becomes "Unnamed: <index>" and a repeat gets
 * ".1", ".2", as pandas does, so that Kedro users find the columns they expect.
 */
export function headerNames(cells: readonly unknown[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((cell, index) => {
    const base = cell === null || cell === undefined || cell === '' ? `Unnamed: ${index}` : String(cell);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}.${count}`;
  });
}
