import type { SluicePlugin } from '../../plugin-api/index.ts';
import { definePlugin } from '../../plugin-api/index.ts';
import { firstLine } from './format.ts';

/** The failed-nodes plugin's name, as registered. */
export const FAILED_NODES_PLUGIN_NAME = 'sluice:failed-nodes';

/**
 * One line per failed node, `Node "shift" failed: <first line of the error>`, as it fails: what
 * `sluice run --progress off` still shows, so that an error message always comes with the node it
 * came from. A `process: 'main'` plugin, so it hears about nodes that fail in workers too.
 */
export function failedNodesPlugin(options: { stream?: NodeJS.WritableStream } = {}): SluicePlugin {
  const stream = options.stream ?? process.stderr;
  return definePlugin({
    name: FAILED_NODES_PLUGIN_NAME,
    process: 'main',
    onNodeError({ error, node }) {
      stream.write(`Node "${node.name}" failed: ${firstLine(error)}\n`);
    },
  });
}
