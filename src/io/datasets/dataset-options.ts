import type { ConfigLocation } from '../../config-location.ts';
import { formatLocation } from '../../config-location.ts';
import type { Dataset, MaybePromise } from '../dataset.ts';
import { DatasetError } from '../dataset.ts';
import type { DatasetFactory, DatasetFactoryContext } from '../dataset-registry.ts';
import { didYouMean, nearest } from '../../suggest.ts';
import { isPlainObject } from '../../values.ts';
import { describeValue } from '../../values.ts';

/** Whose options are being read: named in every error so the user finds the YAML entry at once. */
export interface OptionsOwner {
  name: string;
  type: string;
  location?: ConfigLocation | undefined;
}

/** `Dataset "companies" (csv, conf/base/catalog.yml:4:3)`: the subject of every dataset error. */
export function datasetSubject(owner: OptionsOwner): string {
  const where = formatLocation(owner.location);
  return `Dataset "${owner.name}" (${owner.type}${where === '' ? '' : `, ${where}`})`;
}

/**
 * The registry factory for a dataset that checks its own options: `build` gets the catalog's YAML
 * options typed as the dataset's options interface. This is the one place where unchecked YAML
 * meets a typed options interface, and the only cast between them.
 */
export function checkedOptionsFactory<Options>(
  build: (name: string, options: Options, context: DatasetFactoryContext) => MaybePromise<Dataset>,
): DatasetFactory {
  // Sound because of a contract, not a check here: every built-in dataset hands `options` straight
  // to an OptionReader before reading anything, and the reader checks each key's type and rejects
  // unknown keys, naming the dataset and its file:line. Checking here as well would read twice.
  return (options, context) => build(context.name, options as Options, context);
}

/** `checkedOptionsFactory` for the usual case: `new Dataset(name, options, context)`. */
export function checkedOptionsClass<Options>(
  DatasetClass: new (name: string, options: Options, settings: DatasetFactoryContext) => Dataset,
): DatasetFactory {
  return checkedOptionsFactory<Options>((name, options, context) => new DatasetClass(name, options, context));
}

/**
 * Reads a dataset's YAML options one key at a time, checking each value's type. Every key read is
 * remembered, so `finish()` can reject the keys nobody asked for with a did-you-mean. Values are
 * quoted in errors only by type, never verbatim, because a misplaced secret must not reach a log.
 */
export class OptionReader {
  readonly owner: OptionsOwner;
  readonly #values: Record<string, unknown>;
  readonly #prefix: string;
  readonly #known = new Set<string>();

  constructor(owner: OptionsOwner, values: unknown, prefix = '') {
    this.owner = owner;
    this.#prefix = prefix;
    if (values === undefined || values === null) values = {};
    if (!isPlainObject(values)) {
      throw this.#error(
        prefix === ''
          ? 'its options must be a mapping'
          : `option "${prefix}" must be a mapping, got ${describeValue(values, { wording: 'config' })}`,
      );
    }
    this.#values = values;
  }

  /** True when the YAML set `key` (to anything but null). Marks the key as known. */
  has(key: string): boolean {
    this.#known.add(key);
    const value = this.#values[key];
    return value !== undefined && value !== null;
  }

  /** The raw value, for options with a shape of their own. Marks the key as known. */
  raw(key: string): unknown {
    this.#known.add(key);
    const value = this.#values[key];
    return value === null ? undefined : value;
  }

  string(key: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '')
      throw this.invalid(key, 'must be a non-empty string', value);
    return value;
  }

  requiredString(key: string, example: string): string {
    const value = this.string(key);
    if (value === undefined) {
      // A misspelt required key shows up as "missing"; name the misspelling, which is the real mistake.
      const typo = Object.keys(this.#values).find(
        (candidate) => !this.#known.has(candidate) && nearest(candidate, [key]) === key,
      );
      if (typo !== undefined) {
        throw this.#error(
          `unknown option "${this.path(typo)}". Did you mean "${key}"?`,
          `"${key}" is required.`,
        );
      }
      throw this.#error(
        `option "${this.path(key)}" is required`,
        `Add it to the entry, for example "${key}: ${example}".`,
      );
    }
    return value;
  }

  boolean(key: string): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw this.invalid(key, 'must be true or false', value);
    return value;
  }

  integer(key: string, range: { min?: number; max?: number } = {}): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const { min = -Infinity, max = Infinity } = range;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const bounds = Number.isFinite(min)
        ? Number.isFinite(max)
          ? ` from ${min} to ${max}`
          : ` of at least ${min}`
        : '';
      throw this.invalid(key, `must be an integer${bounds}`, value);
    }
    return value;
  }

  /** One of a fixed set of words, compared case-sensitively (the YAML spelling is the documented one). */
  choice<T extends string>(key: string, choices: readonly T[]): T | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      const suggestion = typeof value === 'string' ? didYouMean(value, choices) : '';
      throw this.#error(
        `option "${this.path(key)}" must be one of ${choices.join(', ')}, got ${describeValue(value, { wording: 'config' })}.${suggestion}`,
      );
    }
    return value as T;
  }

  /** A mapping of names to scalars, as strings (HTTP headers, query parameters). */
  stringRecord(key: string): Record<string, string> | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (!isPlainObject(value)) throw this.invalid(key, 'must be a mapping', value);
    const result: Record<string, string> = {};
    for (const [name, item] of Object.entries(value)) {
      if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
        throw this.invalid(`${key}.${name}`, 'must be a string, number or boolean', item);
      }
      result[name] = String(item);
    }
    return result;
  }

  /** A free-form mapping (for example `metadata`), copied as is. */
  mapping(key: string): Record<string, unknown> | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (!isPlainObject(value)) throw this.invalid(key, 'must be a mapping', value);
    return value;
  }

  /** A nested mapping such as `load_args`, read with its own reader (an empty one when absent). */
  section(key: string): OptionReader {
    return new OptionReader(this.owner, this.raw(key), this.path(key));
  }

  /** Rejects every key that no accessor asked for. Call it after reading all options. */
  finish(): void {
    for (const key of Object.keys(this.#values)) {
      if (this.#known.has(key)) continue;
      const known = [...this.#known];
      const where = this.#prefix === '' ? `"${this.owner.type}" datasets take` : `"${this.#prefix}" takes`;
      throw this.#error(
        `unknown option "${this.path(key)}".${didYouMean(key, known)}`,
        known.length === 0 ? `${where} no options here.` : `${where}: ${known.join(', ')}.`,
      );
    }
  }

  /** An error about the value of `key` that names the expected shape and the actual type. */
  invalid(key: string, expectation: string, value: unknown, hint?: string): DatasetError {
    return this.#error(
      `option "${this.path(key)}" ${expectation}, got ${describeValue(value, { wording: 'config' })}`,
      hint,
    );
  }

  /** A free-form error about this dataset's options. */
  error(message: string, hint?: string): DatasetError {
    return this.#error(message, hint);
  }

  path(key: string): string {
    return this.#prefix === '' ? key : `${this.#prefix}.${key}`;
  }

  #error(message: string, hint?: string): DatasetError {
    const text = `${datasetSubject(this.owner)}: ${message}`;
    return new DatasetError(/[.?!]$/.test(text) ? text : `${text}.`, {
      datasetName: this.owner.name,
      ...(hint === undefined ? {} : { hint }),
    });
  }
}
