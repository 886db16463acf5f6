import type { ConfigLocation, DatasetValidationResult } from '../../plugin-api/index.ts';
import { ConfigError, NodeDataError, SluiceError } from '../../plugin-api/index.ts';
import { describeFailure } from './report.ts';

/**
 * A dataset failed its schema or an expectation. The node's failure (a `NodeDataError`): it goes
 * through `onNodeError`, so step hooks and alerts fire. On save, nothing of the node was written.
 */
export class DatasetValidationError extends NodeDataError {
  readonly result: DatasetValidationResult;

  constructor(result: DatasetValidationResult, redact: (text: string) => string) {
    super(redact(describeFailure(result)), {
      hint:
        result.stage === 'save'
          ? `Fix node "${result.nodeName}" or the schema. To log failures instead of failing, set \`validation: { mode: warn }\` on the catalog entry.`
          : `Fix the data or the schema of "${result.datasetName}". To log failures instead of failing, set \`validation: { mode: warn }\` on the catalog entry.`,
    });
    this.result = result;
  }
}

/** A catalog entry's `schema`, `expectations` or `validation` setting is malformed. */
export class ValidationConfigError extends ConfigError {
  constructor(message: string, location: ConfigLocation | undefined, hint: string) {
    super(message, { ...(location === undefined ? {} : { location }), hint });
  }
}

/** Several datasets' validation settings can't be used; `errors` holds each one's error. */
export class ValidationSettingsError extends SluiceError {
  readonly errors: readonly Error[];

  constructor(errors: readonly Error[]) {
    super(
      `${errors.length} dataset validation settings can't be used:\n${errors.map((error) => `  - ${error.message}`).join('\n')}`,
      { hint: 'Fix each schema reference and expectation listed above.' },
    );
    this.errors = errors;
  }
}
