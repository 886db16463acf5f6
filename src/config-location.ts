/**
 * Where something was declared in the configuration. Configuration, the catalog, datasets and
 * plugins all name the place in their errors, so the type and its one formatting live below them.
 */

/** Where in the configuration a dataset (or any other entry) was declared, for error messages. */
export interface ConfigLocation {
  file: string;
  line?: number;
  column?: number;
}

/**
 * `conf/base/catalog.yml:12:5`, the form editors and terminals turn into a link. Line and column
 * are left off when unknown (runtime parameters have no file line); an unknown place is `''`.
 */
export function formatLocation(location: ConfigLocation | undefined): string {
  if (location === undefined) return '';
  if (location.line === undefined) return location.file;
  if (location.column === undefined) return `${location.file}:${location.line}`;
  return `${location.file}:${location.line}:${location.column}`;
}
