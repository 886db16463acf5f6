import { randomBytes } from 'node:crypto';
import { copyFile, link, lstat, mkdir, readdir, realpath, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { HOST_TAG, temporaryName } from '../atomic-write.ts';
import { isOrphaned, removeOrphanedTemporaries } from '../orphaned-temporaries.ts';

/**
 * A partitioned dataset's folder switched as a whole. `path` is a symbolic link (a junction on
 * Windows) to a hidden sibling folder, one generation of partitions:
 * `.<name>.gen.<stamp>.<pid>@<host>.<hex>`. A save fills a new generation under a temporary name,
 * renames it to a generation name once complete, and replaces the link in one rename, so a reader
 * sees the old set or the new one, never a mix. Tools that read `path` follow the link and see a
 * plain folder of partition files.
 *
 * A plain folder at `path` (written by other tools, or by older Sluice releases) is read as the
 * current generation; the first save moves it aside and puts the link in its place. Between those
 * two renames `path` is briefly missing; a reader then uses the newest complete generation.
 */
const GENERATION = /^\.(.+)\.gen\.([0-9a-z]+)\.(\d+)@([A-Za-z0-9-]+)\.[0-9a-f]{8}$/;

/** The folder holding the current partitions of `path`, or undefined when there is none. */
export async function currentGeneration(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generations = await generationsOf(path);
  return generations.at(-1)?.folder;
}

/**
 * Writes a new generation of `path` with `fill(folder, previous)` and switches `path` to it.
 * `previous` is the current generation's folder (to carry partitions over), if any. Afterwards
 * the previous generation and generations abandoned by dead writers are removed.
 */
export async function switchGeneration(
  path: string,
  fill: (folder: string, previous: string | undefined) => Promise<void>,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Canonical, so that generations compare equal to what realpath() reports.
  const parent = await realpath(dirname(path));
  const name = basename(path);
  await removeOrphanedTemporaries(parent);
  const previous = await currentGeneration(path);
  const temporary = join(parent, temporaryName(name));
  await mkdir(temporary);
  let generation: string | undefined;
  let pointer: string | undefined;
  let movedAside: string | undefined;
  try {
    await fill(temporary, previous);
    generation = join(parent, generationName(name, Date.now()));
    await rename(temporary, generation);
    pointer = join(parent, temporaryName(`${name}.link`));
    await makeLink(generation, pointer);
    const existing = await lstat(join(parent, name)).catch(() => undefined);
    if (existing !== undefined && !existing.isSymbolicLink()) {
      // A plain folder can't be replaced by a link in one rename: move it aside as the oldest generation.
      movedAside = join(parent, generationName(name, 0));
      await rename(join(parent, name), movedAside);
    }
    await rename(pointer, join(parent, name));
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if (pointer !== undefined) await rm(pointer, { force: true });
    if (generation !== undefined && (await realpath(path).catch(() => undefined)) !== generation)
      await rm(generation, { recursive: true, force: true });
    throw error;
  }
  for (const old of await generationsOf(path)) {
    if (old.folder === generation) continue;
    if (old.folder === previous || old.folder === movedAside || isOrphaned(old))
      await rm(old.folder, { recursive: true, force: true });
  }
}

/**
 * Links (or, across filesystems, copies) every file of `from` into `to`, except dot files and
 * the relative paths in `skip`: the partitions a non-overwriting save keeps.
 */
export async function carryOver(from: string, to: string, skip: ReadonlySet<string>): Promise<void> {
  const entries = await readdir(from, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = relative(from, join(entry.parentPath, entry.name));
    if (path.split(sep).some((part) => part.startsWith('.')) || skip.has(path)) continue;
    const target = join(to, path);
    await mkdir(dirname(target), { recursive: true });
    // A hard link shares the bytes; the old generation is removed, never written, so sharing is safe.
    await link(join(from, path), target).catch(() => copyFile(join(from, path), target));
  }
}

interface Generation {
  folder: string;
  stamp: string;
  target: string;
  pid: number;
  host: string;
}

/** The complete generations of `path`, oldest first. */
async function generationsOf(path: string): Promise<Generation[]> {
  const parent = dirname(path);
  const name = basename(path);
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return [];
  }
  const found: Generation[] = [];
  for (const entry of entries) {
    const match = GENERATION.exec(entry);
    if (match === null || match[1] !== name) continue;
    found.push({
      folder: join(parent, entry),
      stamp: match[2]!,
      target: name,
      pid: Number(match[3]),
      host: match[4]!,
    });
  }
  return found.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : 0));
}

function generationName(name: string, time: number): string {
  return `.${name}.gen.${time.toString(36).padStart(9, '0')}.${process.pid}@${HOST_TAG}.${randomBytes(4).toString('hex')}`;
}

async function makeLink(generation: string, at: string): Promise<void> {
  // Windows junctions need an absolute target; elsewhere a relative one survives moving the parent.
  if (process.platform === 'win32') await symlink(generation, at, 'junction');
  else await symlink(basename(generation), at, 'dir');
}
