import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { ConfigLoader } from '../config/config-loader.ts';
import { CatalogResolver } from '../io/catalog-resolver.ts';
import type { ProjectSettings } from '../project/settings.ts';

/** Where `sluice typegen` writes the declaration, relative to the project (inside `src/`, which tsconfig includes). */
export const DATASET_TYPES_FILE = join('src', 'sluice-datasets.d.ts');

/** Dataset types that hold tables: a schema describes one row, the data is an array of rows. */
const TABLE_TYPES = new Set([
  'csv',
  'jsonl',
  'parquet',
  'excel',
  'sql_table',
  'sql_query',
  'duckdb_csv',
  'duckdb_table',
  'duckdb_query',
]);

/** The value type of built-in types whose data has one shape whatever the settings. */
const FIXED_TYPES: Readonly<Record<string, string>> = {
  text: 'string',
  binary: 'Uint8Array',
};

/**
 * The text of `src/sluice-datasets.d.ts`: a module augmentation of `SluiceDatasets` from what the
 * project already says, in the configuration environment `env` (parameters layered as a run
 * layers them):
 *
 * - a catalog entry with `schema: module#export` (a Zod schema): the schema's output type, an array
 *   of it for table types (csv, parquet, excel, SQL, DuckDB);
 * - a project dataset type (`type: ./src/x.ts#GeoJsonDataset`): the value its `load()` resolves to;
 * - `text` and `binary`: `string` and `Uint8Array`; a `json` dataset with no schema that no node
 *   produces: `unknown`;
 * - every parameter, nested ones by path (`params:model.test_size`), typed from its YAML value.
 *
 * Entries matched by a factory pattern are typed under the names the pipelines use. Everything
 * else (tables without a schema, outputs whose type only the producing function knows, memory
 * datasets) is left out, so it stays `any` to the compiler, as before.
 */
export async function datasetTypesSource(settings: ProjectSettings, env: string): Promise<string> {
  const config = new ConfigLoader({
    projectPath: settings.projectPath,
    confSource: settings.confSource,
    env,
    runtimeParams: {},
    ...(settings.config.configPatterns === undefined
      ? {}
      : { configPatterns: settings.config.configPatterns }),
  });
  const resolver = new CatalogResolver(config.get('catalog'));
  const used = new Set<string>();
  const produced = new Set<string>();
  for (const name of settings.pipelineNames()) {
    const pipeline = await settings.pipeline(name);
    for (const dataset of pipeline.datasets()) used.add(dataset);
    for (const node of pipeline.nodes) for (const output of node.outputs) produced.add(output);
  }
  const fileDir = dirname(join(settings.projectPath, DATASET_TYPES_FILE));
  const entries: [string, string][] = [];
  const names = [...new Set([...resolver.declaredNames(), ...[...used].sort()])];
  for (const name of names) {
    if (name.startsWith('params:') || name === 'parameters') continue;
    const entry = resolver.resolve(name);
    if (entry === undefined) continue;
    const type = valueType(entry.config, produced.has(name), settings.projectPath, fileDir);
    if (type !== undefined) entries.push([name, type]);
  }
  const parameters = config.get('parameters');
  entries.push(['parameters', typeOfValue(parameters, '  ')]);
  for (const [path, value] of parameterPaths(parameters))
    entries.push([`params:${path}`, typeOfValue(value, '    ')]);
  const body = entries.map(([name, type]) => `    ${JSON.stringify(name)}: ${type};`).join('\n');
  return `// Written by \`sluice typegen\` (and refreshed by \`sluice run\`) from conf/ (env ${env}) and the
// catalog's schemas: the types of this project's datasets and parameters, by name. Don't edit it;
// edit the catalog, the schemas or parameters.yml and run \`sluice typegen\` again.
import type {} from 'sluice';

type SchemaOutput<S> = S extends { _zod: { output: infer T } } ? T : S extends { _output: infer T } ? T : unknown;
type LoadedBy<C> = C extends abstract new (...args: any) => { load(): infer V }
  ? Awaited<V>
  : C extends (...args: any) => infer D
    ? Awaited<D> extends { load(): infer V }
      ? Awaited<V>
      : unknown
    : unknown;

declare module 'sluice' {
  interface SluiceDatasets {
${body}
  }
}
`;
}

function valueType(
  config: Readonly<Record<string, unknown>>,
  isProduced: boolean,
  projectPath: string,
  fileDir: string,
): string | undefined {
  const type = String(config.type);
  const schema = config.schema;
  if (typeof schema === 'string' && schema.includes('#')) {
    const output = `SchemaOutput<${moduleExport(schema, projectPath, fileDir)}>`;
    return TABLE_TYPES.has(type) ? `${output}[]` : output;
  }
  if (type.includes('#')) return `LoadedBy<${moduleExport(type, projectPath, fileDir)}>`;
  if (FIXED_TYPES[type] !== undefined) return FIXED_TYPES[type];
  if (type === 'json' && !isProduced) return 'unknown';
  return undefined;
}

/** `./src/schemas.ts#Company` → `(typeof import('./schemas.ts'))['Company']`, from the generated file. */
function moduleExport(reference: string, projectPath: string, fileDir: string): string {
  const at = reference.lastIndexOf('#');
  const module = reference.slice(0, at);
  const name = reference.slice(at + 1) || 'default';
  let specifier = module;
  if (module.startsWith('.') || isAbsolute(module)) {
    const target = isAbsolute(module) ? module : join(projectPath, module);
    specifier = relative(fileDir, target).split(sep).join('/');
    if (!specifier.startsWith('.')) specifier = `./${specifier}`;
    if (!/\.[mc]?[jt]sx?$/.test(specifier)) specifier += '.ts';
  }
  return `(typeof import(${JSON.stringify(specifier)}))[${JSON.stringify(name)}]`;
}

/** Every parameter path, nested ones too: `model`, `model.test_size`, ... */
function parameterPaths(value: unknown, prefix = ''): [string, unknown][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const paths: [string, unknown][] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    paths.push([path, child], ...parameterPaths(child, path));
  }
  return paths;
}

/** The TypeScript type of a YAML value: numbers, strings, booleans, arrays and nested records. */
export function typeOfValue(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
  }
  if (value instanceof Date) return 'Date';
  if (Array.isArray(value)) {
    const elements = [...new Set(value.map((element) => typeOfValue(element, `${indent}  `)))];
    if (elements.length === 0) return 'unknown[]';
    return elements.length === 1 ? `${elements[0]}[]` : `(${elements.join(' | ')})[]`;
  }
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>).map(
      ([key, child]) => `${indent}  ${JSON.stringify(key)}: ${typeOfValue(child, `${indent}  `)};`,
    );
    return fields.length === 0 ? 'Record<string, never>' : `{\n${fields.join('\n')}\n${indent}}`;
  }
  return 'unknown';
}
