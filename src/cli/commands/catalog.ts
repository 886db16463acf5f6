import { isAbsolute, relative } from 'node:path';
import { stringify } from 'yaml';
import { formatLocation } from '../../config-location.ts';
import { CatalogAggregateError, CatalogError } from '../../io/catalog-errors.ts';
import type { DataCatalog } from '../../io/catalog.ts';
import { isParameterName } from '../../io/catalog-parameters.ts';
import { createProjectHooks } from '../../project/project-hooks.ts';
import { defaultPlugins } from '../../plugins/default-plugins.ts';
import { buildCatalog } from '../../project/build-catalog.ts';
import { newRunId } from '../../session/run-id.ts';
import type { ProjectSettings } from '../../project/settings.ts';
import { DEFAULT_PIPELINE, loadSettings } from '../../project/settings.ts';
import { didYouMean } from '../../suggest.ts';
import { ExitCode } from '../exit-codes.ts';
import type { ExitCodeValue } from '../exit-codes.ts';
import type { CliContext } from '../main.ts';
import { UsageError } from '../usage-error.ts';
import { formatTable } from './pipeline.ts';

interface CatalogOptions {
  env?: string;
}

/** The project's catalog as a run in `env` would build it, and its settings. */
async function openCatalog(
  context: CliContext,
  options: CatalogOptions,
): Promise<{ settings: ProjectSettings; catalog: DataCatalog }> {
  const settings = await loadSettings(context.projectPath);
  const { manager } = await createProjectHooks(settings, { role: 'main', builtIns: defaultPlugins });
  const runId = newRunId();
  const { catalog } = await buildCatalog({
    settings,
    hooks: manager,
    env: options.env ?? settings.defaultEnv,
    confSource: settings.confSource,
    runtimeParams: {},
    saveVersion: runId,
    loadVersions: {},
    runId,
    pipelineName: DEFAULT_PIPELINE,
  });
  return { settings, catalog };
}

/** Dataset name → the pipelines using it, over `pipelineNames`. */
async function datasetUsers(
  settings: ProjectSettings,
  pipelineNames: readonly string[],
): Promise<Map<string, string[]>> {
  const usedBy = new Map<string, string[]>();
  for (const name of pipelineNames) {
    const pipeline = await settings.pipeline(name);
    for (const dataset of pipeline.datasets()) {
      if (isParameterName(dataset)) continue;
      if (!usedBy.has(dataset)) usedBy.set(dataset, []);
      usedBy.get(dataset)!.push(name);
    }
  }
  return usedBy;
}

/**
 * Builds `name`'s dataset (resolving its pattern, importing a project type, checking its settings),
 * as a run would before its first node. Returns the reason when it can't; loads nothing.
 */
async function buildProblem(catalog: DataCatalog, name: string): Promise<CatalogError | undefined> {
  try {
    await catalog.materialize([name]);
    return undefined;
  } catch (error) {
    if (error instanceof CatalogAggregateError) return error.errors[0] ?? error;
    if (error instanceof CatalogError) return error;
    throw error;
  }
}

/**
 * Where a dataset's data lives, from its redacted description: a file (relative to the project
 * when inside it), a table, a URL; `-` for none (memory).
 */
export function datasetLocation(catalog: DataCatalog, name: string, projectPath: string): string {
  const description = catalog.describe(name);
  for (const key of ['filepath', 'path', 'table_name', 'table', 'url', 'sql', 'query']) {
    const value = description[key];
    if (typeof value !== 'string' || value === '') continue;
    if (key === 'filepath' || key === 'path') {
      const inside = isAbsolute(value) && !relative(projectPath, value).startsWith('..');
      return inside ? relative(projectPath, value) : value;
    }
    return key === 'sql' || key === 'query' ? `${key}: ${value.replace(/\s+/g, ' ').slice(0, 40)}` : value;
  }
  return '-';
}

/**
 * `sluice catalog list`: every dataset the catalog declares or a pipeline uses, with its type
 * (declared, matched by a pattern, or memory by default), where its data lives and the pipelines
 * that use it. Every entry is built as a run would build it (nothing is loaded), so a typo such as
 * `type: parquett` is flagged with the nearest known type, and the command exits 2. Credentials
 * never appear: locations come from the redacted descriptions.
 */
export async function catalogListCommand(
  context: CliContext,
  options: CatalogOptions & { pipeline?: string[] },
): Promise<ExitCodeValue> {
  const { settings, catalog } = await openCatalog(context, options);
  const pipelineNames = options.pipeline ?? settings.pipelineNames().sort();
  const usedBy = await datasetUsers(settings, pipelineNames);
  const names = [...new Set([...catalog.list().filter((name) => !isParameterName(name)), ...usedBy.keys()])]
    .filter((name) => options.pipeline === undefined || usedBy.has(name))
    .sort();
  const problems = new Map<string, CatalogError>();
  for (const name of names) {
    if (!catalog.has(name)) continue;
    const problem = await buildProblem(catalog, name);
    if (problem !== undefined) problems.set(name, problem);
  }
  const rows = names.map((name) => {
    const [location, movedBy] = locationCells(catalog, name, settings.projectPath);
    return [
      problems.has(name) ? `${name} ✗` : name,
      catalog.has(name) ? catalog.typeOf(name) : 'memory (default)',
      location,
      (usedBy.get(name) ?? []).join(', ') || '-',
      movedBy,
    ];
  });
  context.stdout.write(formatTable(['dataset', 'type', 'location', 'pipelines', 'moved by'], rows));
  if (problems.size === 0) return ExitCode.ok;
  const lines = [
    '',
    `${problems.size} ${problems.size === 1 ? 'entry does' : 'entries do'} not resolve (✗):`,
    ...[...problems.values()].map(
      (problem) => `  - ${problem.message}${problem.hint === undefined ? '' : `\n    ${problem.hint}`}`,
    ),
  ];
  context.stderr.write(`${catalog.redactor.redact(lines.join('\n'))}\n`);
  return ExitCode.usage;
}

/**
 * The final location, once path rules and branch data moved it (with the copy loads fall back to
 * while it is empty), and the rules that moved it; credentials pass through the redactor.
 */
function locationCells(catalog: DataCatalog, name: string, projectPath: string): [string, string] {
  const location = catalog.has(name) ? catalog.locationOf(name) : undefined;
  if (location === undefined || location.rewrites.length === 0)
    return [datasetLocation(catalog, name, projectPath), '-'];
  const redact = (text: string) => catalog.redactor.redact(text);
  const where =
    location.fallback === undefined ? location.location : `${location.location} (else ${location.fallback})`;
  const movedBy = location.rewrites.map((rewrite) => rewrite.reason ?? rewrite.by).join('; ');
  return [redact(where), redact(movedBy) || '-'];
}

/** One catalog entry as `sluice catalog describe --json` prints it. */
export interface CatalogEntryDescription {
  readonly name: string;
  readonly type: string;
  /** The factory pattern that produced the entry, or null when it is declared by name (or not at all). */
  readonly pattern: string | null;
  /** `file:line:column` of the entry or pattern; null for a dataset nothing declares. */
  readonly declaredAt: string | null;
  /** The settings with placeholders filled in, credentials by name only, secrets masked. */
  readonly settings: Record<string, unknown>;
  readonly location: string;
  readonly pipelines: readonly string[];
  /** Why the dataset can't be built, when it can't. */
  readonly problem: string | null;
}

/**
 * `sluice catalog describe NAME`: one dataset fully: its type, the factory pattern that produced
 * it (Kedro's `catalog resolve` for one name), where it is declared, its settings with
 * placeholders filled in, and the pipelines that use it. Exits 2 when the name is unknown to every
 * pipeline and the configuration, or when its entry doesn't build.
 */
export async function catalogDescribeCommand(
  context: CliContext,
  name: string,
  options: CatalogOptions & { json?: boolean },
): Promise<ExitCodeValue> {
  const { settings, catalog } = await openCatalog(context, options);
  const usedBy = await datasetUsers(settings, settings.pipelineNames().sort());
  const resolved = catalog.resolver?.resolve(name);
  if (resolved === undefined && !usedBy.has(name) && !catalog.has(name)) {
    const known = [...new Set([...catalog.list(), ...usedBy.keys()])];
    throw new UsageError(`No dataset "${name}" in the catalog or any pipeline.${didYouMean(name, known)}`, {
      hint: 'Run `sluice catalog list` to see every dataset.',
    });
  }
  const problem = catalog.has(name) ? await buildProblem(catalog, name) : undefined;
  const description: CatalogEntryDescription = {
    name,
    type: catalog.has(name) ? catalog.typeOf(name) : 'memory (default)',
    pattern: resolved?.pattern ?? null,
    declaredAt: resolved?.location === undefined ? null : formatLocation(resolved.location),
    settings: resolved === undefined ? {} : shownSettings(catalog, resolved.config),
    location: datasetLocation(catalog, name, settings.projectPath),
    pipelines: usedBy.get(name) ?? [],
    problem: problem === undefined ? null : catalog.redactor.redact(problem.message),
  };
  if (options.json === true) {
    context.stdout.write(`${JSON.stringify(description, null, 2)}\n`);
  } else {
    const lines = [
      `dataset:   ${description.name}`,
      `type:      ${description.type}`,
      `pattern:   ${description.pattern ?? (resolved === undefined ? '- (not in the catalog: a memory dataset)' : '- (declared by name)')}`,
      `declared:  ${description.declaredAt ?? '-'}`,
      `location:  ${description.location}`,
      `pipelines: ${description.pipelines.join(', ') || '-'}`,
    ];
    if (resolved !== undefined) {
      lines.push('settings:', ...indent(stringify(description.settings).trimEnd()));
    }
    if (description.problem !== null) lines.push(`problem:   ${description.problem}`);
    context.stdout.write(`${lines.join('\n')}\n`);
  }
  return problem === undefined ? ExitCode.ok : ExitCode.usage;
}

/**
 * `sluice catalog resolve`: the catalog as Kedro's `catalog resolve` prints it: every declared
 * entry, then every dataset a pipeline uses that a factory pattern matches, with the pattern's
 * placeholders filled in, as YAML. Datasets nothing declares (memory) are left out, as are the
 * patterns themselves. Credentials stay references by name; inline secrets are masked.
 */
export async function catalogResolveCommand(
  context: CliContext,
  options: CatalogOptions & { pipeline?: string[] },
): Promise<void> {
  const { settings, catalog } = await openCatalog(context, options);
  const resolver = catalog.resolver;
  const usedBy = await datasetUsers(settings, options.pipeline ?? settings.pipelineNames().sort());
  const names = [
    ...(options.pipeline === undefined ? (resolver?.declaredNames() ?? []) : []),
    ...[...usedBy.keys()].sort(),
  ];
  const resolved: Record<string, unknown> = {};
  for (const name of names) {
    if (Object.hasOwn(resolved, name)) continue;
    const entry = resolver?.resolve(name);
    if (entry !== undefined) resolved[name] = shownSettings(catalog, entry.config);
  }
  context.stdout.write(Object.keys(resolved).length === 0 ? '{}\n' : stringify(resolved));
}

/** Settings for people: `credentials` only as the name it refers to, anything secret masked. */
function shownSettings(catalog: DataCatalog, config: Record<string, unknown>): Record<string, unknown> {
  const { credentials, ...rest } = config;
  const shown: Record<string, unknown> = catalog.redactor.redactValue(rest);
  if (credentials !== undefined) shown.credentials = typeof credentials === 'string' ? credentials : '***';
  return shown;
}

function indent(text: string): string[] {
  return text.split('\n').map((line) => `  ${line}`);
}
