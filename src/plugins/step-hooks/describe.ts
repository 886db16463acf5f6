/**
 * A node's step hooks in words, with where each was set: what the pipeline page's side panel shows.
 * Which setting wins is precedence.ts's decision (`settingsFor`, the same call a run makes); this
 * only names each winner and the place it comes from.
 */
import type { ConfigLocation, Node } from '../../plugin-api/index.ts';
import { formatLocation, stepHookLabel } from '../../plugin-api/index.ts';
import type { HooksConfig, HooksEntry, StepHookKind } from './hooks-config.ts';
import { STEP_HOOK_KINDS, YAML_HOOK_KEYS } from './hooks-config.ts';
import type { SettingSource } from './precedence.ts';
import { settingsFor } from './precedence.ts';

/** One step hook a node gets, and where it was set. */
export interface DescribedStepHook {
  /** The reference as written (`./src/alerts.ts#page`, `sluice#alertOnFailure`) or the function's name. */
  readonly hook: string;
  /** The level that set it: see precedence.ts. */
  readonly source: SettingSource;
  /** For hooks.yml: the entry that names it, `nodes.<full node name>`, `tags.<tag>` or `pipeline`. */
  readonly entry?: string | undefined;
  /** For hooks.yml: where the entry sets this kind (`on_failure:`), `conf/base/hooks.yml:6:5`, when known. */
  readonly location?: string | undefined;
}

/** Per kind, the hooks a run would call for the node; a kind that calls none is left out. */
export type DescribedStepHooks = Partial<Record<StepHookKind, readonly DescribedStepHook[]>>;

/**
 * The step hooks `node` gets from its options, its pipeline's defaults and `config` (hooks.yml),
 * in the order a run calls them. `locate` finds an entry's place in the configuration files.
 */
export function describeStepHooks(
  node: Node,
  config: HooksConfig,
  locate?: (path: readonly string[]) => ConfigLocation | undefined,
): DescribedStepHooks {
  const settings = settingsFor(node, config);
  const described: DescribedStepHooks = {};
  for (const kind of STEP_HOOK_KINDS) {
    const setting = settings.hooks[kind];
    if (setting === undefined) continue;
    const hooks: DescribedStepHook[] =
      'code' in setting
        ? setting.code.map((reference) => ({ hook: stepHookLabel(reference), source: setting.source }))
        : setting.hooks.map((hook) => {
            const entry = entryNaming(kind, hook.hook, setting.source, node, config);
            const key = Object.keys(YAML_HOOK_KEYS).find((name) => YAML_HOOK_KEYS[name] === kind)!;
            const location = entry === undefined ? undefined : locate?.([...entry.path, key]);
            return {
              hook: hook.label,
              source: setting.source,
              entry: entry?.path.join('.'),
              ...(location === undefined ? {} : { location: formatLocation(location) }),
            };
          });
    if (hooks.length > 0) described[kind] = hooks;
  }
  return described;
}

/**
 * The hooks.yml entry a winning hook comes from. The tag level joins the hooks of every tag the
 * node has, each hook once, from the first tag (in file order) that names it.
 */
function entryNaming(
  kind: StepHookKind,
  hook: unknown,
  source: SettingSource,
  node: Node,
  config: HooksConfig,
): HooksEntry | undefined {
  if (source === 'yaml-node') return config.nodes.get(node.name);
  if (source === 'yaml-pipeline') return config.pipeline;
  for (const [tag, entry] of config.tags)
    if (node.tags.has(tag) && entry.hooks[kind]?.some((candidate) => candidate.hook === hook)) return entry;
  return undefined;
}
