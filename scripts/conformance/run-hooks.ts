/** Conformance family "run-hooks": not built yet. */
export function answer(_testCase: unknown): never {
  throw new Error('The "run-hooks" conformance family is not built yet.');
}
