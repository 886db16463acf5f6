/**
 * Measures what SIGKILLed saves leave behind and what a later run leaves: not a test, a figure for
 * reports. `npx tsx test/io/support/measure-crash-leftovers.ts [kills]` (default 6).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatasetTypeRegistry } from '../../../src/io/builtin-datasets.ts';
import { JsonLinesDataset } from '../../../src/io/datasets/jsonl.ts';
import { PartitionedDataset } from '../../../src/io/datasets/partitioned.ts';
import { listVersions } from '../../../src/io/versioning.ts';
import { killHard, runChild, startChild } from './child-save.ts';

const kills = Number(process.argv[2] ?? 6);
const FILE = fileURLToPath(new URL('../../fixtures/io/interrupted-save.ts', import.meta.url));
const PARTS = fileURLToPath(new URL('../../fixtures/io/interrupted-partitioned-save.ts', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'sluice-measure-'));
try {
  const plain = join(dir, 'plain.jsonl');
  const versioned = join(dir, 'versioned.jsonl');
  await new JsonLinesDataset('events', { filepath: plain }).save([{ old: true }]);
  await new JsonLinesDataset('events', { filepath: versioned, versioned: true }, { saveVersion: 'v0' }).save([
    { old: true },
  ]);
  for (let i = 1; i <= kills; i++) {
    for (const [path, mode] of [
      [plain, 'plain'],
      [versioned, 'versioned'],
    ] as const) {
      const child = startChild(FILE, [path, mode, `v${i}`]);
      await child.message;
      await killHard(child);
    }
  }
  const temporaries = async () =>
    (await readdir(dir)).filter((name) => name.endsWith('.tmp')).length +
    (await readdir(versioned)).filter((name) => name.endsWith('.tmp')).length;
  const versionFolders = async () =>
    (await readdir(versioned)).filter((name) => !name.startsWith('.')).length;
  console.log(
    `after ${kills} killed plain and ${kills} killed versioned saves: ${await temporaries()} temporaries, ${await versionFolders()} version folders, ${(await listVersions(versioned)).length} listed versions`,
  );
  await runChild(FILE, [plain, 'plain-complete']);
  await runChild(FILE, [versioned, 'versioned-complete', 'v99']);
  console.log(
    `after one later run of each: ${await temporaries()} temporaries, ${await versionFolders()} version folders, ${(await listVersions(versioned)).length} listed versions`,
  );

  const parts = join(dir, 'parts');
  const dataset = await PartitionedDataset.create(
    'parts',
    { path: parts, dataset: 'json', filename_suffix: '.json' },
    { registry: createDatasetTypeRegistry() },
  );
  await dataset.save(
    Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p0${i}`, { generation: 'old' }])),
  );
  let mixed = 0;
  for (let i = 0; i < kills; i++) {
    const child = startChild(PARTS, [parts, String(i % 2 === 1), 'interrupt']);
    await child.message;
    await killHard(child);
    const generations = new Set<string>();
    for (const [, load] of await dataset.load())
      generations.add(((await load()) as { generation: string }).generation);
    if (generations.size > 1) mixed++;
  }
  console.log(`partitioned saves killed midway: ${kills}, loads seeing a mix: ${mixed}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
