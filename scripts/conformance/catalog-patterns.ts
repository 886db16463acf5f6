/**
 * Conformance family "catalog-patterns": builds the case's catalog configuration with Sluice's
 * public `CatalogResolver` (no dataset is created or loaded) and resolves each name through it.
 * Only the error class name is translated here.
 */
import { CatalogError, CatalogResolver } from '../../src/io/index.ts';

interface Case {
  catalog: Record<string, unknown>;
  names: string[];
}

interface Answer {
  resolved: Record<string, { pattern: string | null; config: Record<string, unknown> } | null> | null;
  error: string | null;
}

export function answer(testCase: Case): Answer {
  try {
    const resolver = new CatalogResolver(testCase.catalog);
    const resolved: NonNullable<Answer['resolved']> = {};
    for (const name of testCase.names) {
      const entry = resolver.resolve(name);
      resolved[name] = entry === undefined ? null : { pattern: entry.pattern, config: entry.config };
    }
    return { resolved, error: null };
  } catch (error) {
    // CatalogError (and CatalogAggregateError) is Kedro's DatasetError: an invalid catalog.
    if (error instanceof CatalogError) return { resolved: null, error: 'DatasetError' };
    throw error;
  }
}
