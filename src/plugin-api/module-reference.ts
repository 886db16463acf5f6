/**
 * `"module#export"` references, as YAML names code: `./src/schemas.ts#Company` (a path relative
 * to the project root) or `some-package#thing` (an installed package, resolved from the project).
 * One set of rules for every plugin that lets configuration name an export: step hooks in
 * hooks.yml, schemas and custom expectations in the catalog.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConfigLocation } from '../config-location.ts';
import { formatLocation } from '../config-location.ts';
import { SluiceError } from '../errors.ts';
import { importModule } from '../module-loader.ts';
import { didYouMean } from '../suggest.ts';

/** A reference that can't be used: malformed, its module missing or failing, its export missing. */
export class ModuleReferenceError extends SluiceError {
  readonly reference: string;
  readonly location: ConfigLocation | undefined;

  constructor(
    reference: string,
    message: string,
    options: { location?: ConfigLocation | undefined; hint: string; cause?: unknown },
  ) {
    const where = formatLocation(options.location);
    super(`${where === '' ? '' : `${where}: `}${message}`, {
      hint: options.hint,
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.reference = reference;
    this.location = options.location;
  }
}

/** A reference split into its module and export. */
export interface ParsedReference {
  readonly specifier: string;
  readonly exportName: string;
}

/** Splits `"module#export"`; undefined when either half is missing. */
export function parseModuleReference(reference: string): ParsedReference | undefined {
  const hash = reference.lastIndexOf('#');
  if (hash <= 0 || hash === reference.length - 1) return undefined;
  return { specifier: reference.slice(0, hash), exportName: reference.slice(hash + 1) };
}

/** What a resolved export must be, and the words messages use for it. */
export interface ExportCheck<T> {
  /** What the export must be, with its article: `a Zod schema`, `a function`. */
  readonly what: string;
  readonly accepts: (value: unknown) => value is T;
  /** What the reference names, for messages: `step hook`, `schema`. Default `reference`... */
  readonly noun?: string;
  /** A well-formed reference of this kind, for hints: `./src/schemas.ts#Company`. */
  readonly example?: string;
  /** The hint when the export exists but is not what it must be. */
  readonly wrongKindHint?: string;
}

/** Options of {@link ModuleReferences}. */
export interface ModuleReferencesOptions {
  /**
   * Module names that resolve to a module of the caller's choosing rather than a package of the
   * project (the step-hooks plugin maps `sluice` to Sluice's own entry point).
   */
  readonly builtins?: Readonly<Record<string, () => Promise<Record<string, unknown>>>>;
}

/**
 * Resolves references against one project; each module is imported once per instance, however
 * many references name it.
 */
export class ModuleReferences {
  readonly projectPath: string;
  readonly #builtins: Readonly<Record<string, () => Promise<Record<string, unknown>>>>;
  readonly #modules = new Map<string, Promise<Record<string, unknown>>>();

  constructor(projectPath: string, options: ModuleReferencesOptions = {}) {
    this.projectPath = projectPath;
    this.#builtins = options.builtins ?? {};
  }

  /**
   * The export `reference` names, checked by `check`; a `ModuleReferenceError` otherwise, whose
   * message starts with `location` and then `context` (`the onFailure option of node "x"`).
   */
  async resolve<T>(
    reference: string,
    check: ExportCheck<T>,
    location?: ConfigLocation | undefined,
    context?: string | undefined,
  ): Promise<T> {
    const noun = check.noun ?? 'reference';
    const example = check.example ?? './src/module.ts#name';
    const fail = (message: string, hint: string, cause?: unknown) =>
      new ModuleReferenceError(reference, `${context === undefined ? '' : `${context}: `}${message}`, {
        location,
        hint,
        cause,
      });
    const parsed = parseModuleReference(reference);
    if (parsed === undefined) {
      throw fail(
        `the ${noun} reference "${reference}" must name a module and an export, separated by "#".`,
        `Write it as "${example}" (a path relative to the project root), or "package#export".`,
      );
    }
    const { specifier, exportName } = parsed;
    let exports: Record<string, unknown>;
    try {
      exports = await this.#import(specifier);
    } catch (error) {
      if (error instanceof ModuleReferenceError) throw fail(error.message, error.hint ?? '');
      throw fail(
        `the module of ${noun} "${reference}" failed to load: ${(error as Error).message}`,
        'Check the path (relative to the project root) and that the module loads on its own.',
        error,
      );
    }
    const value = exports[exportName];
    const candidates = Object.keys(exports).filter((name) => check.accepts(exports[name]));
    const listed = `Exports that are ${check.what}: ${candidates.join(', ') || 'none'}.`;
    if (value === undefined) {
      throw fail(
        `"${specifier}" has no export named "${exportName}".${didYouMean(exportName, candidates)}`,
        listed,
      );
    }
    if (!check.accepts(value)) {
      const kind = value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
      throw fail(
        `the export "${exportName}" of "${specifier}" is ${kind}, not ${check.what}.`,
        check.wrongKindHint ?? listed,
      );
    }
    return value;
  }

  #import(specifier: string): Promise<Record<string, unknown>> {
    let pending = this.#modules.get(specifier);
    if (pending === undefined) {
      pending = this.#load(specifier);
      this.#modules.set(specifier, pending);
    }
    return pending;
  }

  async #load(specifier: string): Promise<Record<string, unknown>> {
    const builtin = this.#builtins[specifier];
    if (builtin !== undefined) return builtin();
    if (specifier.startsWith('.') || isAbsolute(specifier)) {
      const path = resolve(this.projectPath, specifier);
      if (!existsSync(path)) {
        throw new ModuleReferenceError(
          specifier,
          `the module "${specifier}" doesn't exist (looked for ${path}).`,
          {
            hint: 'Module paths are relative to the project root, e.g. "./src/module.ts#name".',
          },
        );
      }
      return importModule(path, this.projectPath);
    }
    const require = createRequire(join(this.projectPath, 'package.json'));
    let path: string;
    try {
      path = require.resolve(specifier);
    } catch (error) {
      throw new ModuleReferenceError(
        specifier,
        `the package "${specifier}" can't be found from ${this.projectPath}.`,
        {
          hint: `Install it (npm install ${specifier}), or use a path starting with "./" for a module of the project.`,
          cause: error,
        },
      );
    }
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  }
}
