import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { ConfigLoader } from '../config/config-loader.ts';
import { CatalogResolver } from '../io/catalog-resolver.ts';
import { importModule } from '../module-loader.ts';
import type { Node } from '../pipeline/node.ts';
import type { ProjectSettings } from '../project/settings.ts';

/** Where `sluice typegen` writes the declaration, relative to the project (inside `src/`, which tsconfig includes). */
export const DATASET_TYPES_FILE = join('src', 'sluice-datasets.d.ts');

/**
 * The configuration environment a generated file follows, as its first line says; undefined for a
 * file that doesn't say (written by hand, or by an older Sluice).
 */
export function datasetTypesEnv(source: string): string | undefined {
  const end = source.indexOf('\n');
  const firstLine = (end < 0 ? source : source.slice(0, end)).replace(/\r$/, '');
  // Anchored on the words after the name, so that a name with a parenthesis is read whole.
  return /^\/\/ Written by .*? from conf\/ \(env (.+)\) and the$/.exec(firstLine)?.[1];
}

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
  metrics: 'Metrics',
};

/**
 * The text of `src/sluice-datasets.d.ts`: a module augmentation of `SluiceDatasets` from what the
 * project already says, in the configuration environment `env` (parameters layered as a run
 * layers them):
 *
 * - a catalog entry with `schema: module#export` (a Zod schema): the schema's output type, an array
 *   of it for table types (csv, parquet, excel, SQL, DuckDB);
 * - a project dataset type (`type: ./src/x.ts#GeoJsonDataset`): the value its `load()` resolves to;
 * - `text`, `binary` and `metrics`: `string`, `Uint8Array` and `Metrics`; a `json` dataset with no
 *   schema that no node produces: `unknown`;
 * - a memory dataset (a name the catalog doesn't declare, or `type: memory`) with no schema: what
 *   its producing node's function returns (its element for list outputs, its key for record
 *   outputs), when that function is exported under its own name from exactly one file of `src/`
 *   (checked by importing that file: the export must be the node's function, not a schema or a
 *   constant that shares its name) and every pipeline that produces the dataset uses that same
 *   function; a memory dataset hands the value over as it is, so that type is what consumers
 *   receive;
 * - every parameter, nested ones by path (`params:model.test_size`), typed from its YAML value.
 *
 * Entries matched by a factory pattern are typed under the names the pipelines use. Everything
 * else (tables without a schema, a parquet entry loading Arrow tables, file outputs whose type
 * only a schema could promise after the round trip, inline node functions) is left out, so it
 * stays `any` to the compiler, as before.
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
  // Every node that produces each dataset, across all the registered pipelines.
  const producers = new Map<string, Set<Node>>();
  for (const name of settings.pipelineNames()) {
    const pipeline = await settings.pipeline(name);
    for (const dataset of pipeline.datasets()) used.add(dataset);
    for (const node of pipeline.nodes)
      for (const output of node.outputs)
        producers.set(output, (producers.get(output) ?? new Set()).add(node));
  }
  const fileDir = dirname(join(settings.projectPath, DATASET_TYPES_FILE));
  const imports = new TypeImports();
  let exports: Promise<Map<string, string[]>> | undefined;
  const entries: [string, string][] = [];
  const names = [...new Set([...resolver.declaredNames(), ...[...used].sort()])];
  for (const name of names) {
    if (name.startsWith('params:') || name === 'parameters') continue;
    const entry = resolver.resolve(name)?.config;
    let type =
      entry === undefined
        ? undefined
        : valueType(entry, producers.has(name), settings.projectPath, fileDir, imports);
    const producing = producers.get(name);
    if (type === undefined && producing !== undefined && (entry === undefined || entry.type === 'memory')) {
      exports ??= exportedFunctions(join(settings.projectPath, 'src'));
      type = await producedType([...producing], name, await exports, settings.projectPath, fileDir, imports);
    }
    if (type !== undefined) entries.push([name, type]);
  }
  const parameters = config.get('parameters');
  entries.push(['parameters', typeOfValue(parameters, '    ')]);
  for (const [path, value] of parameterPaths(parameters))
    entries.push([`params:${path}`, typeOfValue(value, '    ')]);
  const body = entries.map(([name, type]) => `    ${propertyKey(name)}: ${type};`).join('\n');
  return `// Written by \`sluice typegen\` (and refreshed by \`sluice run\`) from conf/ (env ${env}) and the
// catalog's schemas: the types of this project's datasets and parameters, by name. Don't edit it;
// edit the catalog, the schemas or parameters.yml and run \`sluice typegen\` again.
import type ${entries.some(([, type]) => type === 'Metrics') ? '{ Metrics }' : '{}'} from 'sluice';
${imports.lines().join('')}
type SchemaOutput<S> = S extends { _zod: { output: infer T } }
  ? T
  : S extends { _output: infer T }
    ? T
    : unknown;
type LoadedBy<C> = C extends abstract new (...args: never) => { load(): infer V }
  ? Awaited<V>
  : C extends (...args: never) => infer D
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
  imports: TypeImports,
): string | undefined {
  const type = String(config.type);
  const schema = config.schema;
  const loadArgs = config.load_args as { as?: unknown } | undefined;
  // `as: arrow` loads an Apache Arrow table, not rows: a schema still describes each row, but
  // the value is not an array of them.
  if (loadArgs?.as === 'arrow') return undefined;
  if (typeof schema === 'string' && schema.includes('#')) {
    const output = `SchemaOutput<${moduleExport(schema, projectPath, fileDir, imports)}>`;
    return TABLE_TYPES.has(type) ? `${output}[]` : output;
  }
  if (type.includes('#')) return `LoadedBy<${moduleExport(type, projectPath, fileDir, imports)}>`;
  if (FIXED_TYPES[type] !== undefined) return FIXED_TYPES[type];
  if (type === 'json' && !isProduced) return 'unknown';
  return undefined;
}

/** `./src/schemas.ts#Company` → `typeof schemas.Company`, importing `./schemas.ts` as `schemas`. */
function moduleExport(reference: string, projectPath: string, fileDir: string, imports: TypeImports): string {
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
  return imports.typeOf(specifier, name);
}

/**
 * The generated file's `import type * as schemas from './schemas.ts'` lines, one per module, so
 * that entries read `typeof schemas.Company` (and lint rules against `import()` types pass).
 */
class TypeImports {
  readonly #aliases = new Map<string, string>();

  /** The type of export `name` of `specifier`. */
  typeOf(specifier: string, name: string): string {
    let alias = this.#aliases.get(specifier);
    if (alias === undefined) {
      const base =
        specifier
          .replace(/^(\.\.?\/)+/, '')
          .replace(/\.[mc]?[jt]sx?$/, '')
          .replace(/[^\w$]+/g, '_')
          .replace(/^(?=\d)/, '_') || 'module';
      const taken = new Set(this.#aliases.values());
      alias = base;
      for (let index = 2; taken.has(alias) || RESERVED.has(alias); index++) alias = `${base}_${index}`;
      this.#aliases.set(specifier, alias);
    }
    return /^[A-Za-z_$][\w$]*$/.test(name) ? `typeof ${alias}.${name}` : `(typeof ${alias})[${quote(name)}]`;
  }

  lines(): string[] {
    return [...this.#aliases].map(
      ([specifier, alias]) => `import type * as ${alias} from ${quote(specifier)};\n`,
    );
  }
}

/** Names the generated file uses itself. */
const RESERVED = new Set(['SchemaOutput', 'LoadedBy', 'Awaited', 'ReturnType', 'Metrics', 'sluice']);

/** A string literal as the project's formatter writes it (single quotes). */
function quote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** A property name, quoted only when it is not an identifier (`companies`, `'params:rate'`). */
function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

/**
 * The type of output `name` of its producing nodes, from their function's declared return type:
 * `Awaited<ReturnType<typeof nodes.split>>[0]`. Undefined when the function is anonymous, is not
 * exported from exactly one file under its own name, that export is something else of the same
 * name (a Zod schema, a constant), or the pipelines produce the dataset with different functions
 * or at different places of their outputs: any of these would give a wrong type.
 */
async function producedType(
  producers: readonly Node[],
  name: string,
  exports: ReadonlyMap<string, string[]>,
  projectPath: string,
  fileDir: string,
  imports: TypeImports,
): Promise<string | undefined> {
  const func = producers[0]!.func;
  if (producers.some((producer) => producer.func !== func)) return undefined;
  const accesses = new Set(producers.map((producer) => outputAccess(producer, name)));
  const [access] = accesses;
  if (accesses.size !== 1 || access === undefined) return undefined;
  const functionName = func.name;
  const files = exports.get(functionName);
  if (functionName === '' || files === undefined || files.length !== 1) return undefined;
  if (!(await exportsFunction(files[0]!, functionName, func, projectPath))) return undefined;
  let specifier = relative(fileDir, files[0]!).split(sep).join('/');
  if (!specifier.startsWith('.')) specifier = `./${specifier}`;
  return `Awaited<ReturnType<${imports.typeOf(specifier, functionName)}>>${access}`;
}

/** How output `name` is reached in what `producer` returns: `''` (all of it), `[0]`, `['key']`. */
function outputAccess(producer: Node, name: string): string | undefined {
  const wiring = producer.outputWiring;
  if (typeof wiring === 'string') return '';
  if (Array.isArray(wiring)) return `[${wiring.indexOf(name)}]`;
  const key = Object.entries(wiring ?? {}).find(([, dataset]) => dataset === name)?.[0];
  return key === undefined ? undefined : `[${quote(key)}]`;
}

/**
 * Whether `file`'s export `name` is the node's function `func`. The file is imported through the
 * loader the pipelines went through: under tsx that is the very module the pipelines use, so the
 * export is `func` itself; the bundling loader compiles each entry on its own, so there the file
 * is a second copy and its export is the same function when it compiles to the same code.
 */
async function exportsFunction(
  file: string,
  name: string,
  func: Node['func'],
  projectPath: string,
): Promise<boolean> {
  let exported: unknown;
  try {
    exported = (await importModule(file, projectPath))[name];
  } catch {
    return false; // A module that fails on its own can't be checked: its outputs stay untyped.
  }
  if (exported === func) return true;
  const code = Function.prototype.toString;
  return typeof exported === 'function' && code.call(exported) === code.call(func);
}

const EXPORTED_FUNCTION =
  /^export\s+(?:(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)|(?:const|let)\s+([A-Za-z_$][\w$]*))/gm;

/** Every function-like name exported by a TypeScript file under `folder`, with the files exporting it. */
async function exportedFunctions(folder: string): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || !/\.[mc]?tsx?$/.test(entry.name) || entry.name.endsWith('.d.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    if (file.split(sep).includes('node_modules')) continue;
    const source = await readFile(file, 'utf8');
    for (const match of source.matchAll(EXPORTED_FUNCTION)) {
      const exported = match[1] ?? match[2]!;
      found.set(exported, [...(found.get(exported) ?? []), file]);
    }
  }
  return found;
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
      ([key, child]) => `${indent}  ${propertyKey(key)}: ${typeOfValue(child, `${indent}  `)};`,
    );
    return fields.length === 0 ? 'Record<string, never>' : `{\n${fields.join('\n')}\n${indent}}`;
  }
  return 'unknown';
}
