/**
 * PostgreSQL column types for inferred column kinds, and how each kind's JS values are sent as
 * query parameters. Types are chosen so that a load returns what was saved: whole numbers come
 * back as numbers, `Date`s as `Date`s, objects and arrays as the same objects.
 */
import type { ColumnKind } from './column-inference.ts';
import { toJsonText } from './tabular-data.ts';

/** The PostgreSQL type that holds a column of this kind. */
export const POSTGRES_TYPE_FOR_KIND: Record<ColumnKind, string> = {
  integer: 'integer',
  bigint: 'bigint',
  hugeint: 'numeric',
  double: 'double precision',
  boolean: 'boolean',
  text: 'text',
  timestamp: 'timestamptz',
  json: 'jsonb',
  binary: 'bytea',
};

/**
 * Turns one non-null value of a column of `kind` into a query parameter. `pg` would send a JS
 * array as a PostgreSQL array literal and a bigint not at all, so those are converted here.
 */
export function postgresParameter(kind: ColumnKind, value: unknown): unknown {
  switch (kind) {
    case 'json':
      return toJsonText(value);
    case 'bigint':
    case 'hugeint':
    case 'integer':
      return typeof value === 'bigint' ? value.toString() : value;
    case 'double':
      return typeof value === 'bigint' ? Number(value) : value;
    case 'timestamp':
      return (value as Date).toISOString();
    case 'binary':
      return Buffer.isBuffer(value)
        ? value
        : Buffer.from(
            (value as Uint8Array).buffer,
            (value as Uint8Array).byteOffset,
            (value as Uint8Array).byteLength,
          );
    default:
      return value;
  }
}
