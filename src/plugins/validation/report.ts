import type { DatasetValidationResult, ValidationIssue } from '../../plugin-api/index.ts';

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** `row 12: engine.type: Invalid option` (the row, the field, what is wrong). */
export function describeIssue(issue: ValidationIssue): string {
  const where = [
    issue.row === undefined ? undefined : `row ${issue.row}`,
    issue.path === '' ? undefined : issue.path,
  ]
    .filter((part) => part !== undefined)
    .join(': ');
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}

/** One line: what failed, and how much of it. */
export function summarize(result: DatasetValidationResult): string {
  const parts: string[] = [];
  if (result.failedRows > 0) {
    const sampled = result.rowsChecked < result.rowCount ? ` (a sample of ${result.rowsChecked})` : '';
    parts.push(
      `${result.failedRows} of ${result.rowsChecked} rows checked${sampled} fail the schema ${result.schema ?? ''}`.trimEnd(),
    );
  }
  const failing = result.expectations.filter((expectation) => !expectation.passed);
  if (failing.length > 0)
    parts.push(`${plural(failing.length, 'expectation')} of ${result.expectations.length} fail`);
  const when =
    result.stage === 'load'
      ? `when loaded as an input of node "${result.nodeName}"`
      : `as an output of node "${result.nodeName}", so nothing of the node was saved`;
  return `Dataset "${result.datasetName}" failed validation ${when}: ${parts.join('; ')}.`;
}

/**
 * The full message: the summary, then the first failing rows with each failing field, then each
 * failing expectation with its count and first failures.
 */
export function describeFailure(result: DatasetValidationResult): string {
  const lines = [summarize(result)];
  for (const issue of result.issues) lines.push(`  ${describeIssue(issue)}`);
  if (result.failedRows > new Set(result.issues.map((issue) => issue.row)).size)
    lines.push(`  ... and more rows (${result.failedRows} in all)`);
  for (const expectation of result.expectations) {
    if (expectation.passed) continue;
    lines.push(`  ${expectation.name}: ${plural(expectation.failureCount, 'failure')}`);
    for (const issue of expectation.issues) lines.push(`    ${describeIssue(issue)}`);
  }
  return lines.join('\n');
}

/**
 * The result with every message passed through `redact`: a custom Zod message or check may quote
 * a value, and results go to logs and run stores.
 */
export function redactResult(
  result: DatasetValidationResult,
  redact: (text: string) => string,
): DatasetValidationResult {
  const issues = (list: readonly ValidationIssue[]) =>
    list.map((issue) => ({ ...issue, path: redact(issue.path), message: redact(issue.message) }));
  return {
    ...result,
    issues: issues(result.issues),
    expectations: result.expectations.map((outcome) => ({ ...outcome, issues: issues(outcome.issues) })),
  };
}
