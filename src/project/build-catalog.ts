import { ConfigLoader } from '../config/config-loader.ts';
import type { SluiceHookManager } from '../hooks/sluice-manager.ts';
import { createDatasetTypeRegistry } from '../io/builtin-datasets.ts';
import { DataCatalog } from '../io/catalog.ts';
import { isPromiseLike, settle } from '../maybe-promise.ts';
import { loadedSecrets, projectRedactor } from '../secrets/loaded-secrets.ts';
import { Redactor } from '../secrets/redactor.ts';
import type { ProjectContext } from '../run-types/project-context.ts';
import { SluiceError } from '../errors.ts';
import { ANNOUNCED_HOOKS, SLUICE_HOOK_SPECS } from '../hooks/specs.ts';
import type { ProjectSettings } from './settings.ts';

/** What building a project's catalog needs: the same in the main process and in every worker. */
export interface BuildCatalogOptions {
  readonly settings: ProjectSettings;
  readonly hooks: SluiceHookManager;
  readonly env: string;
  readonly confSource: string;
  readonly runtimeParams: Readonly<Record<string, unknown>>;
  readonly saveVersion: string;
  readonly loadVersions: Readonly<Record<string, string>>;
  readonly runId: string;
  readonly pipelineName: string;
  /** How `context.post` reaches the main process. Default: this is the main process. */
  readonly post?: (topic: string, message: unknown) => void;
  /** The run's cancellation, as `context.signal`. Default: a signal that never aborts. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Loads the configuration, fires `afterContextCreated`, builds the catalog (the project's own
 * dataset types included) and fires `afterCatalogCreated`. Every process that builds a catalog
 * fires both, so a plugin that rewrites the catalog there (a path rewrite, branch data) applies
 * to the datasets of workers too.
 */
export async function buildCatalog(
  options: BuildCatalogOptions,
): Promise<{ context: ProjectContext; catalog: DataCatalog }> {
  const { settings, hooks, saveVersion, loadVersions } = options;
  const config = new ConfigLoader({
    projectPath: settings.projectPath,
    confSource: options.confSource,
    env: options.env,
    runtimeParams: options.runtimeParams,
    ...(settings.config.configPatterns === undefined
      ? {}
      : { configPatterns: settings.config.configPatterns }),
  });
  const params = config.get('parameters');
  // Built on first use: a plugin may redact in afterContextCreated, before the catalog loads the
  // credentials. A credentials file that fails to load is reported by the catalog build below.
  let redactor: Redactor | undefined;
  const secrets = (): Redactor => {
    try {
      return (redactor ??= projectRedactor(config));
    } catch {
      return Redactor.none;
    }
  };
  const context: ProjectContext = {
    projectPath: settings.projectPath,
    env: options.env,
    confSource: options.confSource,
    config,
    params,
    runtimeParams: options.runtimeParams,
    runId: options.runId,
    pipelineName: options.pipelineName,
    post: options.post ?? ((topic, message) => deliverRunMessage(hooks, topic, message)),
    announce: (hookName, args) => {
      checkAnnounceable(hooks, hookName);
      if (options.post === undefined) return deliverAnnouncement(hooks, hookName, args);
      options.post(ANNOUNCE_TOPIC, { hookName, args });
      return undefined;
    },
    signal: options.signal ?? new AbortController().signal,
    redact: (text) => secrets().redact(text),
    get redactor() {
      return secrets();
    },
  };
  await settle(hooks.hook.afterContextCreated.call({ context }));
  const registry = createDatasetTypeRegistry();
  for (const [type, factory] of Object.entries(settings.config.datasetTypes ?? {}))
    registry.register(type, factory);
  const confCatalog = config.get('catalog');
  const confCreds = config.get('credentials');
  const catalog = await DataCatalog.fromConfig({
    catalogConfig: confCatalog,
    credentials: confCreds,
    parameters: params,
    projectPath: settings.projectPath,
    registry,
    saveVersion,
    loadVersions,
    locate: (key, path) => config.locate(key, path),
    redactor: secrets(),
  });
  await settle(
    hooks.hook.afterCatalogCreated.call({
      catalog,
      confCatalog,
      confCreds,
      parameters: params,
      saveVersion,
      loadVersions,
    }),
  );
  return { context, catalog };
}

/** The run-message topic that carries `context.announce` calls from a worker to the main process. */
const ANNOUNCE_TOPIC = 'sluice:announce';

/**
 * Delivers a posted message to `onRunMessage` in this (the main) process (an announced hook to
 * its hook). A receiver that fails is reported, not thrown: posting is how workers report, and
 * must not fail their node.
 */
export function deliverRunMessage(
  hooks: SluiceHookManager,
  topic: string,
  message: unknown,
): Promise<void> | void {
  if (topic === ANNOUNCE_TOPIC) {
    const { hookName, args } = message as { hookName: string; args: Readonly<Record<string, unknown>> };
    return deliverAnnouncement(hooks, hookName, args);
  }
  return deliverSafely(`run message "${topic}"`, () => hooks.hook.onRunMessage.call({ topic, message }));
}

/** Refuses, in the announcing process, a hook that Sluice fires itself or that no spec declares. */
function checkAnnounceable(hooks: SluiceHookManager, hookName: string): void {
  const announced: readonly string[] = ANNOUNCED_HOOKS;
  const lifecycle = SLUICE_HOOK_SPECS.some((spec) => spec.name === hookName);
  const declared = hooks.specs().some((spec) => spec.name === hookName);
  if (announced.includes(hookName) || (declared && !lifecycle)) return;
  throw new SluiceError(
    lifecycle
      ? `"${hookName}" is fired by Sluice itself; a plugin can't announce it.`
      : `No hook spec "${hookName}" is declared, so it can't be announced.`,
    {
      hint: `Announce ${ANNOUNCED_HOOKS.join(', ')} or a spec your plugin added with hooks.addSpecs(...).`,
    },
  );
}

function deliverAnnouncement(
  hooks: SluiceHookManager,
  hookName: string,
  args: Readonly<Record<string, unknown>>,
): Promise<void> | void {
  const caller = (hooks.hook as unknown as Record<string, { call(args: unknown): unknown }>)[hookName];
  if (caller === undefined) return undefined;
  return deliverSafely(`hook "${hookName}"`, () => caller.call(args));
}

function deliverSafely(what: string, deliver: () => unknown): Promise<void> | void {
  const report = (error: unknown) =>
    void process.stderr.write(
      loadedSecrets().redact(
        `sluice: a plugin failed on ${what}: ${(error as Error)?.message ?? String(error)}\n`,
      ),
    );
  try {
    const result = deliver();
    if (isPromiseLike(result)) return Promise.resolve(result).then(() => undefined, report);
  } catch (error) {
    report(error);
  }
  return undefined;
}
