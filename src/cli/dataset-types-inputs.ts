import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledSources } from '../module-loader.ts';
import { packageFile } from '../package-files.ts';
import type { ProjectSettings } from '../project/settings.ts';
import { SLUICE_VERSION } from '../version.ts';
import { DATASET_TYPES_FILE } from './dataset-types-file.ts';

/**
 * `sluice run` refreshes `src/sluice-datasets.d.ts` only when something it is generated from
 * changed, instead of reading the configuration and every pipeline again on each run. The inputs
 * are stamped by size and modification time: every file of the configuration folder and of `src/`,
 * `sluice.config.ts`, every project file the project's bundled modules import (pipelines outside
 * `src/` too, since generating the types imports every pipeline), the project's installed packages
 * (`node_modules/.package-lock.json`), the environment, and Sluice itself (its version and this
 * build). With the stamp of the `.d.ts` as last written, they are recorded in
 * `.sluice/cache/dataset-types.json`.
 */
const RECORD = join('.sluice', 'cache', 'dataset-types.json');

interface InputsRecord {
  readonly inputs: string;
  readonly output: string;
}

/**
 * A digest of every input's stamp, or undefined when the inputs can't all be named: the project's
 * modules weren't bundled (under tsx), so the files its pipelines import are unknown.
 */
export async function datasetTypesInputs(
  settings: ProjectSettings,
  env: string,
): Promise<string | undefined> {
  const imported = bundledSources(settings.configFile, settings.projectPath);
  if (imported === undefined) return undefined;
  const output = join(settings.projectPath, DATASET_TYPES_FILE);
  const files = new Set([
    ...(await filesUnder(join(settings.projectPath, settings.confSource))),
    ...(await filesUnder(join(settings.projectPath, 'src'))),
    ...imported,
    settings.configFile,
    join(settings.projectPath, 'node_modules', '.package-lock.json'),
    fileURLToPath(import.meta.url),
    fileURLToPath(packageFile('package.json')),
  ]);
  files.delete(output);
  const hash = createHash('sha256').update(`${SLUICE_VERSION}\0${env}\0${settings.confSource}\0`);
  for (const file of [...files].sort()) hash.update(`${file}\0${await stampOf(file)}\0`);
  return hash.digest('hex');
}

/** Whether the `.d.ts` was generated from exactly these inputs and is unchanged since. */
export async function datasetTypesCurrent(projectPath: string, inputs: string): Promise<boolean> {
  try {
    const record = JSON.parse(await readFile(join(projectPath, RECORD), 'utf8')) as InputsRecord;
    return (
      record.inputs === inputs && record.output === (await stampOf(join(projectPath, DATASET_TYPES_FILE)))
    );
  } catch {
    return false;
  }
}

/** Records that the `.d.ts`, as it is now, was generated from `inputs`. */
export async function recordDatasetTypesInputs(projectPath: string, inputs: string): Promise<void> {
  const file = join(projectPath, RECORD);
  const record: InputsRecord = { inputs, output: await stampOf(join(projectPath, DATASET_TYPES_FILE)) };
  await mkdir(join(projectPath, '.sluice', 'cache'), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  await writeFile(temporary, JSON.stringify(record));
  await rename(temporary, file);
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => join(entry.parentPath, entry.name));
}

async function stampOf(path: string): Promise<string> {
  try {
    const stats = await stat(path);
    return `${stats.size}:${stats.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
