import { readFileSync } from 'node:fs';
import { packageFile } from './package-files.ts';

/** Sluice's own version, from its package.json. */
export const SLUICE_VERSION: string = (
  JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }
).version;
