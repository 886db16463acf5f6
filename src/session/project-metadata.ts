import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProjectMetadata } from '../hooks/specs.ts';
import { SLUICE_VERSION } from '../version.ts';

/** What `beforeCommandRun` and `afterCommandRun` receive about the project (its package name, if any). */
export async function projectMetadata(projectPath: string): Promise<ProjectMetadata> {
  let packageName: string | undefined;
  try {
    packageName = (JSON.parse(await readFile(join(projectPath, 'package.json'), 'utf8')) as { name?: string })
      .name;
  } catch {
    packageName = undefined;
  }
  return { projectPath, packageName, sluiceVersion: SLUICE_VERSION };
}
