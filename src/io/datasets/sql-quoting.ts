/**
 * Quoting for identifiers and literals that Sluice writes into SQL text itself (table names,
 * file paths, DuckDB options). Both PostgreSQL and DuckDB follow the standard: identifiers in
 * double quotes, strings in single quotes, the quote character doubled inside.
 */

/** `my "table"` becomes `"my ""table"""`: any name is safe, and its case is kept. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `it's` becomes `'it''s'`. */
export function quoteLiteral(text: string): string {
  if (text.includes('\0')) throw new Error('SQL text cannot contain a NUL character.');
  return `'${text.replace(/'/g, "''")}'`;
}

/** `"schema"."table"`, or just `"table"` when no schema is given. */
export function qualifiedName(table: string, schema?: string): string {
  return schema === undefined
    ? quoteIdentifier(table)
    : `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}
