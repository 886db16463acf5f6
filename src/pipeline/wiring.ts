/**
 * How a node's function is wired to datasets, and the compile-time check of that wiring.
 *
 * Inputs and outputs each take one of three shapes, as in Kedro:
 * - one name (`'raw'`): the function takes one argument / its return value is the dataset;
 * - a list (`['a', 'b']`): positional arguments / the function returns an array (a tuple);
 * - a record (`{ df: 'raw', rate: 'params:rate' }`): the function receives ONE object whose keys are
 *   the record's keys (TypeScript has no keyword arguments, so a destructured object plays that
 *   role) / the function returns an object with exactly those keys.
 *
 * `null` or `undefined` (and an empty list) means no inputs / no outputs.
 */

/** A dataset wiring: one name, a list of names, a record of names, or nothing. */
export type DatasetWiring =
  string | readonly string[] | { readonly [key: string]: string } | null | undefined;

/** Input values keyed by dataset name: what the runner loads and hands to `node.call()`. */
export type DatasetValues = Record<string, unknown>;

/** A value or a promise of it: node functions may be sync or async. */
export type Awaitable<T> = T | PromiseLike<T>;

/**
 * The types of a project's datasets and parameters, by name, for the compiler: empty here, filled
 * by the project through module augmentation (`sluice typegen` writes it from the catalog's Zod
 * schemas, the dataset types and parameters.yml):
 *
 * ```ts
 * declare module 'sluice' {
 *   interface SluiceDatasets {
 *     companies: Company[];
 *     'params:model.test_size': number;
 *   }
 * }
 * ```
 *
 * A name listed here types the node functions wired to it: `node(fn, 'companies', 'out')` fails to
 * compile when `fn`'s parameter doesn't accept `Company[]`, an untyped parameter is inferred as
 * `Company[]`, and a function wired to output `companies` must return one. Names not listed stay
 * `any` (inputs) and `unknown` (outputs), so an empty interface changes nothing.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by module augmentation
export interface SluiceDatasets {}

/** The type of input dataset `Name`: its declared type, else `any` (as before types were declared). */
export type InputType<Name> = Name extends keyof SluiceDatasets ? SluiceDatasets[Name] : any;

/** The type output dataset `Name` must receive: its declared type, else anything. */
export type OutputType<Name> = Name extends keyof SluiceDatasets ? SluiceDatasets[Name] : unknown;

/** True when some name of the wiring is declared in {@link SluiceDatasets}. */
type DeclaresAny<O> = [
  Extract<O extends readonly string[] ? O[number] : O[keyof O], keyof SluiceDatasets>,
] extends [never]
  ? false
  : true;

/** The parameters a function wired with inputs `I` receives. */
export type ArgumentsFor<I> = I extends null | undefined
  ? []
  : I extends string
    ? [input: InputType<I>]
    : I extends readonly string[]
      ? { -readonly [K in keyof I]: InputType<I[K]> }
      : [inputs: { -readonly [K in keyof I]: InputType<I[K]> }];

/** What a function wired with outputs `O` must return (before awaiting). */
export type ResultFor<O> = O extends null | undefined | readonly []
  ? unknown
  : O extends string
    ? OutputType<O>
    : O extends readonly string[]
      ? DeclaresAny<O> extends true
        ? { readonly [K in keyof O]: OutputType<O[K]> }
        : readonly unknown[]
      : { readonly [K in keyof O]: OutputType<O[K]> };

/** The function type that fits inputs `I` and outputs `O`. */
export type NodeFunction<I extends DatasetWiring, O extends DatasetWiring> = (
  ...args: ArgumentsFor<I>
) => Awaitable<ResultFor<O>>;

/**
 * The type a wiring mismatch reduces the function's parameter type to, so that the compiler's
 * message carries a sentence instead of a wall of conditional types.
 */
export interface WiringMismatch<Message extends string> {
  readonly wiringError: Message;
}

/**
 * TypeScript already rejects a function that needs MORE arguments than the inputs provide. This
 * check adds the other direction, which plain assignability allows: a function that takes FEWER
 * parameters than the inputs name (a dataset would be loaded and silently dropped). Optional and
 * rest parameters count as fitting; a wiring whose length is unknown at compile time is not checked.
 */
export type CheckArity<
  F extends (...args: any[]) => unknown,
  I extends DatasetWiring,
> = number extends ArgumentsFor<I>['length']
  ? unknown
  : number extends Parameters<F>['length']
    ? unknown
    : ArgumentsFor<I>['length'] extends Parameters<F>['length']
      ? unknown
      : WiringMismatch<`the function takes ${Parameters<F>['length']} argument(s) but the inputs provide ${ArgumentsFor<I>['length']}`>;
