import type { NodeSkip } from '../hooks/specs.ts';
import type { DataCatalog } from '../io/catalog.ts';
import type { Node } from '../pipeline/node.ts';
import { NodeSkipError, PluginHookError } from './errors.ts';

/**
 * The outputs a `nodeSkip` result serves, checked: a record of the node's own outputs that holds
 * every in-memory output, since nothing else would produce those for the nodes downstream. A
 * result that breaks the rule is the plugin's mistake and stops the run (`PluginHookError`).
 */
export function servedOutputs(
  node: Node,
  skip: NodeSkip,
  catalog: DataCatalog,
): Readonly<Record<string, unknown>> {
  const refuse = (message: string, hint: string) =>
    new PluginHookError({
      pluginName: undefined,
      hookName: 'nodeSkip',
      nodeName: node.name,
      cause: new NodeSkipError(message, { hint }),
    });
  if (typeof skip !== 'object' || typeof skip.reason !== 'string' || skip.reason === '') {
    throw refuse(
      `nodeSkip returned ${JSON.stringify(skip)} for node "${node.name}"; it must return { reason, outputs? } or nothing.`,
      'Return { reason: "up to date" } to skip the node, or nothing to let it run.',
    );
  }
  const served = skip.outputs ?? {};
  if (typeof served !== 'object' || served === null || Array.isArray(served)) {
    throw refuse(
      `nodeSkip served ${Array.isArray(served) ? 'an array' : typeof served} as the outputs of node "${node.name}"; it must be a record of output name → value.`,
      `Serve { "<output name>": value } for the outputs of "${node.name}" (${node.outputs.join(', ') || 'none'}).`,
    );
  }
  for (const name of Object.keys(served)) {
    if (!node.outputs.includes(name))
      throw refuse(
        `nodeSkip served "${name}", which is not an output of node "${node.name}" (outputs: ${node.outputs.join(', ') || 'none'}).`,
        'Serve only the outputs the node declares.',
      );
  }
  for (const name of node.outputs) {
    if (catalog.isEphemeral(name) && !Object.hasOwn(served, name))
      throw refuse(
        `nodeSkip skipped node "${node.name}" without serving its in-memory output "${name}": the nodes that read it would find nothing.`,
        `Serve "${name}" in the result's outputs, or let "${node.name}" run (return nothing).`,
      );
  }
  return served;
}
