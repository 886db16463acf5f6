/**
 * Which step hooks and which retry policy a node gets, when code and hooks.yml both say something.
 *
 * For each setting (onSuccess, onFailure, onRetry, retries) separately, the first level that sets
 * it wins whole; lower levels are not merged in:
 *
 * 1. the node's own option, in code (`node(fn, ..., { onFailure })`);
 * 2. the node's entry in hooks.yml (`nodes: { <full name>: ... }`);
 * 3. the entries of the node's tags in hooks.yml: hooks of every matching tag together (in file
 *    order, each once); for retries, the first matching tag in file order;
 * 4. a pipeline default in code (`withNodeDefaults`, `pipeline(..., { nodeDefaults })`);
 * 5. the `pipeline` entry of hooks.yml.
 *
 * The rule behind it: the more specific level wins, and at the same level code wins over YAML.
 * An empty list (`on_failure: []`) is a setting too: it turns lower levels off for that node.
 */
import type { Node, NodeBehaviourName, RetryPolicy, StepHookReference } from '../../plugin-api/index.ts';
import type { HooksConfig, HooksEntry, StepHookKind } from './hooks-config.ts';
import { STEP_HOOK_KINDS } from './hooks-config.ts';
import type { ConfiguredHook } from './references.ts';

/** Where a winning setting came from, for `sluice info`-style explanations and tests. */
export type SettingSource = 'node' | 'yaml-node' | 'yaml-tag' | 'pipeline-default' | 'yaml-pipeline';

/** A code setting, before its string references are imported. */
export type CodeHooks = readonly StepHookReference<any>[];

/** The winner for one step hook kind: hooks from code (maybe references) or ready ones from YAML. */
export type HookSetting =
  | { readonly source: 'node' | 'pipeline-default'; readonly code: CodeHooks }
  | {
      readonly source: 'yaml-node' | 'yaml-tag' | 'yaml-pipeline';
      readonly hooks: readonly ConfiguredHook[];
    };

/** The winner for retries: `undefined` policy from code means "leave `node.options.retries` alone". */
export type RetrySetting =
  | { readonly source: 'node' | 'pipeline-default' }
  | { readonly source: 'yaml-node' | 'yaml-tag' | 'yaml-pipeline'; readonly policy: RetryPolicy };

export interface NodeSettings {
  readonly hooks: Readonly<Partial<Record<StepHookKind, HookSetting>>>;
  readonly retries: RetrySetting | undefined;
}

/** Applies the precedence above to one node. */
export function settingsFor(node: Node, config: HooksConfig): NodeSettings {
  const inherited: readonly NodeBehaviourName[] = node.options.inheritedBehaviour ?? [];
  const nodeEntry = config.nodes.get(node.name);
  const tagEntries: HooksEntry[] = [];
  if (node.tags.size > 0)
    for (const [tag, entry] of config.tags) if (node.tags.has(tag)) tagEntries.push(entry);

  const hooks: Partial<Record<StepHookKind, HookSetting>> = {};
  for (const kind of STEP_HOOK_KINDS) {
    const setting = hookSetting(kind, node, inherited, nodeEntry, tagEntries, config.pipeline);
    if (setting !== undefined) hooks[kind] = setting;
  }
  return { hooks, retries: retrySetting(node, inherited, nodeEntry, tagEntries, config.pipeline) };
}

function hookSetting(
  kind: StepHookKind,
  node: Node,
  inherited: readonly NodeBehaviourName[],
  nodeEntry: HooksEntry | undefined,
  tagEntries: readonly HooksEntry[],
  pipelineEntry: HooksEntry | undefined,
): HookSetting | undefined {
  const code = node.options[kind];
  const isInherited = inherited.includes(kind);
  if (code !== undefined && !isInherited) return { source: 'node', code: asList(code) };
  const fromNode = nodeEntry?.hooks[kind];
  if (fromNode !== undefined) return { source: 'yaml-node', hooks: fromNode };
  const fromTags = tagEntries.filter((entry) => entry.hooks[kind] !== undefined);
  if (fromTags.length > 0) {
    const seen = new Set<unknown>();
    const hooks: ConfiguredHook[] = [];
    for (const entry of fromTags) {
      for (const hook of entry.hooks[kind]!) {
        if (seen.has(hook.hook)) continue;
        seen.add(hook.hook);
        hooks.push(hook);
      }
    }
    return { source: 'yaml-tag', hooks };
  }
  if (code !== undefined) return { source: 'pipeline-default', code: asList(code) };
  const fromPipeline = pipelineEntry?.hooks[kind];
  if (fromPipeline !== undefined) return { source: 'yaml-pipeline', hooks: fromPipeline };
  return undefined;
}

function retrySetting(
  node: Node,
  inherited: readonly NodeBehaviourName[],
  nodeEntry: HooksEntry | undefined,
  tagEntries: readonly HooksEntry[],
  pipelineEntry: HooksEntry | undefined,
): RetrySetting | undefined {
  const code = node.options.retries;
  const isInherited = inherited.includes('retries');
  if (code !== undefined && !isInherited) return { source: 'node' };
  if (nodeEntry?.retries !== undefined) return { source: 'yaml-node', policy: nodeEntry.retries };
  const fromTag = tagEntries.find((entry) => entry.retries !== undefined)?.retries;
  if (fromTag !== undefined) return { source: 'yaml-tag', policy: fromTag };
  if (code !== undefined) return { source: 'pipeline-default' };
  if (pipelineEntry?.retries !== undefined) return { source: 'yaml-pipeline', policy: pipelineEntry.retries };
  return undefined;
}

function asList<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
