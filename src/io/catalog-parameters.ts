import { isMapping } from '../values.ts';

/** The dataset holding every parameter, as in Kedro. */
export const PARAMETERS_DATASET = 'parameters';
/** The prefix of a single parameter's dataset: `params:model.test_size`. */
export const PARAMS_PREFIX = 'params:';

/** True for `parameters` and `params:...` names, which the parameters configuration fills. */
export function isParameterName(name: string): boolean {
  return name === PARAMETERS_DATASET || name.startsWith(PARAMS_PREFIX);
}

/** The parameter path inside a `params:` name: `params:model.test_size` → `['model', 'test_size']`. */
export function parameterPath(name: string): string[] {
  return name === PARAMETERS_DATASET ? [] : name.slice(PARAMS_PREFIX.length).split('.');
}

/**
 * The value a parameter dataset holds: the whole parameters for `parameters`, a dotted key's value
 * for `params:a.b`. A top-level key written with dots (`"a.b": 1`) is found too.
 */
export function lookupParameter(
  parameters: Readonly<Record<string, unknown>>,
  name: string,
): { value: unknown } | undefined {
  if (name === PARAMETERS_DATASET) return { value: parameters };
  const key = name.slice(PARAMS_PREFIX.length);
  if (Object.hasOwn(parameters, key)) return { value: parameters[key] };
  let value: unknown = parameters;
  for (const segment of key.split('.')) {
    if (!isMapping(value) || !Object.hasOwn(value, segment)) return undefined;
    value = value[segment];
  }
  return { value };
}

/** Every parameter dataset name: `parameters`, then `params:<key>` for each key at every depth. */
export function parameterDatasetNames(parameters: Readonly<Record<string, unknown>>): string[] {
  const names = [PARAMETERS_DATASET];
  const visit = (value: Readonly<Record<string, unknown>>, prefix: string): void => {
    for (const [key, child] of Object.entries(value)) {
      names.push(`${PARAMS_PREFIX}${prefix}${key}`);
      if (isMapping(child)) visit(child, `${prefix}${key}.`);
    }
  };
  visit(parameters, '');
  return names;
}
