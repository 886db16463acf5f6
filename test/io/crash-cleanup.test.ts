/**
 * What a save killed with SIGKILL leaves behind is cleaned up by a later run, and only that: a
 * temporary whose writer is alive is never touched, and a half-made version never counts as one.
 * Every process here is real: the saves run in children killed with SIGKILL mid-write, the later
 * runs are fresh children.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { JsonLinesDataset } from '../../src/io/datasets/jsonl.ts';
import { listVersions } from '../../src/io/versioning.ts';
import { killHard, runChild, startChild } from './support/child-save.ts';
import { tempDir } from './support/temp-dir.ts';

const SCRIPT = fileURLToPath(new URL('../fixtures/io/interrupted-save.ts', import.meta.url));
const OLD_ROWS = Array.from({ length: 100 }, (_, i) => ({ i, payload: 'old' }));

const temporaries = async (folder: string): Promise<string[]> =>
  (await readdir(folder)).filter((name) => name.endsWith('.tmp'));

/** The pid of a process that has exited: a real writer that is provably gone. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

test('a later run removes the temporary file a killed save left, but never a live writer’s', async (t) => {
  const dir = await tempDir(t);
  const filepath = join(dir, 'events.jsonl');
  await new JsonLinesDataset('events', { filepath }).save(OLD_ROWS);

  const writer = startChild(SCRIPT, [filepath, 'plain']);
  t.after(() => killHard(writer));
  assert.deepEqual(await writer.message, { rowsWritten: 50_000 });
  const [live] = await temporaries(dir);
  assert.ok(live !== undefined, 'the save under way has its temporary file');

  // Another process saves the same dataset while the first writer is alive and mid-save.
  assert.deepEqual(await runChild(SCRIPT, [filepath, 'plain-complete']), { finished: true });
  assert.deepEqual(await temporaries(dir), [live], 'the live writer’s temporary file is kept');

  await killHard(writer);
  assert.deepEqual(await temporaries(dir), [live], 'the killed save left its temporary file');
  assert.deepEqual(await runChild(SCRIPT, [filepath, 'plain-complete']), { finished: true });
  assert.deepEqual(await temporaries(dir), [], 'the later run removed the orphan');
  assert.deepEqual(await new JsonLinesDataset('events', { filepath }).load(), [{ later: true }]);
});

test('a versioned save killed mid-write makes no version folder; a later run removes what it wrote aside', async (t) => {
  const dir = await tempDir(t);
  const filepath = join(dir, 'events.jsonl');
  await new JsonLinesDataset('events', { filepath, versioned: true }, { saveVersion: 'v1' }).save(OLD_ROWS);

  const writer = startChild(SCRIPT, [filepath, 'versioned', 'v2']);
  t.after(() => killHard(writer));
  assert.deepEqual(await writer.message, { rowsWritten: 50_000 });
  await killHard(writer);
  assert.ok(!(await readdir(filepath)).includes('v2'), 'no half-made v2 folder');
  assert.deepEqual(await listVersions(filepath), ['v1']);
  assert.equal((await readdir(filepath)).length, 2, 'only v1 and the temporary folder');

  assert.deepEqual(await runChild(SCRIPT, [filepath, 'versioned-complete', 'v3']), { finished: true });
  assert.deepEqual((await readdir(filepath)).sort(), ['v1', 'v3']);
  assert.deepEqual(await new JsonLinesDataset('events', { filepath, versioned: true }).load(), [
    { later: true },
  ]);
});

test('a later run removes half-made version folders of dead writers and keeps a live writer’s', async (t) => {
  const dir = await tempDir(t);
  const filepath = join(dir, 'events.jsonl');
  await new JsonLinesDataset('events', { filepath, versioned: true }, { saveVersion: 'v1' }).save(OLD_ROWS);
  const host = hostname().replace(/[^A-Za-z0-9-]/g, '-') || 'host';
  const dead = await deadPid();
  // As older releases left them: the version folder made first, the file never renamed into it.
  await mkdir(join(filepath, 'v0'));
  await writeFile(join(filepath, 'v0', `.events.jsonl.${dead}.0a1b2c3d.tmp`), 'half');
  await mkdir(join(filepath, 'v5'));
  await writeFile(join(filepath, 'v5', `.events.jsonl.${dead}@${host}.0a1b2c3d.tmp`), 'half');
  // A writer on another machine (a shared folder): its pid means nothing here, so it is kept.
  await mkdir(join(filepath, 'v7'));
  await writeFile(join(filepath, 'v7', `.events.jsonl.${dead}@other-machine.0a1b2c3d.tmp`), 'remote');
  // This test process stands for a live writer still saving v9.
  await mkdir(join(filepath, 'v9'));
  await writeFile(join(filepath, 'v9', `.events.jsonl.${process.pid}@${host}.0a1b2c3d.tmp`), 'busy');
  // A folder that is not a temporary at all: someone's data, never removed.
  await mkdir(join(filepath, 'notes'));
  await writeFile(join(filepath, 'notes', 'readme.txt'), 'mine');
  assert.deepEqual(await listVersions(filepath), ['v1'], 'half-made versions never count');

  assert.deepEqual(await runChild(SCRIPT, [filepath, 'versioned-complete', 'v3']), { finished: true });

  assert.deepEqual((await readdir(filepath)).sort(), ['notes', 'v1', 'v3', 'v7', 'v9']);
  assert.deepEqual(await readdir(join(filepath, 'v9')), [
    `.events.jsonl.${process.pid}@${host}.0a1b2c3d.tmp`,
  ]);
  assert.deepEqual(await listVersions(filepath), ['v1', 'v3']);
});
