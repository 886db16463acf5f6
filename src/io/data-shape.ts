import type { SaveResult } from './dataset.ts';

/** Rows, columns and column types of a value, where they can be read without a pass over it. */
export type DataShape = Pick<SaveResult, 'rows' | 'columns' | 'schema'>;

/**
 * The shape of table-like data at O(1) cost: an Arrow table's own counts and schema, or an
 * array's length with the keys (and value types) of its first record. Anything else has no shape.
 */
export function dataShape(data: unknown): DataShape | undefined {
  if (Array.isArray(data)) {
    const first: unknown = data[0];
    if (typeof first !== 'object' || first === null || Array.isArray(first)) return { rows: data.length };
    const schema = Object.entries(first).map(([name, value]) => ({ name, type: typeName(value) }));
    return { rows: data.length, columns: schema.length, schema };
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const table = data as {
    numRows?: unknown;
    numCols?: unknown;
    schema?: { fields?: readonly { name: string; type: unknown }[] };
  };
  if (typeof table.numRows !== 'number') return undefined;
  const fields = table.schema?.fields;
  return {
    rows: table.numRows,
    ...(typeof table.numCols === 'number' ? { columns: table.numCols } : {}),
    ...(Array.isArray(fields)
      ? { schema: fields.map((field) => ({ name: field.name, type: String(field.type) })) }
      : {}),
  };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return 'date';
  return typeof value;
}
