/**
 * Step hooks named by reference, `"module#export"`, so that YAML (and code that wants to stay
 * lazy) can name a function: `./src/alerts.ts#pageOnCall` (a path relative to the project),
 * `sluice#alertOnFailure` (a built-in), or `some-package#hook` (an installed package).
 */
import type { ConfigLocation, StepHook } from '../../plugin-api/index.ts';
import { didYouMean, importModule } from '../../plugin-api/index.ts';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StepHookReferenceError } from './errors.ts';

/** A step hook ready to call, with the label logs and failure records show for it. */
export interface ConfiguredHook {
  readonly hook: StepHook<any>;
  /** The reference as written, or the function's name. */
  readonly label: string;
}

/** Where a reference was written, for its error messages: a YAML location or a node option. */
export interface ReferenceOrigin {
  readonly location?: ConfigLocation | undefined;
  /** e.g. `the onFailure option of node "train_model"`. */
  readonly description?: string | undefined;
}

/** A function as a configured hook, labelled with its name. */
export function functionHook(hook: StepHook<any>): ConfiguredHook {
  return { hook, label: hook.name === '' ? 'anonymous' : hook.name };
}

/**
 * Imports the module a reference names and returns the export, checked to be a function. Modules
 * are imported once per resolver (a plugin instance), however many nodes name them.
 */
export class ReferenceResolver {
  readonly #projectPath: string;
  readonly #builtInHooks: Readonly<Record<string, unknown>> | undefined;
  readonly #modules = new Map<string, Promise<Record<string, unknown>>>();

  /** @param builtInHooks what `sluice#<name>` names; without them `sluice` is resolved as a package. */
  constructor(projectPath: string, builtInHooks?: Readonly<Record<string, unknown>>) {
    this.#projectPath = projectPath;
    this.#builtInHooks = builtInHooks;
  }

  async resolve(reference: string, origin: ReferenceOrigin = {}): Promise<ConfiguredHook> {
    const fail = (problem: string, hint: string, cause?: unknown) =>
      new StepHookReferenceError(
        `${origin.description === undefined ? '' : `${origin.description}: `}${problem}`,
        {
          location: origin.location,
          hint,
          cause,
        },
      );
    const hash = reference.lastIndexOf('#');
    if (hash <= 0 || hash === reference.length - 1) {
      throw fail(
        `the step hook reference "${reference}" must name a module and an export, separated by "#".`,
        'Write it as "./src/hooks.ts#myHook" (a path relative to the project), or "sluice#alertOnFailure".',
      );
    }
    const specifier = reference.slice(0, hash);
    const exportName = reference.slice(hash + 1);
    let exports: Record<string, unknown>;
    try {
      exports = await this.#import(specifier);
    } catch (error) {
      if (error instanceof StepHookReferenceError) throw fail(error.message, error.hint ?? '');
      throw fail(
        `the module of step hook "${reference}" failed to load: ${(error as Error).message}`,
        'Check the path (relative to the project root) and that the module loads on its own.',
        error,
      );
    }
    const value = exports[exportName];
    if (value === undefined) {
      const functions = Object.keys(exports).filter((name) => typeof exports[name] === 'function');
      throw fail(
        `"${specifier}" has no export named "${exportName}".${didYouMean(exportName, functions)}`,
        `Exported functions: ${functions.join(', ') || 'none'}.`,
      );
    }
    if (typeof value !== 'function') {
      throw fail(
        `the export "${exportName}" of "${specifier}" is ${value === null ? 'null' : `a ${typeof value}`}, not a function.`,
        'A step hook is a function that takes one context object.',
      );
    }
    return { hook: value as StepHook<any>, label: reference };
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
    // The built-in hooks, whether or not the project installed Sluice by name.
    if (specifier === 'sluice' && this.#builtInHooks !== undefined) return { ...this.#builtInHooks };
    if (specifier.startsWith('.') || isAbsolute(specifier)) {
      const path = resolve(this.#projectPath, specifier);
      if (!existsSync(path)) {
        throw new StepHookReferenceError(`the module "${specifier}" doesn't exist (looked for ${path}).`, {
          hint: 'Module paths are relative to the project root, e.g. "./src/hooks.ts#onFailure".',
        });
      }
      return importModule(path, this.#projectPath);
    }
    const require = createRequire(join(this.#projectPath, 'package.json'));
    let path: string;
    try {
      path = require.resolve(specifier);
    } catch (error) {
      throw new StepHookReferenceError(
        `the package "${specifier}" can't be found from ${this.#projectPath}.`,
        {
          hint: `Install it (npm install ${specifier}), or use a path starting with "./" for a module of the project.`,
          cause: error,
        },
      );
    }
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  }
}
