export { validationPlugin, VALIDATION_PLUGIN_NAME } from './plugin.ts';
export type { ValidationOptions, ValidationPlugin } from './plugin.ts';
export type {
  DatasetValidation,
  Expectation,
  CustomExpectation,
  CustomFailure,
  Columns,
  ValidationMode,
} from './rules.ts';
export { EXPECTATION_NAMES } from './rules.ts';
export { DatasetValidationError, ValidationConfigError, ValidationSettingsError } from './errors.ts';
export { describeFailure } from './report.ts';
