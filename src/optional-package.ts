import { readFileSync } from 'node:fs';
import { SluiceError } from './errors.ts';
import { packageFile } from './package-files.ts';

/**
 * Heavy integrations most projects don't use (DuckDB, PostgreSQL, Excel, OpenTelemetry, StatsD,
 * Prometheus, email, BullMQ) are optional peer dependencies of Sluice: a project installs the ones
 * its catalog and settings need. Sluice imports each at first use, through {@link importOptional},
 * so that a missing one fails only the feature that needs it, with the command that fixes it.
 */

/**
 * A feature needs a package the project hasn't installed. The message names the package, the
 * feature (a catalog entry with its file and line, a plugin, a runner) and the `npm install`
 * command, also in `installCommand`.
 */
export class MissingPackageError extends SluiceError {
  /** The packages the feature needs, all of which must be installed. */
  readonly packages: readonly string[];
  /** What needs them: `Dataset "companies" (parquet, conf/base/catalog.yml:4:3)`, `the distributed runner`. */
  readonly feature: string;
  /**
   * `npm install "pg@^8.23.1"`: the versions Sluice is tested with. Each spec is quoted because `^`
   * is an escape character in cmd.exe and a glob operator in zsh with extendedglob.
   */
  readonly installCommand: string;

  constructor(packages: readonly string[], feature: string, options: { cause?: unknown } = {}) {
    const installCommand = `npm install ${packages.map((name) => `"${withTestedRange(name)}"`).join(' ')}`;
    const one = packages.length === 1;
    const names = one ? `the package ${packages[0]}` : `the packages ${packages.join(', ')}`;
    super(
      `${feature} needs ${names}, ${one ? 'an optional dependency' : 'optional dependencies'} of Sluice that this project hasn't installed: run \`${installCommand}\`.`,
      { ...options, hint: `Run \`${installCommand}\` in the project folder.` },
    );
    this.packages = [...packages];
    this.feature = feature;
    this.installCommand = installCommand;
  }
}

/**
 * Imports an optional package (or a module of Sluice's that imports some): `load` is the import
 * itself, `() => import("pg")`, so that types and bundlers see a literal specifier. When the import
 * fails because one of `packages` can't be found, it throws a {@link MissingPackageError} naming
 * all of them and `feature`; any other failure (a broken native build, a missing dependency of the
 * package itself) is thrown as it is.
 */
export async function importOptional<T>(
  load: () => Promise<T>,
  packages: readonly string[],
  feature: string,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const missing = missingPackageName(error);
    if (missing !== undefined && packages.includes(missing))
      throw new MissingPackageError(packages, feature, { cause: error });
    throw error;
  }
}

/** The package a module-resolution error couldn't find: `pg`, `@duckdb/node-api`; undefined otherwise. */
export function missingPackageName(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const message = error instanceof Error ? error.message : '';
  // "Cannot find package 'pg' imported from ..." (ESM), "Cannot find module 'pg'" (require).
  const specifier = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1];
  if (specifier === undefined || specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The optional packages and the version ranges Sluice is tested with: its package.json's peerDependencies. */
export function optionalPackages(): Readonly<Record<string, string>> {
  peerDependencies ??=
    (
      JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as {
        peerDependencies?: Record<string, string>;
      }
    ).peerDependencies ?? {};
  return peerDependencies;
}

let peerDependencies: Record<string, string> | undefined;

function withTestedRange(name: string): string {
  const range = optionalPackages()[name];
  return range === undefined ? name : `${name}@${range}`;
}
