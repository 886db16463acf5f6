/**
 * A node: one function wired to datasets by name. Nodes are immutable; every change makes a copy.
 */
import { isPromiseLike } from '../maybe-promise.ts';
import { isPlainObject } from '../values.ts';
import { NodeDefinitionError, NodeInputError, NodeOutputError } from './errors.ts';
import type { NodeOptions } from './options.ts';
import { compareCodePoints } from './ordering.ts';
import { splitTranscoding } from './transcoding.ts';
import type { CheckArity, DatasetValues, DatasetWiring, NodeFunction } from './wiring.ts';
import { describeValue } from '../values.ts';

/** Any function a node can wrap; the wiring decides how it is called. */
export type AnyNodeFunction = (...args: any[]) => unknown;

/** What {@link Node.withChanges} can replace: the function, the wiring and any option. */
export interface NodeChanges extends NodeOptions {
  func?: AnyNodeFunction;
  inputs?: DatasetWiring;
  outputs?: DatasetWiring;
}

/** The three wiring shapes, plus "nothing". */
type Shape = 'none' | 'one' | 'list' | 'record';

interface ParsedWiring {
  shape: Shape;
  /** Dataset names in declared order (a private copy). */
  names: readonly string[];
  /** For a record, the keys in declared order (parallel to `names`). */
  keys: readonly string[];
  /** The wiring as declared (a private copy): kept for copies and for display. */
  declared: DatasetWiring;
}

const NAME_PATTERN = /^[\p{L}\p{N}_.-]+$/u;
const NO_NAMES: readonly string[] = Object.freeze([]);
/** Above this many names, membership checks use a Set instead of scanning an array. */
const SCAN_LIMIT = 16;

/**
 * A function wired to datasets. Build one with {@link node}; the runner calls it with
 * {@link Node.call}. Properties are plain fields, so reading them is free on hot paths.
 */
export class Node {
  /** The wrapped function. */
  readonly func: AnyNodeFunction;
  /** Full name: `namespace.shortName`, or `shortName` without namespace. Unique in a pipeline. */
  readonly name: string;
  /** The name without namespace: the `name` option, or one derived from function and wiring. */
  readonly shortName: string;
  /** The namespace (`a` or nested `a.b`), or `undefined`. */
  readonly namespace: string | undefined;
  /** Tags, iterated in code-point order. */
  readonly tags: ReadonlySet<string>;
  /** Input dataset names in declared order (record inputs: in the record's key order). */
  readonly inputs: readonly string[];
  /** Output dataset names in declared order. */
  readonly outputs: readonly string[];
  /**
   * Inputs with transcoding stripped (`ds@fmt` → `ds`), without repeats: the dependency view. The
   * very same array as `inputs` when no input is transcoded or repeated (graph building relies on it).
   */
  readonly baseInputs: readonly string[];
  /** Outputs with transcoding stripped, without repeats. */
  readonly baseOutputs: readonly string[];
  /** The inputs exactly as declared: a name, a list, a record or `undefined`. */
  readonly inputWiring: DatasetWiring;
  /** The outputs exactly as declared. */
  readonly outputWiring: DatasetWiring;
  /** Every option the node was built with, including ones later features read (step hooks, retries). */
  readonly options: Readonly<NodeOptions>;

  readonly #inputShape: Shape;
  readonly #inputKeys: readonly string[];
  readonly #distinctInputCount: number;
  readonly #outputShape: Shape;
  readonly #outputKeys: readonly string[];
  readonly #explicitName: boolean;
  #identityKey: string | undefined;

  /**
   * Prefer {@link node}, which also checks the wiring at compile time.
   *
   * @throws {@link NodeDefinitionError} when the definition is invalid (see {@link node}).
   */
  constructor(
    func: AnyNodeFunction,
    inputs: DatasetWiring,
    outputs: DatasetWiring,
    options: NodeOptions = {},
  ) {
    if (typeof func !== 'function') {
      throw definitionError(`the first argument must be a function, not ${describeValue(func)}.`);
    }
    const parsedInputs = parseWiring(inputs, 'inputs');
    const parsedOutputs = parseWiring(outputs, 'outputs');
    if (parsedInputs.shape === 'none' && parsedOutputs.shape === 'none') {
      throw definitionError("it must have some 'inputs' or 'outputs'.");
    }

    const namespace = options.namespace === null || options.namespace === '' ? undefined : options.namespace;
    const explicitName = options.name !== undefined && options.name !== '';
    if (explicitName) checkName(options.name!, 'name');
    const shortName = explicitName
      ? options.name!
      : `${func.name || 'anonymous'}([${parsedInputs.names.join(',')}]) -> [${parsedOutputs.names.join(',')}]`;

    this.func = func;
    this.shortName = shortName;
    this.namespace = namespace;
    this.name = namespace === undefined ? shortName : `${namespace}.${shortName}`;
    this.tags = parseTags(options.tags);
    this.inputs = parsedInputs.names;
    this.outputs = parsedOutputs.names;
    this.inputWiring = parsedInputs.declared;
    this.outputWiring = parsedOutputs.declared;
    // Tags may come as a one-shot iterable: keep the parsed list so that copies see the same tags.
    // (Object.assign, not spread or freeze: this runs once per node and those cost microseconds.)
    const ownOptions: NodeOptions = Object.assign({}, options);
    ownOptions.tags = this.tags.size === 0 ? NO_NAMES : [...this.tags];
    ownOptions.namespace = namespace;
    this.options = ownOptions;
    this.#inputShape = parsedInputs.shape;
    this.#inputKeys = parsedInputs.keys;
    this.#outputShape = parsedOutputs.shape;
    this.#outputKeys = parsedOutputs.keys;
    this.#explicitName = explicitName;
    this.#distinctInputCount = countDistinct(parsedInputs.names);

    this.baseInputs = distinctBases(parsedInputs.names);
    this.baseOutputs = distinctBases(parsedOutputs.names);
    this.#checkOutputsUnique();
    this.#checkInputsDifferFromOutputs();
    this.#checkArity();
  }

  /**
   * Runs the function: takes input values keyed by dataset name, calls the function with the
   * argument shape of the wiring, and returns output values keyed by dataset name.
   *
   * Synchronous functions give a synchronous result, with no promise and no microtask; a function
   * that returns a promise (or thenable) gives a promise. `await node.call(values)` works for both.
   *
   * @throws {@link NodeInputError} when `values` lacks a declared input or has an extra one.
   * @throws {@link NodeOutputError} when the return value doesn't fit the declared outputs.
   * Whatever the function throws is rethrown unchanged.
   */
  call(values: DatasetValues): DatasetValues | Promise<DatasetValues> {
    this.#checkInputValues(values);
    const returned = this.#invoke(values);
    if (isPromiseLike(returned))
      return Promise.resolve(returned).then((resolved) => this.mapOutputs(resolved));
    return this.mapOutputs(returned);
  }

  /**
   * Maps what the function returned onto the declared outputs: `{ datasetName: value }`. A node
   * without outputs gives an empty record and ignores the returned value.
   *
   * @throws {@link NodeOutputError} when the value doesn't fit: not an array of the declared length
   * for list outputs, not an object with exactly the declared keys for record outputs.
   */
  mapOutputs(returned: unknown): DatasetValues {
    const names = this.outputs;
    switch (this.#outputShape) {
      case 'none':
        return {};
      case 'one':
        return { [names[0]!]: returned };
      case 'list': {
        if (!Array.isArray(returned)) {
          throw new NodeOutputError(
            this.name,
            `${names.length} outputs are declared as a list, but the function returned ${describeValue(returned, { echo: false })}.`,
            `Return an array of ${names.length} values in the order [${names.join(', ')}].`,
          );
        }
        if (returned.length !== names.length) {
          throw new NodeOutputError(
            this.name,
            `the function returned ${returned.length} value(s), but ${names.length} outputs are declared.`,
            `Return an array of ${names.length} values in the order [${names.join(', ')}].`,
          );
        }
        const result: DatasetValues = {};
        for (let i = 0; i < names.length; i++) result[names[i]!] = returned[i];
        return result;
      }
      case 'record': {
        const keys = this.#outputKeys;
        if (typeof returned !== 'object' || returned === null || Array.isArray(returned)) {
          throw new NodeOutputError(
            this.name,
            `outputs are declared as a record, but the function returned ${describeValue(returned, { echo: false })}.`,
            `Return an object with the keys ${keys.join(', ')}.`,
          );
        }
        const object = returned as Record<string, unknown>;
        const result: DatasetValues = {};
        let missing = false;
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i]!;
          if (!Object.hasOwn(object, key)) missing = true;
          result[names[i]!] = object[key];
        }
        if (missing || countOwnKeys(object) !== keys.length) {
          const returnedKeys = Object.keys(object);
          throw new NodeOutputError(
            this.name,
            `the function returned the keys [${returnedKeys.join(', ')}], but the declared keys are [${keys.join(', ')}].`,
            `Return an object with exactly the keys ${keys.join(', ')}.`,
          );
        }
        return result;
      }
    }
  }

  /**
   * A copy with some parts replaced; the copy is validated like a new node. A name derived from
   * the wiring is derived again, so renaming datasets renames such a node too.
   */
  withChanges(changes: NodeChanges): Node {
    const { func = this.func, inputs, outputs, ...optionChanges } = changes;
    const options: NodeOptions = { ...this.options, ...optionChanges };
    // An option set here is the node's own from now on, no longer a pipeline's default.
    const inherited = this.options.inheritedBehaviour;
    if (inherited !== undefined && !('inheritedBehaviour' in optionChanges)) {
      options.inheritedBehaviour = inherited.filter((name) => !(name in optionChanges));
    }
    return new Node(
      func,
      'inputs' in changes ? inputs : this.inputWiring,
      'outputs' in changes ? outputs : this.outputWiring,
      options,
    );
  }

  /** A copy with these tags added. */
  withTags(tags: string | Iterable<string>): Node {
    const added = typeof tags === 'string' ? [tags] : [...tags];
    if (added.every((tag) => this.tags.has(tag))) return this;
    return this.withChanges({ tags: [...this.tags, ...added] });
  }

  /**
   * Identity for set operations on pipelines, Kedro's rule: two nodes with the same full name and
   * the same wiring are the same node, whatever their functions or tags.
   */
  get identityKey(): string {
    this.#identityKey ??= JSON.stringify([
      this.name,
      wiringKey(this.inputWiring),
      wiringKey(this.outputWiring),
    ]);
    return this.#identityKey;
  }

  /** `name: func([inputs]) -> [outputs]`, for messages and logs. */
  toString(): string {
    const wiring = `${this.func.name || 'anonymous'}([${this.inputs.join(',')}]) -> [${this.outputs.join(',')}]`;
    return this.#explicitName ? `${this.name}: ${wiring}` : this.name;
  }

  #invoke(values: DatasetValues): unknown {
    const func = this.func;
    const names = this.inputs;
    switch (this.#inputShape) {
      case 'none':
        return func();
      case 'one':
        return func(values[names[0]!]);
      case 'list': {
        const args = new Array<unknown>(names.length);
        for (let i = 0; i < names.length; i++) args[i] = values[names[i]!];
        return func(...args);
      }
      case 'record': {
        const keys = this.#inputKeys;
        const argument: Record<string, unknown> = {};
        for (let i = 0; i < keys.length; i++) argument[keys[i]!] = values[names[i]!];
        return func(argument);
      }
    }
  }

  #checkInputValues(values: DatasetValues): void {
    let complete = true;
    for (const name of this.inputs) {
      if (!Object.hasOwn(values, name)) {
        complete = false;
        break;
      }
    }
    if (complete && countOwnKeys(values) === this.#distinctInputCount) return;
    const missing = [...new Set(this.inputs.filter((name) => !Object.hasOwn(values, name)))];
    const unexpected = Object.keys(values).filter((name) => !this.inputs.includes(name));
    throw new NodeInputError(this.name, missing, unexpected);
  }

  #checkOutputsUnique(): void {
    const outputs = this.outputs;
    if (countDistinct(outputs) === outputs.length) return;
    const repeated = outputs.filter((name, index) => outputs.indexOf(name) !== index);
    throw new NodeDefinitionError(
      `Failed to create node ${this}: the outputs ${[...new Set(repeated)].map((n) => `"${n}"`).join(', ')} ` +
        'appear more than once. Node outputs must be unique.',
    );
  }

  #checkInputsDifferFromOutputs(): void {
    const outputs = this.baseOutputs;
    if (outputs.length === 0 || this.baseInputs.length === 0) return;
    const outputSet = outputs.length > SCAN_LIMIT ? new Set(outputs) : undefined;
    const shared = this.baseInputs.filter((name) =>
      outputSet ? outputSet.has(name) : outputs.includes(name),
    );
    if (shared.length === 0) return;
    throw new NodeDefinitionError(
      `Failed to create node ${this}: a node cannot have the same dataset as input and output, ` +
        `even transcoded: ${shared.map((n) => `"${n}"`).join(', ')}.`,
      { hint: 'Write the result to a new dataset name.' },
    );
  }

  #checkArity(): void {
    // `length` counts the parameters before the first default or rest parameter: the ones the
    // function needs. Fewer parameters than inputs can't be told apart from a rest parameter here.
    const provided = this.#inputShape === 'none' ? 0 : this.#inputShape === 'list' ? this.inputs.length : 1;
    if (this.func.length <= provided) return;
    const shape = this.#inputShape === 'record' ? 'one object (record inputs)' : `${provided} argument(s)`;
    throw new NodeDefinitionError(
      `Failed to create node ${this}: the function needs ${this.func.length} argument(s), but its inputs provide ${shape}.`,
      { hint: 'Make the inputs match the function parameters, one dataset name per parameter.' },
    );
  }
}

/**
 * Creates a node: `node(func, inputs, outputs, options?)`. The positional form follows Kedro, so
 * that a Kedro pipeline reads the same in Sluice, and it lets TypeScript check the function
 * against the wiring: with a literal list, `func` must take exactly that many parameters; with a
 * literal record, `func` receives one object with the record's keys; with record outputs, it must
 * return an object with the record's keys.
 *
 * @example
 * ```ts
 * node(clean, ['raw_companies', 'params:threshold'], 'clean_companies', { tags: ['prep'] });
 * node(({ df, rate }) => df.map((x) => x * rate), { df: 'raw', rate: 'params:rate' }, 'scaled');
 * node(split, 'data', { train: 'train_set', test: 'test_set' });
 * ```
 * @throws {@link NodeDefinitionError} when the node has no inputs and no outputs, an output that is
 * also an input (even transcoded), a repeated output, an invalid name or tag, or a function that
 * needs more arguments than the inputs provide.
 */
export function node<
  const I extends DatasetWiring,
  const O extends DatasetWiring,
  F extends NodeFunction<I, O>,
>(func: F & CheckArity<F, I>, inputs: I, outputs: O, options?: NodeOptions): Node {
  return new Node(func, inputs, outputs, options);
}

function parseWiring(wiring: DatasetWiring, role: 'inputs' | 'outputs'): ParsedWiring {
  if (wiring === null || wiring === undefined) return NO_WIRING;
  if (typeof wiring === 'string') {
    checkDatasetName(wiring, role);
    return { shape: 'one', names: [wiring], keys: NO_NAMES, declared: wiring };
  }
  if (Array.isArray(wiring)) {
    if (wiring.length === 0) return NO_WIRING;
    for (const name of wiring) checkDatasetName(name, role);
    // One copy serves as both the declared wiring and the names.
    const names: readonly string[] = wiring.slice();
    return { shape: 'list', names, keys: NO_NAMES, declared: names };
  }
  if (typeof wiring !== 'object' || !isPlainObject(wiring)) {
    throw definitionError(
      `'${role}' must be a name, a list of names or a record of names, not ${describeValue(wiring)}.`,
    );
  }
  const keys = Object.keys(wiring);
  if (keys.length === 0) return NO_WIRING;
  const record = wiring as Readonly<Record<string, string>>;
  const names = keys.map((key) => record[key]!);
  for (const name of names) checkDatasetName(name, role);
  return { shape: 'record', names, keys, declared: Object.assign({}, record) };
}

const NO_WIRING: ParsedWiring = { shape: 'none', names: NO_NAMES, keys: NO_NAMES, declared: undefined };

function checkDatasetName(name: unknown, role: 'inputs' | 'outputs'): void {
  if (typeof name !== 'string' || name === '') {
    throw definitionError(`every name in '${role}' must be a non-empty string, not ${describeValue(name)}.`);
  }
  splitTranscoding(name);
}

function checkName(name: string, what: 'name' | 'tag'): void {
  if (typeof name === 'string' && NAME_PATTERN.test(name)) return;
  throw new NodeDefinitionError(
    `"${String(name)}" is not a valid node ${what}. It must contain only letters, digits, hyphens, underscores and/or full stops.`,
  );
}

function parseTags(tags: NodeOptions['tags']): ReadonlySet<string> {
  if (tags === undefined || tags === null) return EMPTY_TAGS;
  const list = typeof tags === 'string' ? [tags] : [...tags];
  if (list.length === 0) return EMPTY_TAGS;
  for (const tag of list) checkName(tag, 'tag');
  return new Set(list.sort(compareCodePoints));
}

const EMPTY_TAGS: ReadonlySet<string> = new Set<string>();

/** The names with transcoding stripped and repeats dropped; the same array when that changes nothing. */
function distinctBases(names: readonly string[]): readonly string[] {
  let plain = true;
  for (const name of names) if (name.includes('@')) plain = false;
  if (plain && countDistinct(names) === names.length) return names;
  const bases = new Set<string>();
  for (const name of names) {
    const at = name.indexOf('@');
    bases.add(at === -1 ? name : name.slice(0, at));
  }
  return [...bases];
}

function countDistinct(names: readonly string[]): number {
  if (names.length > SCAN_LIMIT) return new Set(names).size;
  let count = 0;
  for (let i = 0; i < names.length; i++) if (names.indexOf(names[i]!) === i) count++;
  return count;
}

function countOwnKeys(object: object): number {
  let count = 0;
  for (const key in object) if (Object.hasOwn(object, key)) count++;
  return count;
}

function wiringKey(wiring: DatasetWiring): unknown {
  if (wiring === undefined || wiring === null || typeof wiring === 'string' || Array.isArray(wiring))
    return wiring ?? null;
  const record = wiring as Readonly<Record<string, string>>;
  return Object.keys(record)
    .sort(compareCodePoints)
    .map((key) => [key, record[key]]);
}

function definitionError(problem: string): NodeDefinitionError {
  return new NodeDefinitionError(`Invalid node definition: ${problem}`, {
    hint: 'Write node(func, inputs, outputs, options?) with inputs and outputs as a name, a list or a record.',
  });
}
