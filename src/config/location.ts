import type { ConfigLocation } from '../io/dataset.ts';

/**
 * `conf/base/catalog.yml:12:5`, the form editors and terminals turn into a link. Line and column
 * are left off when unknown (runtime parameters have no file line).
 */
export function formatLocation(location: ConfigLocation): string {
  if (location.line === undefined) return location.file;
  if (location.column === undefined) return `${location.file}:${location.line}`;
  return `${location.file}:${location.line}:${location.column}`;
}

/** The pseudo file name runtime parameters (`--params`) are reported under. */
export const RUNTIME_PARAMS_SOURCE = '--params';
