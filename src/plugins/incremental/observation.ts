import { createHash } from 'node:crypto';
import type { DataCatalog, Node } from '../../plugin-api/index.ts';
import { isParameterName, PARAMETERS_DATASET, PARAMS_PREFIX } from '../../plugin-api/index.ts';
import type { FunctionSources } from './function-sources.ts';

/**
 * What decides whether a node's last result still holds, seen now, without loading data: the
 * hash of its code and wiring, each input's fingerprint (undefined: unknown, so changed), and
 * each parameter it reads, leaf by leaf, so that a change can be named (`model_options.test_size`).
 */
export interface Observation {
  readonly code: string;
  readonly inputs: Readonly<Record<string, string | null>>;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Observes `node` against `catalog`: one fingerprint per input, parameters hashed leaf by leaf.
 * `sources`, when given, adds the modules behind the node's function to its code hash.
 */
export async function observe(
  node: Node,
  catalog: DataCatalog,
  sources?: FunctionSources,
): Promise<Observation> {
  const inputs: Record<string, string | null> = {};
  const params: Record<string, string> = {};
  for (const name of node.inputs) {
    if (isParameterName(name)) {
      const prefix = name === PARAMETERS_DATASET ? '' : name.slice(PARAMS_PREFIX.length);
      flattenInto(params, prefix, await catalog.load(name));
    } else {
      inputs[name] = await fingerprintOrNull(catalog, name);
    }
  }
  const modules = sources === undefined ? '' : ((await sources.hash(node.func)) ?? 'unknown');
  return { code: codeHash(node, modules), inputs, params };
}

/** A fingerprint that can't be taken (a file that can't be read) is unknown: the node runs and fails or not on its own. */
async function fingerprintOrNull(catalog: DataCatalog, name: string): Promise<string | null> {
  try {
    return (await catalog.fingerprint(name)) ?? null;
  } catch {
    return null;
  }
}

/**
 * The node's function source and its wiring, plus `modules` (the hash of the modules it comes
 * from, with `followImports`); without it, helpers the function calls are not seen.
 */
export function codeHash(node: Node, modules = ''): string {
  return createHash('sha256')
    .update(node.func.toString())
    .update('\0')
    .update(modules)
    .update('\0')
    .update(JSON.stringify([node.inputs, node.outputs]))
    .digest('hex');
}

/** `{ a: { b: 1 } }` under `p` → `{ "p.a.b": hash(1) }`; arrays and scalars are leaves. */
function flattenInto(leaves: Record<string, string>, path: string, value: unknown): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > 0) {
      for (const [key, inner] of entries) flattenInto(leaves, path === '' ? key : `${path}.${key}`, inner);
      return;
    }
  }
  leaves[path] = createHash('sha256')
    .update(JSON.stringify(value) ?? 'undefined')
    .digest('hex');
}
