import type { Database } from './database.ts';
import { AmbiguousRunIdError, RunNotFoundError } from './errors.ts';

/**
 * The run `idOrPrefix` names, as git finds a commit: the full id, or the start of exactly one id.
 * The start of an id's random suffix (`3fa9` of `2026-11-22T02.57.07.123Z-3fa9`) works too, as
 * `sluice runs list` shows it. None: `RunNotFoundError`; several: `AmbiguousRunIdError`.
 */
export function findRunId(database: Database, idOrPrefix: string): string {
  const exact = database.prepare('SELECT id FROM runs WHERE id = ?').pluck().get(idOrPrefix) as
    string | undefined;
  if (exact !== undefined) return exact;
  if (idOrPrefix === '') throw new RunNotFoundError(idOrPrefix);
  const pattern = escapeLike(idOrPrefix);
  const byPrefix = database
    .prepare(`SELECT id FROM runs WHERE id LIKE ? ESCAPE '\\' ORDER BY started_at DESC`)
    .pluck()
    .all(`${pattern}%`) as string[];
  const bySuffix = (
    database
      .prepare(`SELECT id FROM runs WHERE id LIKE ? ESCAPE '\\' ORDER BY started_at DESC`)
      .pluck()
      .all(`%-${pattern}%`) as string[]
  ).filter((id) => shortRunId(id).startsWith(idOrPrefix));
  const matches = [...new Set([...byPrefix, ...bySuffix])];
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new RunNotFoundError(idOrPrefix);
  throw new AmbiguousRunIdError(idOrPrefix, matches);
}

/** The part of a run id people type: its random suffix, or the whole id when it has none. */
export function shortRunId(id: string): string {
  const dash = id.lastIndexOf('-');
  return dash < 0 || dash === id.length - 1 ? id : id.slice(dash + 1);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
