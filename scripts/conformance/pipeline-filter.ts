/** Conformance family "pipeline-filter": not built yet. */
export function answer(_testCase: unknown): never {
  throw new Error('The "pipeline-filter" conformance family is not built yet.');
}
