import type { DataCatalog } from '../../io/catalog.ts';
import { isParameterName } from '../../io/catalog-parameters.ts';
import { createProjectHooks } from '../../project/project-hooks.ts';
import { defaultPlugins } from '../../plugins/default-plugins.ts';
import { buildCatalog } from '../../project/build-catalog.ts';
import { newRunId } from '../../session/run-id.ts';
import { DEFAULT_PIPELINE, loadSettings } from '../../project/settings.ts';
import type { CliContext } from '../main.ts';
import { formatTable } from './pipeline.ts';

/**
 * `sluice catalog list`: every dataset the catalog declares or a pipeline uses, with its type
 * (as the catalog resolves it: declared, matched by a pattern, or memory by default), the
 * pipelines that use it, where it lives once path rules and branch data have moved it, and what
 * moved it. Credentials never appear: types come from the redacted descriptions, and locations
 * pass through the project's redactor.
 */
export async function catalogListCommand(
  context: CliContext,
  options: { pipeline?: string[]; env?: string },
): Promise<void> {
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
  const pipelineNames = options.pipeline ?? settings.pipelineNames().sort();
  const usedBy = new Map<string, string[]>();
  for (const name of pipelineNames) {
    const pipeline = await settings.pipeline(name);
    for (const dataset of pipeline.datasets()) {
      if (isParameterName(dataset)) continue;
      if (!usedBy.has(dataset)) usedBy.set(dataset, []);
      usedBy.get(dataset)!.push(name);
    }
  }
  const names = new Set([...catalog.list().filter((name) => !isParameterName(name)), ...usedBy.keys()]);
  const rows = [...names]
    .filter((name) => options.pipeline === undefined || usedBy.has(name))
    .sort()
    .map((name) => [
      name,
      catalog.has(name) ? catalog.typeOf(name) : 'memory (default)',
      (usedBy.get(name) ?? []).join(', ') || '-',
      ...locationCells(catalog, name),
    ]);
  context.stdout.write(formatTable(['dataset', 'type', 'pipelines', 'location', 'moved by'], rows));
}

/** The final location (and the fallback loads read while it is empty), and the rules that moved it. */
function locationCells(catalog: DataCatalog, name: string): [string, string] {
  const location = catalog.locationOf(name);
  if (location === undefined) return ['-', '-'];
  const redact = (text: string) => catalog.redactor.redact(text);
  const where =
    location.fallback === undefined ? location.location : `${location.location} (else ${location.fallback})`;
  const movedBy = location.rewrites.map((rewrite) => rewrite.reason ?? rewrite.by).join('; ');
  return [redact(where), redact(movedBy) || '-'];
}
