import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { JsonLinesDataset } from '../../src/io/datasets/jsonl.ts';
import { listVersions } from '../../src/io/versioning.ts';
import { SAFETY_NET_MS } from '../support/safety-net.ts';
import { tempDir } from './support/temp-dir.ts';

const SCRIPT = fileURLToPath(new URL('../fixtures/io/interrupted-save.ts', import.meta.url));
const OLD_ROWS = Array.from({ length: 2000 }, (_, i) => ({ i, payload: 'old' }));

/**
 * Forks the child that saves through a file dataset, waits until it reports tens of thousands of
 * rows written, checks that those bytes really are on disk (in `folder`, under a temporary name),
 * and kills it with SIGKILL mid-save.
 */
async function killMidSave(filepath: string, mode: 'plain' | 'versioned', folder: string): Promise<string> {
  const child = fork(SCRIPT, [filepath, mode], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  let timer: NodeJS.Timeout | undefined;
  const message = await Promise.race([
    new Promise<unknown>((resolve) => child.on('message', resolve)),
    exited.then(() => {
      throw new Error(`the child exited before signalling:\n${output}`);
    }),
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no signal from the child in ${SAFETY_NET_MS} ms:\n${output}`)),
        SAFETY_NET_MS,
      );
    }),
  ])
    .catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    })
    .finally(() => clearTimeout(timer));
  try {
    assert.deepEqual(message, { rowsWritten: 50_000 });
    const temporary = (await readdir(folder)).filter((name) => name.endsWith('.tmp'));
    assert.equal(
      temporary.length,
      1,
      `one temporary file while the save is under way, found ${temporary.join(', ')}`,
    );
    // A versioned save writes its whole version folder aside: the file sits inside it.
    const aside = join(folder, temporary[0]!);
    const written = (await stat(aside)).isDirectory()
      ? (await stat(join(aside, 'events.jsonl'))).size
      : (await stat(aside)).size;
    assert.ok(
      written > 4_000_000,
      `the save had written ${written} bytes when killed; expected most of 50,000 rows`,
    );
    assert.ok(child.kill('SIGKILL'));
    assert.equal(await exited, 'SIGKILL');
    return temporary[0]!;
  } finally {
    // A failed check must not leave the child holding its save open forever.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

test('a save killed with SIGKILL leaves the previous file whole', async (t) => {
  const dir = await tempDir(t);
  const filepath = join(dir, 'events.jsonl');
  await new JsonLinesDataset('events', { filepath }).save(OLD_ROWS);
  const before = await readFile(filepath);

  const leftover = await killMidSave(filepath, 'plain', dir);

  assert.deepEqual(await readFile(filepath), before, 'the file holds exactly the previous bytes');
  assert.deepEqual(await new JsonLinesDataset('events', { filepath }).load(), OLD_ROWS);
  assert.match(
    leftover,
    /^\.events\.jsonl\.\d+@[A-Za-z0-9-]+\.[0-9a-f]+\.tmp$/,
    'the half-written data sits under a hidden temporary name',
  );
});

test('a versioned save killed with SIGKILL adds no version; the latest stays the previous one', async (t) => {
  const dir = await tempDir(t);
  const filepath = join(dir, 'events.jsonl');
  await new JsonLinesDataset('events', { filepath, versioned: true }, { saveVersion: 'v1' }).save(OLD_ROWS);

  const leftover = await killMidSave(filepath, 'versioned', filepath);

  assert.match(leftover, /^\.v2\.\d+@[A-Za-z0-9-]+\.[0-9a-f]+\.tmp$/, 'the version is written aside');
  assert.deepEqual((await readdir(filepath)).sort(), ['v1', leftover].sort(), 'no half-made "v2" folder');
  assert.deepEqual(await listVersions(filepath), ['v1']);
  assert.deepEqual(await new JsonLinesDataset('events', { filepath, versioned: true }).load(), OLD_ROWS);
  await new JsonLinesDataset('events', { filepath, versioned: true }, { saveVersion: 'v2' }).save([
    { retried: true },
  ]);
  assert.deepEqual(
    await new JsonLinesDataset('events', { filepath, versioned: true }).load(),
    [{ retried: true }],
    'a retry can use the version',
  );
});
