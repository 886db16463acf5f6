/** Conformance family "hook-order": not built yet. */
export function answer(_testCase: unknown): never {
  throw new Error('The "hook-order" conformance family is not built yet.');
}
