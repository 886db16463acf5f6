import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { writeFileAtomically } from './atomic-write.ts';

/** Where content hashes are kept, under the project's `.sluice/` folder. */
export const FINGERPRINT_CACHE_FOLDER = join('.sluice', 'fingerprints');

/** What the cache remembers about one file: the hash and the stat it was computed for. */
interface CachedHash {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  readonly sha256: string;
}

/**
 * A file's or folder's fingerprint without loading it as data: the SHA-256 of its bytes, computed
 * once and kept under `<projectPath>/.sluice/fingerprints/` keyed by the file's size, modification
 * time and inode, so that a rerun only stats the file. A file rewritten with the same bytes keeps
 * its fingerprint. A folder (partitioned data) combines its files' relative paths and hashes.
 * Undefined when nothing is there.
 */
export async function contentFingerprint(
  path: string,
  projectPath: string | undefined,
): Promise<string | undefined> {
  const cacheFolder = join(resolve(projectPath ?? process.cwd()), FINGERPRINT_CACHE_FOLDER);
  const info = await statOrUndefined(path);
  if (info === undefined) return undefined;
  if (!info.isDirectory()) return `sha256:${await fileHash(path, info, cacheFolder)}`;
  const combined = createHash('sha256');
  for (const file of await filesUnder(path)) {
    const fileInfo = await statOrUndefined(file);
    if (fileInfo === undefined) continue;
    combined.update(`${relative(path, file)}\0${await fileHash(file, fileInfo, cacheFolder)}\n`);
  }
  return `sha256:${combined.digest('hex')}`;
}

async function fileHash(path: string, info: Stats, cacheFolder: string): Promise<string> {
  const cacheFile = join(cacheFolder, `${createHash('sha1').update(path).digest('hex')}.json`);
  const cached = await readCached(cacheFile);
  if (
    cached !== undefined &&
    cached.path === path &&
    cached.size === info.size &&
    cached.mtimeMs === info.mtimeMs &&
    cached.ino === info.ino
  )
    return cached.sha256;
  const sha256 = await hashFile(path);
  const entry: CachedHash = { path, size: info.size, mtimeMs: info.mtimeMs, ino: info.ino, sha256 };
  // Concurrent runs may both write an entry: each write is whole, and either is right.
  await writeFileAtomically(cacheFile, JSON.stringify(entry)).catch(() => {});
  return sha256;
}

async function readCached(cacheFile: string): Promise<CachedHash | undefined> {
  try {
    return JSON.parse(await readFile(cacheFile, 'utf8')) as CachedHash;
  } catch {
    return undefined;
  }
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/** Every file under `folder`, sorted, skipping the temporaries of saves in progress (dot files). */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
