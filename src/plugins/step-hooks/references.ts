/**
 * Step hooks named by reference, `"module#export"`, so that YAML (and code that wants to stay
 * lazy) can name a function: `./src/alerts.ts#pageOnCall` (a path relative to the project),
 * `sluice#alertOnFailure` (a built-in), or `some-package#hook` (an installed package). The rules
 * are `sluice/plugin`'s `ModuleReferences`, shared with the catalog's schema references.
 */
import type { ConfigLocation, ExportCheck, StepHook } from '../../plugin-api/index.ts';
import { ModuleReferenceError, ModuleReferences } from '../../plugin-api/index.ts';
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

const STEP_HOOK: ExportCheck<StepHook<any>> = {
  what: 'a function',
  accepts: (value): value is StepHook<any> => typeof value === 'function',
  noun: 'step hook',
  example: './src/hooks.ts#myHook',
  wrongKindHint: 'A step hook is a function that takes one context object.',
};

/**
 * Imports the module a reference names and returns the export, checked to be a function. Modules
 * are imported once per resolver (a plugin instance), however many nodes name them.
 */
export class ReferenceResolver {
  readonly #references: ModuleReferences;

  /** @param builtInHooks what `sluice#<name>` names; without them `sluice` is resolved as a package. */
  constructor(projectPath: string, builtInHooks?: Readonly<Record<string, unknown>>) {
    this.#references = new ModuleReferences(projectPath, {
      // The built-in hooks, whether or not the project installed Sluice by name.
      ...(builtInHooks === undefined ? {} : { builtins: { sluice: async () => ({ ...builtInHooks }) } }),
    });
  }

  async resolve(reference: string, origin: ReferenceOrigin = {}): Promise<ConfiguredHook> {
    try {
      const hook = await this.#references.resolve(reference, STEP_HOOK, undefined, origin.description);
      return { hook, label: reference };
    } catch (error) {
      if (!(error instanceof ModuleReferenceError)) throw error;
      throw new StepHookReferenceError(error.message, {
        location: origin.location,
        hint: error.hint ?? '',
        ...(error.cause === undefined ? {} : { cause: error.cause }),
      });
    }
  }
}
