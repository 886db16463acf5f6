import { access, cp, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageFile } from '../../package-files.ts';
import { SLUICE_VERSION } from '../../version.ts';
import type { CliContext } from '../main.ts';
import { UsageError } from '../usage-error.ts';

/** The folder of Sluice's own package. */
const SLUICE_ROOT = resolve(fileURLToPath(packageFile('.')));

/**
 * `sluice new <dir>`: writes a runnable starter project. Its `sluice` dependency is the running
 * Sluice, named the way it was installed (see {@link sluiceDependency}), so that
 * `npm install && npx sluice run` in the new project works from any folder.
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
  const dependency = await sluiceDependency();
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

/**
 * How the new project should depend on the running Sluice:
 * - run from a checkout: `file:<checkout>`;
 * - installed in a project's node_modules (or npx's cache): what that project's package.json says
 *   (`file:` specs, a tarball or a folder, made absolute so they hold from the new folder; a
 *   registry range or a git URL as is);
 * - otherwise `^<version>`.
 */
async function sluiceDependency(): Promise<string> {
  const parts = SLUICE_ROOT.split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at === -1) return `file:${SLUICE_ROOT}`;
  const owner = parts.slice(0, at).join(sep) || sep;
  let spec: unknown;
  try {
    const manifest = JSON.parse(await readFile(join(owner, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, unknown>;
      devDependencies?: Record<string, unknown>;
    };
    spec = manifest.dependencies?.sluice ?? manifest.devDependencies?.sluice;
  } catch {
    // No readable manifest above node_modules (a global install): fall back to the version.
  }
  if (typeof spec !== 'string' || spec === '' || spec.startsWith('workspace:')) return `^${SLUICE_VERSION}`;
  if (spec.startsWith('file:')) return `file:${resolve(owner, spec.slice('file:'.length))}`;
  return spec;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
