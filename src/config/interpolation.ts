import type { ConfigLocation } from '../config-location.ts';
import { didYouMean } from '../suggest.ts';
import type { ConfigMapNode, ConfigTree } from './config-tree.ts';
import { leafPaths, locatePath, treeFromPlain, treeToPlain } from './config-tree.ts';
import { isPlainObject } from '../values.ts';
import { InterpolationError } from './errors.ts';
import { CONFIG_LIMITS } from './limits.ts';
import { parseScalar } from './runtime-params.ts';

/** The resolvers `${name:...}` understands. */
export const RESOLVERS = ['globals', 'runtime_params', 'env'] as const;

/** What an interpolation can see while one configuration key (catalog, parameters, ...) is resolved. */
export interface InterpolationScope {
  /** The configuration key being resolved, for messages and the `env:` rule. */
  configKey: string;
  /** The merged, not yet resolved tree of that key: `${a.b}` refers into it. */
  root: ConfigMapNode;
  /** The resolved globals, or undefined while the globals themselves are resolved. */
  globals: (() => ConfigMapNode) | undefined;
  /** Nested runtime parameters (`--params`). */
  runtimeParams: Readonly<Record<string, unknown>>;
  /** Environment variables, readable only when `allowEnv` is set. */
  environ: Readonly<Record<string, string | undefined>>;
  /** `${env:...}` is allowed only in credentials, so that secrets stay out of the catalog and parameters. */
  allowEnv: boolean;
  /** `${runtime_params:...}` is not allowed in globals (as in Kedro): globals are read before any run. */
  allowRuntimeParams: boolean;
}

/**
 * Resolves every `${...}` in `scope.root`:
 * - `${globals:key}` / `${globals:key, default}`: a dotted key of the merged globals.
 * - `${runtime_params:key, default}`: a dotted key of the `--params` given to the run.
 * - `${env:VAR}` / `${env:VAR, default}`: an environment variable, in credentials only.
 * - `${a.b}`: another value of the same configuration (`${_base_path}/x.csv` in a catalog).
 * A string that is exactly one interpolation takes the value's type (a number stays a number, a
 * mapping stays a mapping); interpolations inside a longer string are turned into text. `\${`
 * writes a literal `${`. Defaults are read as YAML scalars.
 */
export function resolveInterpolations(scope: InterpolationScope): ConfigMapNode {
  const resolved = new Interpolator(scope).resolve(scope.root);
  return resolved as ConfigMapNode;
}

type TemplatePart = { literal: string } | { expression: string };

class Interpolator {
  readonly #scope: InterpolationScope;
  readonly #done = new Map<ConfigTree, ConfigTree>();
  readonly #inProgress = new Set<ConfigTree>();

  constructor(scope: InterpolationScope) {
    this.#scope = scope;
  }

  resolve(node: ConfigTree): ConfigTree {
    const done = this.#done.get(node);
    if (done !== undefined) return done;
    if (this.#inProgress.has(node)) {
      throw new InterpolationError(
        'this value refers back to itself through interpolations, so it can never be resolved.',
        {
          location: node.at,
          hint: 'Break the cycle: one of the values must be written out.',
        },
      );
    }
    this.#inProgress.add(node);
    try {
      const result = this.#resolveUncached(node);
      this.#done.set(node, result);
      return result;
    } finally {
      this.#inProgress.delete(node);
    }
  }

  #resolveUncached(node: ConfigTree): ConfigTree {
    switch (node.kind) {
      case 'map': {
        const entries = new Map(
          [...node.entries].map(([key, entry]) => [
            key,
            { keyAt: entry.keyAt, node: this.resolve(entry.node) },
          ]),
        );
        return { kind: 'map', at: node.at, entries };
      }
      case 'seq':
        return { kind: 'seq', at: node.at, items: node.items.map((item) => this.resolve(item)) };
      case 'scalar':
        if (typeof node.value !== 'string' || !node.value.includes('${')) return node;
        return this.#resolveText(node.value, node.at);
    }
  }

  #resolveText(text: string, at: ConfigLocation): ConfigTree {
    const parts = parseTemplate(text, at);
    const only = parts[0];
    if (parts.length === 1 && only !== undefined && 'expression' in only)
      return this.#evaluate(only.expression, at);
    let result = '';
    for (const part of parts) {
      result +=
        'literal' in part ? part.literal : stringify(this.#plain(this.#evaluate(part.expression, at), at));
      if (result.length > CONFIG_LIMITS.interpolatedTextLength) throw this.#tooLarge(at);
    }
    return { kind: 'scalar', at, value: result };
  }

  /** A value put inside a string: a mapping or list referring to others could be huge. */
  #plain(node: ConfigTree, at: ConfigLocation): unknown {
    return treeToPlain(node, {
      values: CONFIG_LIMITS.interpolatedTextLength,
      exceeded: () => this.#tooLarge(at),
    });
  }

  #tooLarge(at: ConfigLocation): InterpolationError {
    return new InterpolationError(
      `the \${...} references in this string build a text of more than ${CONFIG_LIMITS.interpolatedTextLength.toLocaleString('en-US')} characters.`,
      {
        location: at,
        hint: 'Strings that interpolate strings that interpolate others multiply in length: write the value out, or refer to fewer levels.',
      },
    );
  }

  #evaluate(rawExpression: string, at: ConfigLocation): ConfigTree {
    // Nested interpolations (`${globals:${runtime_params:which}}`) resolve first, as text.
    const expression = rawExpression.includes('${')
      ? stringify(this.#plain(this.#resolveText(rawExpression, at), at))
      : rawExpression;
    // Messages quote the expression as written: a nested result could be a secret read from the environment.
    const written = `\${${rawExpression}}`;
    const call = /^\s*([A-Za-z_][\w.-]*)\s*:([\s\S]*)$/.exec(expression);
    if (call === null) return this.#selfReference(expression.trim(), written, at);

    const resolver = call[1]!;
    const argumentText = call[2]!;
    const comma = argumentText.indexOf(',');
    const key = (comma === -1 ? argumentText : argumentText.slice(0, comma)).trim();
    const fallback = comma === -1 ? undefined : { value: parseScalar(argumentText.slice(comma + 1).trim()) };
    if (key === '') {
      throw new InterpolationError(`${written} names no key.`, {
        location: at,
        hint: `Write \${${resolver}:some.key}.`,
      });
    }

    switch (resolver) {
      case 'globals':
        return this.#globals(key, fallback, written, at);
      case 'runtime_params':
        return this.#runtimeParam(key, fallback, written, at);
      case 'env':
        return this.#environmentVariable(key, fallback, written, at);
      default:
        throw new InterpolationError(
          `${written} uses the unknown resolver "${resolver}".${didYouMean(resolver, RESOLVERS)}`,
          {
            location: at,
            hint:
              resolver === 'oc.env'
                ? 'Sluice spells it ${env:VAR}, and allows it only in credentials files.'
                : `Known resolvers: ${RESOLVERS.join(', ')}; \${a.b} refers to another key of the same file set.`,
          },
        );
    }
  }

  #selfReference(path: string, written: string, at: ConfigLocation): ConfigTree {
    if (!/^[\w.-]+$/.test(path)) {
      throw new InterpolationError(`${written} is not a valid interpolation.`, {
        location: at,
        hint: 'Use ${globals:key}, ${runtime_params:key}, ${env:VAR} (credentials only) or ${some.key}; write \\${ for a literal "${".',
      });
    }
    const found = locatePath(this.#scope.root, path.split('.'));
    if (!found.complete) {
      const known = leafPaths(this.#scope.root).map((leaf) => leaf.path.join('.'));
      throw new InterpolationError(
        `${written} refers to "${path}", which the ${this.#scope.configKey} configuration doesn't have.${didYouMean(path, known)}`,
        {
          location: at,
          hint: `Declare "${path}" in a ${this.#scope.configKey} file, or use \${globals:${path}} for a value kept in globals.yml.`,
        },
      );
    }
    return this.resolve(found.node);
  }

  #globals(
    key: string,
    fallback: { value: unknown } | undefined,
    written: string,
    at: ConfigLocation,
  ): ConfigTree {
    if (key.startsWith('_')) {
      throw new InterpolationError(
        `${written}: keys starting with "_" are private to their file and can't be read through globals.`,
        {
          location: at,
          hint: 'Rename the global without the leading underscore.',
        },
      );
    }
    // Inside globals files, `${globals:x}` reads the globals being resolved.
    const globals = this.#scope.globals === undefined ? this.#scope.root : this.#scope.globals();
    const found = locatePath(globals, key.split('.'));
    if (found.complete) return this.#scope.globals === undefined ? this.resolve(found.node) : found.node;
    if (fallback !== undefined) return treeFromPlain(fallback.value, at);
    const known = leafPaths(globals).map((leaf) => leaf.path.join('.'));
    throw new InterpolationError(
      `${written} can't be resolved: the globals have no key "${key}".${didYouMean(key, known)}`,
      {
        location: at,
        hint: `Add "${key}" to conf/base/globals.yml (or the run environment's), or give a default: \${globals:${key}, <default>}.`,
      },
    );
  }

  #runtimeParam(
    key: string,
    fallback: { value: unknown } | undefined,
    written: string,
    at: ConfigLocation,
  ): ConfigTree {
    if (!this.#scope.allowRuntimeParams) {
      throw new InterpolationError(`${written}: runtime parameters can't be used in globals.`, {
        location: at,
        hint: 'Use ${runtime_params:...} in the catalog or parameters instead, with a ${globals:...} default if you like.',
      });
    }
    let value: unknown = this.#scope.runtimeParams;
    for (const segment of key.split('.')) {
      value = isPlainObject(value) && Object.hasOwn(value, segment) ? value[segment] : undefined;
      if (value === undefined) break;
    }
    if (value !== undefined) return treeFromPlain(value, at);
    if (fallback !== undefined) return treeFromPlain(fallback.value, at);
    throw new InterpolationError(
      `${written} can't be resolved: no runtime parameter "${key}" was given and there is no default.`,
      {
        location: at,
        hint: `Pass --params "${key}=<value>", or give a default: \${runtime_params:${key}, <default>}.`,
      },
    );
  }

  #environmentVariable(
    name: string,
    fallback: { value: unknown } | undefined,
    written: string,
    at: ConfigLocation,
  ): ConfigTree {
    if (!this.#scope.allowEnv) {
      throw new InterpolationError(
        `${written}: environment variables can only be read in credentials files, not in ${this.#scope.configKey}.`,
        {
          location: at,
          hint: 'Move the value to conf/local/credentials.yml (for example "my_creds: {password: ${env:DB_PASSWORD}}") and reference it by name, e.g. "credentials: my_creds".',
        },
      );
    }
    const value = this.#scope.environ[name];
    if (value !== undefined) return { kind: 'scalar', at, value };
    if (fallback !== undefined) return treeFromPlain(fallback.value, at);
    throw new InterpolationError(
      `${written} can't be resolved: the environment variable "${name}" is not set and there is no default.`,
      {
        location: at,
        hint: `Set ${name} in the environment of the run, or give a default: \${env:${name}, <default>}.`,
      },
    );
  }
}

function parseTemplate(text: string, at: ConfigLocation): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let index = 0;
  while (index < text.length) {
    if (text.startsWith('\\${', index)) {
      literal += '${';
      index += 3;
      continue;
    }
    if (!text.startsWith('${', index)) {
      literal += text[index];
      index++;
      continue;
    }
    const end = closingBrace(text, index + 2);
    if (end === -1) {
      throw new InterpolationError(
        `"${text.slice(index)}" opens an interpolation with "\${" but never closes it with "}".`,
        {
          location: at,
          hint: 'Add the closing "}", or write \\${ for a literal "${".',
        },
      );
    }
    if (literal !== '') parts.push({ literal });
    literal = '';
    parts.push({ expression: text.slice(index + 2, end) });
    index = end + 1;
  }
  if (literal !== '') parts.push({ literal });
  return parts;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let index = from; index < text.length; index++) {
    if (text.startsWith('${', index)) {
      depth++;
      index++;
    } else if (text[index] === '}') {
      depth--;
      if (depth === 0) return index;
    }
  }
  return -1;
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
