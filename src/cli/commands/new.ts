import { access, cp, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SLUICE_VERSION } from '../../version.ts';
import type { CliContext } from '../main.ts';
import { UsageError } from '../usage-error.ts';

/** The folder of Sluice's own package (the same from src/ under tsx and from dist/). */
const SLUICE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * `sluice new <dir>`: writes a runnable starter project. Its `sluice` dependency is the running
 * Sluice: `^<version>` when Sluice was installed from a registry, or `file:<path>` when it runs
 * from a checkout, so `npm install && npx sluice run` works in both cases.
 */
export async function newCommand(
  context: CliContext,
  dir: string,
  options: { name?: string },
): Promise<void> {
  const target = resolve(dir);
  if (await exists(target)) {
    if (!(await stat(target)).isDirectory()) {
      throw new UsageError(`${target} is a file, not a folder.`, {
        hint: 'Pick a new folder name for the project.',
      });
    }
    if ((await readdir(target)).length > 0) {
      throw new UsageError(`${target} already exists and is not empty.`, {
        hint: 'Pick a new folder name, or empty that folder first.',
      });
    }
  }
  const name =
    options.name ??
    basename(target)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-');
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
    throw new UsageError(`"${name}" is not a valid npm package name.`, {
      hint: 'Pass --name with lowercase letters, digits, "-", "_" or ".".',
    });
  }
  await cp(join(SLUICE_ROOT, 'templates', 'starter'), target, { recursive: true });
  await rename(join(target, '_gitignore'), join(target, '.gitignore'));
  const installedFromRegistry = SLUICE_ROOT.split(sep).includes('node_modules');
  const dependency = installedFromRegistry ? `^${SLUICE_VERSION}` : `file:${SLUICE_ROOT}`;
  for (const file of ['package.json', 'README.md']) {
    const path = join(target, file);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replaceAll('{{name}}', name).replaceAll('{{sluiceDependency}}', dependency));
  }
  context.stdout.write(
    [
      `Created ${name} in ${target}.`,
      '',
      'Next:',
      `  cd ${dir}`,
      '  npm install',
      '  npx sluice run',
      '',
    ].join('\n'),
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
