import { randomBytes } from 'node:crypto';
import { timestampVersion } from '../io/versioning.ts';

/**
 * A run id that sorts by start time and is safe in paths (it is the default save version):
 * `2026-11-22T02.57.07.123Z-3fa9`. The suffix keeps two runs started in the same millisecond apart.
 */
export function newRunId(date = new Date()): string {
  return `${timestampVersion(date)}-${randomBytes(2).toString('hex')}`;
}
