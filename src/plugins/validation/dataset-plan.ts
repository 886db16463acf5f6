import type { ZodType } from 'zod';
import type {
  ConfigLocation,
  DatasetAnnotations,
  ExportCheck,
  ModuleReferences,
} from '../../plugin-api/index.ts';
import { ValidationConfigError } from './errors.ts';
import type { CompiledExpectation } from './expectations.ts';
import { compileExpectation, ExpectationShapeError } from './expectations.ts';
import type { CustomExpectation, DatasetValidation, ValidationMode } from './rules.ts';

/** How one dataset is checked in this run, every reference resolved. */
export interface DatasetPlan {
  readonly schema: ZodType | undefined;
  /** The reference as written, or `in code`. */
  readonly schemaLabel: string | undefined;
  readonly expectations: readonly CompiledExpectation[];
  readonly sample: number | undefined;
  readonly mode: ValidationMode;
}

/** Duck-typed: the project may load its own copy of zod. */
export function isZodSchema(value: unknown): value is ZodType {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { safeParse?: unknown }).safeParse === 'function' &&
    '_zod' in value
  );
}

const ZOD_SCHEMA: ExportCheck<ZodType> = {
  what: 'a Zod schema',
  accepts: isZodSchema,
  noun: 'schema',
  example: './src/schemas.ts#Company',
};
const FUNCTION: ExportCheck<CustomExpectation> = {
  what: 'a function',
  accepts: (value): value is CustomExpectation => typeof value === 'function',
  noun: 'custom expectation',
  example: './src/checks.ts#pricesRise',
};

/** Where the catalog writes a setting of the dataset (`['expectations', '2']`). */
export type SettingLocator = (path: readonly string[]) => ConfigLocation | undefined;

/**
 * The plan of `datasetName` from its catalog annotations and the in-code settings (which win, key
 * by key). Undefined when neither declares a schema or expectations. Every mistake is a
 * `ValidationConfigError` or `ModuleReferenceError` naming the file and line.
 */
export async function planDataset(
  datasetName: string,
  annotations: DatasetAnnotations,
  code: DatasetValidation | undefined,
  locate: SettingLocator,
  references: ModuleReferences,
): Promise<DatasetPlan | undefined> {
  const settings = readValidationSettings(datasetName, annotations.validation, locate);
  const schemaSource = code?.schema ?? annotations.schema;
  const expectationsSource = code?.expectations ?? annotations.expectations;
  if (schemaSource === undefined && expectationsSource === undefined) return undefined;
  const fromCode = code?.schema !== undefined;

  let schema: ZodType | undefined;
  let schemaLabel: string | undefined;
  if (typeof schemaSource === 'string') {
    schema = await references.resolve(schemaSource, ZOD_SCHEMA, fromCode ? undefined : locate(['schema']));
    schemaLabel = schemaSource;
  } else if (isZodSchema(schemaSource)) {
    schema = schemaSource;
    schemaLabel = 'in code';
  } else if (schemaSource !== undefined) {
    throw new ValidationConfigError(
      `dataset "${datasetName}": "schema" must be a "module#export" reference to a Zod schema.`,
      fromCode ? undefined : locate(['schema']),
      'Write schema: ./src/schemas.ts#Company, exporting `const Company = z.object({...})` there.',
    );
  }

  const expectations: CompiledExpectation[] = [];
  if (expectationsSource !== undefined) {
    const fromCodeList = code?.expectations !== undefined;
    if (!Array.isArray(expectationsSource)) {
      throw new ValidationConfigError(
        `dataset "${datasetName}": "expectations" must be a list.`,
        fromCodeList ? undefined : locate(['expectations']),
        'Write each expectation as a list item: "- unique: id".',
      );
    }
    for (const [index, written] of (expectationsSource as unknown[]).entries()) {
      const where = fromCodeList ? undefined : locate(['expectations', String(index)]);
      const reference = customReference(written);
      const resolved =
        reference === undefined ? undefined : await references.resolve(reference, FUNCTION, where);
      try {
        expectations.push(compileExpectation(written, () => resolved!));
      } catch (error) {
        if (!(error instanceof ExpectationShapeError)) throw error;
        throw new ValidationConfigError(
          `dataset "${datasetName}": ${error.message}`,
          where,
          error.hint ?? '',
        );
      }
    }
  }
  return {
    schema,
    schemaLabel,
    expectations,
    sample: code?.sample ?? settings.sample,
    mode: code?.mode ?? settings.mode ?? 'error',
  };
}

function customReference(written: unknown): string | undefined {
  if (typeof written !== 'object' || written === null) return undefined;
  const value = (written as Record<string, unknown>).custom;
  return typeof value === 'string' ? value : undefined;
}

function readValidationSettings(
  datasetName: string,
  written: unknown,
  locate: SettingLocator,
): { mode?: ValidationMode; sample?: number } {
  if (written === undefined || written === null) return {};
  const fail = (message: string, path: readonly string[]) =>
    new ValidationConfigError(
      `dataset "${datasetName}": ${message}`,
      locate(['validation', ...path]),
      'Write validation: { mode: warn, sample: 10000 } (mode error or warn; sample a number of rows).',
    );
  if (typeof written !== 'object' || Array.isArray(written))
    throw fail('"validation" must be a mapping.', []);
  const { mode, sample, ...rest } = written as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw fail(`"validation" has no setting "${unknown[0]}" (it takes mode and sample).`, [unknown[0]!]);
  if (mode !== undefined && mode !== 'error' && mode !== 'warn')
    throw fail('"mode" must be error or warn.', ['mode']);
  if (sample !== undefined && (typeof sample !== 'number' || !Number.isInteger(sample) || sample < 1))
    throw fail('"sample" must be a whole number of rows, at least 1.', ['sample']);
  return {
    ...(mode === undefined ? {} : { mode: mode as ValidationMode }),
    ...(sample === undefined ? {} : { sample: sample as number }),
  };
}
