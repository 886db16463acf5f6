/**
 * Checks that every node and tag hooks.yml names exists, before any node runs. A name missing from
 * the run's (filtered) pipeline may still belong to the registered pipelines (hooks.yml serves
 * every pipeline of the project), so those are consulted, lazily, before calling a name unknown.
 */
import type { ConfigLoader, Pipeline, RegisteredPipelines } from '../../plugin-api/index.ts';
import { nearest } from '../../plugin-api/index.ts';
import { StepHookConfigError } from './errors.ts';
import type { HooksConfig } from './hooks-config.ts';
import { HOOKS_CONFIG_KEY } from './hooks-config.ts';

export async function checkHookTargets(
  config: HooksConfig,
  pipeline: Pipeline,
  registeredPipelines: RegisteredPipelines,
  loader: ConfigLoader | undefined,
): Promise<void> {
  const nodeNames = new Set(pipeline.nodes.map((node) => node.name));
  const tags = new Set(pipeline.nodes.flatMap((node) => [...node.tags]));
  let unknownNodes = [...config.nodes.keys()].filter((name) => !nodeNames.has(name));
  let unknownTags = [...config.tags.keys()].filter((tag) => !tags.has(tag));
  if (unknownNodes.length === 0 && unknownTags.length === 0) return;

  for (const name of registeredPipelines.names) {
    const registered = await registeredPipelines.get(name);
    for (const node of registered.nodes) {
      nodeNames.add(node.name);
      for (const tag of node.tags) tags.add(tag);
    }
    unknownNodes = unknownNodes.filter((name) => !nodeNames.has(name));
    unknownTags = unknownTags.filter((tag) => !tags.has(tag));
    if (unknownNodes.length === 0 && unknownTags.length === 0) return;
  }

  const locate = (path: string[]) => loader?.locate(HOOKS_CONFIG_KEY, path);
  if (unknownNodes.length > 0) {
    const name = unknownNodes[0]!;
    const match = nearest(name, nodeNames);
    throw new StepHookConfigError(
      `The hooks configuration names node "${name}", which no registered pipeline has.${match === undefined ? '' : ` Did you mean "${match}"?`}`,
      {
        ...optionalLocation(locate(['nodes', name])),
        hint: 'Use full node names (namespace.name), as `sluice pipeline describe` shows them.',
      },
    );
  }
  const tag = unknownTags[0]!;
  const match = nearest(tag, tags);
  throw new StepHookConfigError(
    `The hooks configuration names tag "${tag}", which no node has.${match === undefined ? '' : ` Did you mean "${match}"?`}`,
    {
      ...optionalLocation(locate(['tags', tag])),
      hint: `Tags in use: ${[...tags].sort().join(', ') || 'none'}.`,
    },
  );
}

function optionalLocation<T>(location: T | undefined): { location?: T } {
  return location === undefined ? {} : { location };
}
