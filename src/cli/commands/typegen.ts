import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadSettings } from '../../project/settings.ts';
import type { ProjectSettings } from '../../project/settings.ts';
import { DATASET_TYPES_FILE, datasetTypesEnv, datasetTypesSource } from '../dataset-types-file.ts';
import {
  datasetTypesCurrent,
  datasetTypesInputs,
  recordDatasetTypesInputs,
} from '../dataset-types-inputs.ts';
import type { CliContext } from '../main.ts';

/**
 * Writes `src/sluice-datasets.d.ts` when its content changed; returns whether it did. `sluice run`
 * calls it for projects that have the file (they opted in with `sluice typegen`).
 */
export async function refreshDatasetTypes(settings: ProjectSettings, env: string): Promise<boolean> {
  const path = join(settings.projectPath, DATASET_TYPES_FILE);
  const source = await datasetTypesSource(settings, env);
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current === source) return false;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, source);
  return true;
}

/**
 * `sluice typegen`: writes the types of the project's datasets and parameters (see
 * `datasetTypesSource`) to `src/sluice-datasets.d.ts`, so that `tsc` checks each node function
 * against the data it is wired to.
 */
export async function typegenCommand(context: CliContext, options: { env?: string }): Promise<void> {
  const settings = await loadSettings(context.projectPath);
  const changed = await refreshDatasetTypes(settings, options.env ?? settings.defaultEnv);
  context.stdout.write(`${changed ? 'Wrote' : 'Up to date:'} ${DATASET_TYPES_FILE}\n`);
}

/**
 * What `sluice run` does before running: refreshes `src/sluice-datasets.d.ts` when the project has
 * one and it is stale (configuration, schemas or pipelines changed). Unless one of its inputs
 * changed since it was last generated (dataset-types-inputs.ts), nothing but the file itself is
 * read. The run goes on whatever happens here: a failure is one line on stderr.
 *
 * The file follows one configuration environment, the one `sluice typegen` last wrote it for (the
 * default unless `--env` said otherwise). A run in another environment leaves it alone: a
 * `--env prod` run must not rewrite a committed source file, nor two runs in turn in different
 * environments rewrite it back and forth.
 */
export async function refreshDatasetTypesBeforeRun(
  settings: ProjectSettings,
  env: string,
  stderr: NodeJS.WritableStream,
): Promise<void> {
  try {
    let written: string;
    try {
      written = await readFile(join(settings.projectPath, DATASET_TYPES_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // the project never ran `sluice typegen`
      throw error;
    }
    if ((datasetTypesEnv(written) ?? settings.defaultEnv) !== env) return;
    const inputs = await datasetTypesInputs(settings, env);
    if (inputs !== undefined && (await datasetTypesCurrent(settings.projectPath, inputs))) return;
    if (await refreshDatasetTypes(settings, env)) stderr.write(`[sluice] refreshed ${DATASET_TYPES_FILE}\n`);
    if (inputs !== undefined) await recordDatasetTypesInputs(settings.projectPath, inputs);
  } catch (error) {
    stderr.write(
      `[sluice] could not refresh ${DATASET_TYPES_FILE}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`,
    );
  }
}
