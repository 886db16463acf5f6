import { join } from 'node:path';

/** Where a project's run store lives: `.sluice/runs.db`, beside the compile cache. */
export function runStorePath(projectPath: string): string {
  return join(projectPath, '.sluice', 'runs.db');
}
