import type { DatasetEventStats, SaveResult } from '../../plugin-api/index.ts';
import { dataShape, isRelayed } from '../../plugin-api/index.ts';

/**
 * Rows, columns and bytes of a dataset event, without a pass over the data: what the save
 * reported, else the data's own shape (an array's length, an Arrow table's counts), else the
 * summary a relayed event carries in place of the data (rows, columns and schema, read the same
 * way where the node ran), so every runner records the same stats.
 */
export function datasetStats(data: unknown, saved: SaveResult | undefined): DatasetEventStats {
  if (saved !== undefined && (saved.rows !== undefined || saved.bytes !== undefined)) return saved;
  if (isRelayed(data)) {
    const tabular = (data.kind === 'array' || data.kind === 'Table') && data.size !== undefined;
    if (!tabular) return saved ?? NOTHING_KNOWN;
    // The worker read the columns and schema the same way `dataShape` reads them here.
    const { size: rows, columns, schema } = data;
    return {
      ...saved,
      rows,
      ...(columns === undefined ? {} : { columns }),
      ...(schema === undefined ? {} : { schema }),
    };
  }
  const shape = dataShape(data);
  if (shape === undefined) return saved ?? NOTHING_KNOWN;
  return saved === undefined ? shape : { ...saved, ...shape };
}

/** Shared by every event whose data has no shape (a number, a model object): nothing allocated. */
const NOTHING_KNOWN: DatasetEventStats = Object.freeze({});
