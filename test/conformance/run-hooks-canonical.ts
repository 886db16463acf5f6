/**
 * The run-hooks conformance family's canonical comparison, shared by every runner's run of the
 * samples (this file: in-process; test/runner/distributed: on workers).
 */
import assert from 'node:assert/strict';

type Event = [string, string | null];
export interface RunAnswer {
  trace: Event[];
  hook_data: Record<string, unknown>[];
  node_order: string[];
  outputs: Record<string, unknown> | null;
  error: string | null;
}

/** Splits a trace into per-node blocks: each event with its payload, keyed by the node it belongs to. */
function blocks(answer: RunAnswer): { order: string[]; byNode: Map<string, unknown[]> } {
  const order: string[] = [];
  const byNode = new Map<string, unknown[]>();
  answer.trace.forEach(([hook, subject], index) => {
    if (hook.endsWith('pipeline_run') || hook === 'on_pipeline_error') return;
    const data = answer.hook_data[index]!;
    const owner = hook.includes('dataset') ? (data.node as string) : subject!;
    if (!byNode.has(owner)) {
      byNode.set(owner, []);
      order.push(owner);
    }
    byNode.get(owner)!.push([hook, subject, data]);
  });
  return { order, byNode };
}

/**
 * The documented canonical check: pipeline hooks bracket the run, each node's block equals
 * Kedro's (a load failure may add on_node_error at the end), blocks respect dependencies, and
 * outputs and the error class match.
 */
export function assertCanonicallyEqual(
  got: RunAnswer,
  expected: RunAnswer,
  nodes: { name: string; namespace: string | null; inputs: string[]; outputs: string[] }[],
) {
  assert.equal(got.error, expected.error, 'error class');
  assert.deepEqual(got.outputs, expected.outputs, 'outputs');
  assert.deepEqual(got.trace[0], expected.trace[0], 'the run opens with the same pipeline hook');
  assert.deepEqual(got.trace.at(-1), expected.trace.at(-1), 'the run closes with the same pipeline hook');
  assert.deepEqual(got.hook_data.at(-1), expected.hook_data.at(-1), 'closing pipeline hook payload');
  const mine = blocks(got);
  const theirs = blocks(expected);
  assert.deepEqual(new Set(mine.order), new Set(theirs.order), 'the same nodes ran');
  for (const [nodeName, events] of theirs.byNode) {
    const own = mine.byNode.get(nodeName)!;
    const loadFailure =
      expected.error === 'DatasetError' && (events.at(-1) as Event)[0] === 'before_dataset_loaded';
    if (loadFailure && own.length === events.length + 1) {
      assert.equal(
        (own.at(-1) as Event)[0],
        'on_node_error',
        `${nodeName}: only on_node_error may be added after a load failure`,
      );
      assert.deepEqual(own.slice(0, -1), events, `${nodeName} block`);
    } else {
      assert.deepEqual(own, events, `${nodeName} block`);
    }
  }
  const fullName = (n: { name: string; namespace: string | null }) =>
    n.namespace ? `${n.namespace}.${n.name}` : n.name;
  const producer = new Map<string, string>();
  for (const n of nodes) for (const output of n.outputs) producer.set(output.split('@')[0]!, fullName(n));
  const position = new Map(mine.order.map((name, index) => [name, index]));
  for (const n of nodes) {
    for (const input of n.inputs) {
      const parent = producer.get(input.split('@')[0]!);
      if (parent === undefined || !position.has(fullName(n))) continue;
      assert.ok(position.get(parent)! < position.get(fullName(n))!, `${parent} runs before ${fullName(n)}`);
    }
  }
}
