/**
 * `conf/<env>/hooks.yml`: step hooks and retries attached to nodes without touching code.
 *
 * ```yaml
 * nodes:
 *   train_model: { on_failure: ./src/alerts.ts#pageOnCall, retries: { max: 2, delay_ms: 500, backoff: exponential } }
 * tags:
 *   critical: { on_failure: [sluice#alertOnFailure] }
 * pipeline: { on_success: ./src/hooks.ts#logSuccess }
 * ```
 */
import type { ConfigLoader, ConfigLocation, RetryPolicy } from '../../plugin-api/index.ts';
import { describeValue, didYouMean, isMapping } from '../../plugin-api/index.ts';
import { StepHookConfigError } from './errors.ts';
import type { ConfiguredHook, ReferenceResolver } from './references.ts';

/** The configuration key (and file name) the plugin reads. */
export const HOOKS_CONFIG_KEY = 'hooks';

/** The three step hooks, by their option names. */
export const STEP_HOOK_KINDS = ['onSuccess', 'onFailure', 'onRetry'] as const;
export type StepHookKind = (typeof STEP_HOOK_KINDS)[number];

/** hooks.yml's key for each step hook. */
export const YAML_HOOK_KEYS: Readonly<Record<string, StepHookKind>> = {
  on_success: 'onSuccess',
  on_failure: 'onFailure',
  on_retry: 'onRetry',
};
const ENTRY_KEYS = [...Object.keys(YAML_HOOK_KEYS), 'retries'];
const SECTIONS = ['nodes', 'tags', 'pipeline'];
const RETRY_KEYS = ['max', 'delay_ms', 'backoff', 'jitter'];

/** What one entry (a node, a tag, or the pipeline) sets. A kind absent from `hooks` isn't set. */
export interface HooksEntry {
  readonly hooks: Readonly<Partial<Record<StepHookKind, readonly ConfiguredHook[]>>>;
  readonly retries: RetryPolicy | undefined;
  /** The entry's path in the configuration, for `locate`. */
  readonly path: readonly string[];
}

/** The whole of hooks.yml, checked and with every reference imported. */
export interface HooksConfig {
  readonly nodes: ReadonlyMap<string, HooksEntry>;
  /** In file order: for retries, the first matching tag wins. */
  readonly tags: ReadonlyMap<string, HooksEntry>;
  readonly pipeline: HooksEntry | undefined;
}

export const EMPTY_HOOKS_CONFIG: HooksConfig = { nodes: new Map(), tags: new Map(), pipeline: undefined };

/** Reads and checks hooks.yml; every error names the file and line of the offending value. */
export async function loadHooksConfig(
  config: ConfigLoader,
  resolver: ReferenceResolver,
): Promise<HooksConfig> {
  if (!config.keys().includes(HOOKS_CONFIG_KEY)) return EMPTY_HOOKS_CONFIG;
  const raw = config.get(HOOKS_CONFIG_KEY);
  if (Object.keys(raw).length === 0) return EMPTY_HOOKS_CONFIG;
  const locate = (path: readonly string[]) => config.locate(HOOKS_CONFIG_KEY, path);
  const reader = new EntryReader(locate, resolver);

  for (const key of Object.keys(raw)) {
    if (!SECTIONS.includes(key)) {
      throw new StepHookConfigError(
        `Unknown section "${key}" in the hooks configuration.${didYouMean(key, SECTIONS)}`,
        {
          location: locate([key]),
          hint: 'The sections are nodes (by full node name), tags and pipeline.',
        },
      );
    }
  }
  const named = async (section: 'nodes' | 'tags'): Promise<Map<string, HooksEntry>> => {
    const entries = new Map<string, HooksEntry>();
    const value = raw[section];
    if (value === undefined || value === null) return entries;
    if (!isMapping(value)) {
      throw new StepHookConfigError(
        `"${section}" must map ${section === 'nodes' ? 'node names' : 'tags'} to hook settings.`,
        {
          location: locate([section]),
          hint: `e.g. ${section}:\n  ${section === 'nodes' ? 'train_model' : 'critical'}: { on_failure: ./src/hooks.ts#alert }`,
        },
      );
    }
    for (const [name, entry] of Object.entries(value))
      entries.set(name, await reader.read(entry, [section, name]));
    return entries;
  };
  const nodes = await named('nodes');
  const tags = await named('tags');
  const pipeline =
    raw.pipeline === undefined || raw.pipeline === null
      ? undefined
      : await reader.read(raw.pipeline, ['pipeline']);
  return { nodes, tags, pipeline };
}

class EntryReader {
  readonly #locate: (path: readonly string[]) => ConfigLocation | undefined;
  readonly #resolver: ReferenceResolver;

  constructor(locate: (path: readonly string[]) => ConfigLocation | undefined, resolver: ReferenceResolver) {
    this.#locate = locate;
    this.#resolver = resolver;
  }

  async read(value: unknown, path: readonly string[]): Promise<HooksEntry> {
    if (!isMapping(value)) {
      throw this.#error(
        path,
        `must be a mapping of on_success, on_failure, on_retry and retries, not ${describeValue(value, { wording: 'config' })}.`,
      );
    }
    const hooks: Partial<Record<StepHookKind, readonly ConfiguredHook[]>> = {};
    let retries: RetryPolicy | undefined;
    for (const [key, setting] of Object.entries(value)) {
      const kind = YAML_HOOK_KEYS[key];
      if (kind !== undefined) hooks[kind] = await this.#hooks(setting, [...path, key]);
      else if (key === 'retries') retries = this.#retries(setting, [...path, key]);
      else
        throw this.#error(
          [...path, key],
          `"${key}" is not a hook setting.${didYouMean(key, ENTRY_KEYS)}`,
          `Use ${ENTRY_KEYS.join(', ')}.`,
        );
    }
    return { hooks, retries, path };
  }

  /** One reference or a list of them; `null` or `[]` sets "no hooks", overriding lower levels. */
  async #hooks(setting: unknown, path: readonly string[]): Promise<ConfiguredHook[]> {
    if (setting === null) return [];
    const list = Array.isArray(setting) ? setting : [setting];
    const hooks: ConfiguredHook[] = [];
    for (let index = 0; index < list.length; index++) {
      const reference: unknown = list[index];
      const at = Array.isArray(setting) ? [...path, String(index)] : path;
      if (typeof reference !== 'string') {
        throw this.#error(
          at,
          `a step hook is written as "module#export", not ${describeValue(reference, { wording: 'config' })}.`,
          'e.g. ./src/hooks.ts#onFailure or sluice#alertOnFailure',
        );
      }
      hooks.push(await this.#resolver.resolve(reference, { location: this.#locate(at) }));
    }
    return hooks;
  }

  /** `retries: 3` or `{ max, delay_ms, backoff, jitter }`, checked like RetryPolicy. */
  #retries(setting: unknown, path: readonly string[]): RetryPolicy {
    const hint = 'e.g. retries: { max: 2, delay_ms: 500, backoff: exponential, jitter: 0.2 }';
    if (typeof setting === 'number') setting = { max: setting };
    if (!isMapping(setting))
      throw this.#error(
        path,
        `must be a number of retries or a mapping, not ${describeValue(setting, { wording: 'config' })}.`,
        hint,
      );
    for (const key of Object.keys(setting)) {
      if (!RETRY_KEYS.includes(key))
        throw this.#error(
          [...path, key],
          `"${key}" is not a retry option.${didYouMean(key, RETRY_KEYS)}`,
          `Use ${RETRY_KEYS.join(', ')}.`,
        );
    }
    const { max, delay_ms: delayMs, backoff, jitter } = setting;
    if (max === undefined)
      throw this.#error(path, 'needs "max", the number of retries after the first attempt.', hint);
    if (!Number.isInteger(max) || (max as number) < 0) {
      throw this.#error(
        [...path, 'max'],
        `"max" must be a whole number of at least 0, not ${JSON.stringify(max)}.`,
        hint,
      );
    }
    if (delayMs !== undefined && (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0)) {
      throw this.#error(
        [...path, 'delay_ms'],
        `"delay_ms" must be a number of milliseconds of at least 0, not ${JSON.stringify(delayMs)}.`,
        hint,
      );
    }
    if (backoff !== undefined && backoff !== 'fixed' && backoff !== 'exponential') {
      throw this.#error(
        [...path, 'backoff'],
        `"backoff" must be fixed or exponential, not ${JSON.stringify(backoff)}.${didYouMean(String(backoff), ['fixed', 'exponential'])}`,
        hint,
      );
    }
    if (
      jitter !== undefined &&
      typeof jitter !== 'boolean' &&
      (typeof jitter !== 'number' || !(jitter > 0 && jitter <= 1))
    ) {
      throw this.#error(
        [...path, 'jitter'],
        `"jitter" must be true, false or a fraction in (0, 1], not ${JSON.stringify(jitter)}.`,
        hint,
      );
    }
    return {
      max: max as number,
      ...(delayMs === undefined ? {} : { delayMs: delayMs as number }),
      ...(backoff === undefined ? {} : { backoff: backoff as 'fixed' | 'exponential' }),
      ...(jitter === undefined ? {} : { jitter: jitter as boolean | number }),
    };
  }

  #error(path: readonly string[], problem: string, hint?: string): StepHookConfigError {
    const subject =
      path.length > 1
        ? `${path.slice(0, 2).join('.')}${path.length > 2 ? ` (${path.slice(2).join('.')})` : ''}`
        : path[0];
    return new StepHookConfigError(`In the hooks configuration, ${subject}: ${problem}`, {
      location: this.#locate(path),
      ...(hint === undefined ? {} : { hint }),
    });
  }
}
