/**
 * What a data check reports about one dataset at one point of a run: the arguments of the
 * `afterDatasetValidated` hook. Plain data, so that it crosses from a worker to the main process
 * and into a run store as it is.
 */

/** When the data was checked: after it loaded (a node's input) or before it saved (an output). */
export type ValidationStage = 'load' | 'save';

/** `passed`; `failed` (the node fails); `warned` (failures found in `warn` mode, the run goes on). */
export type ValidationStatus = 'passed' | 'failed' | 'warned';

/** One failing row or value: where it is and what is wrong with it. */
export interface ValidationIssue {
  /** The row's index in the data (0-based); undefined for a failure of the whole dataset. */
  readonly row: number | undefined;
  /** The failing field, as a path (`engine.type`, `items[2].id`); empty for the row itself. */
  readonly path: string;
  readonly message: string;
}

/** The outcome of one whole-dataset expectation (`unique: id`, `row_count: {min: 1}`...). */
export interface ExpectationOutcome {
  /** Its short description: `unique(id)`, `between(price, 0..1000)`. */
  readonly name: string;
  readonly passed: boolean;
  /** How many rows or values fail it. */
  readonly failureCount: number;
  /** The first few failures. */
  readonly issues: readonly ValidationIssue[];
}

/** One dataset checked once. */
export interface DatasetValidationResult {
  readonly datasetName: string;
  /** The node that read (stage `load`) or wrote (stage `save`) the data. */
  readonly nodeName: string;
  readonly runId: string;
  readonly stage: ValidationStage;
  readonly status: ValidationStatus;
  /** `error` fails the node on a failure, `warn` logs and records it. */
  readonly mode: 'error' | 'warn';
  /** The schema reference (`./src/schemas.ts#Company`) or `in code`; undefined without a schema. */
  readonly schema: string | undefined;
  /** Rows in the data (1 for a value that is not a table). */
  readonly rowCount: number;
  /** Rows the schema checked: fewer than `rowCount` when sampling. */
  readonly rowsChecked: number;
  /** Rows that fail the schema, among those checked. */
  readonly failedRows: number;
  /** The first failing rows, with every failing field of each. */
  readonly issues: readonly ValidationIssue[];
  readonly expectations: readonly ExpectationOutcome[];
  readonly durationMs: number;
}
