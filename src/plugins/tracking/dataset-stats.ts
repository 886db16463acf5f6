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
    // The worker read the columns and schema the same way `dataShape` reads them here, whatever
    // the data's class (an Arrow table, any object with a numeric numRows, an array of records).
    // Without them, `size` is still a row count, except for what dataShape doesn't count in rows:
    // a string's characters and a plain object's keys.
    const { size: rows, columns, schema } = data;
    const shaped = columns !== undefined || schema !== undefined;
    const sizeIsRows = data.kind !== 'string' && data.kind !== 'object';
    if (rows === undefined || (!shaped && !sizeIsRows)) return saved ?? NOTHING_KNOWN;
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
