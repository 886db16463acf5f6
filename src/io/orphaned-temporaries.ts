import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HOST_TAG } from './atomic-write.ts';

/**
 * `.<name>.<pid>[@<host>].<8 hex digits>.tmp`, exactly as `temporaryName` writes it; names written
 * before hosts were recorded lack `@<host>`.
 */
const TEMPORARY = /^\.(.+)\.(\d+)(?:@([A-Za-z0-9-]+))?\.[0-9a-f]{8}\.tmp$/;

/** Who wrote a temporary file or folder, read from its name. */
export interface TemporaryWriter {
  /** The name the temporary stands in for. */
  target: string;
  pid: number;
  /** Undefined for names written before hosts were recorded (read as this host). */
  host: string | undefined;
}

/** The writer recorded in a temporary name, or undefined when `name` is not one. */
export function temporaryWriter(name: string): TemporaryWriter | undefined {
  const match = TEMPORARY.exec(name);
  if (match === null) return undefined;
  return { target: match[1]!, pid: Number(match[2]), host: match[3] };
}

/**
 * True only when the writer is provably gone: it ran on this host, is not this process, and no
 * process has its pid. A temporary from another host, or whose pid is alive (even reused by an
 * unrelated process), is kept: removing a live writer's file would break its save.
 */
export function isOrphaned(writer: TemporaryWriter): boolean {
  if (writer.host !== undefined && writer.host !== HOST_TAG) return false;
  if (writer.pid === process.pid) return false;
  return !processIsAlive(writer.pid);
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

const swept = new Set<string>();

/**
 * Removes the temporary files and folders in `folder` whose writer died mid-save (see
 * `isOrphaned`), and returns their names. Best effort: a temporary that can't be removed is left. A folder is swept once per process: orphans appear only
 * when another process dies, and the next run sweeps again. `force` sweeps again anyway.
 */
export async function removeOrphanedTemporaries(folder: string, force = false): Promise<string[]> {
  const key = resolve(folder);
  if (swept.has(key) && !force) return [];
  swept.add(key);
  let names: string[];
  try {
    names = await readdir(key);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const writer = temporaryWriter(name);
    if (writer === undefined || !isOrphaned(writer)) continue;
    try {
      await rm(join(key, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Best effort: a read-only or shared folder must not fail the save or load that swept it.
    }
  }
  return removed;
}
