import type { DatasetValidationResult, ExpectationOutcome, ValidationStage } from '../../plugin-api/index.ts';
import { isPromiseLike } from '../../plugin-api/index.ts';
import { checkRows } from './check-schema.ts';
import type { DatasetPlan } from './dataset-plan.ts';
import type { Row } from './rules.ts';
import { allRows, tableRows } from './table-rows.ts';

/** Which check this is: the dataset, the node reading or writing it, the run. */
export interface ValidationSubject {
  readonly datasetName: string;
  readonly nodeName: string;
  readonly runId: string;
  readonly stage: ValidationStage;
}

/**
 * Checks `data` against a plan: the schema per row (or sampled rows), then each expectation over
 * the whole data. Synchronous unless a custom expectation answers with a promise.
 */
export function validateData(
  plan: DatasetPlan,
  data: unknown,
  subject: ValidationSubject,
): DatasetValidationResult | Promise<DatasetValidationResult> {
  const startedAt = performance.now();
  const rows = tableRows(data);
  const schema =
    plan.schema === undefined
      ? { rowsChecked: 0, failedRows: 0, issues: [] }
      : checkRows(plan.schema, rows, plan.sample);
  const finish = (expectations: ExpectationOutcome[]): DatasetValidationResult => {
    const failed = schema.failedRows > 0 || expectations.some((expectation) => !expectation.passed);
    return {
      ...subject,
      status: !failed ? 'passed' : plan.mode === 'warn' ? 'warned' : 'failed',
      mode: plan.mode,
      schema: plan.schemaLabel,
      rowCount: rows.count,
      rowsChecked: schema.rowsChecked,
      failedRows: schema.failedRows,
      issues: schema.issues,
      expectations,
      durationMs: performance.now() - startedAt,
    };
  };
  if (plan.expectations.length === 0) return finish([]);
  const records: Row[] = rows.isTable ? allRows(rows) : [data as Row];
  const outcomes: (ExpectationOutcome | Promise<ExpectationOutcome>)[] = [];
  for (const expectation of plan.expectations) {
    if (expectation.needsTable && !rows.isTable) {
      outcomes.push({
        name: expectation.name,
        passed: false,
        failureCount: 1,
        issues: [{ row: undefined, path: '', message: 'needs table data (rows or an Arrow table)' }],
      });
    } else outcomes.push(expectation.run(records, subject.datasetName));
  }
  return outcomes.some(isPromiseLike)
    ? Promise.all(outcomes).then(finish)
    : finish(outcomes as ExpectationOutcome[]);
}
