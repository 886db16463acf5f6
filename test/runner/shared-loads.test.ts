/**
 * Shared loads: a persisted dataset that several nodes of a run read is read from disk once per
 * thread, and each reader gets the same deep-frozen value; one reader gets it as before. Loads
 * are counted by a real CSV dataset on disk whose class counts its own reads.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CsvDatasetOptions, SluicePlugin } from '../../src/index.ts';
import {
  AsyncRunner,
  DataCatalog,
  FrozenInputError,
  node,
  Pipeline,
  SequentialRunner,
} from '../../src/index.ts';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import { SharedLoads } from '../../src/runner/shared-loads.ts';
import { CountingCsv, countingRegistry, reads } from './counting-csv.ts';
import { runWith } from './helpers.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-shared-loads-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, unknown>;

/**
 * A catalog with `events` (and `events_alias`, the same file, spelled by `aliasPath`) as counting
 * CSV datasets.
 */
async function catalogOf(
  entries: Record<string, Record<string, unknown>> = {},
  aliasPath: (file: string) => string = (file) => file,
): Promise<DataCatalog> {
  reads.clear();
  const file = join(dir, `events-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, 'id,amount\n1,10\n2,20\n3,30\n');
  const registry = countingRegistry();
  return DataCatalog.fromConfig({
    catalogConfig: {
      events: { type: 'counted_csv', filepath: file, ...entries.events },
      events_alias: { type: 'counted_csv', filepath: aliasPath(file), ...entries.events_alias },
    },
    projectPath: dir,
    registry,
  });
}

/** Nodes that each read `events` and say what they got. */
function readers(count: number, seen: unknown[]): Pipeline {
  return new Pipeline(
    Array.from({ length: count }, (_, index) =>
      node(
        (rows: Row[]) => {
          seen.push(rows);
          return rows.length;
        },
        'events',
        `count_${index}`,
        { name: `reader_${index}` },
      ),
    ),
  );
}

describe('shared loads in one process', () => {
  for (const [label, runner] of [
    ['sequential', () => new SequentialRunner()],
    ['async', () => new AsyncRunner()],
  ] as const) {
    it(`${label}: three readers of a CSV file read it once and get the same frozen rows`, async () => {
      const catalog = await catalogOf();
      const seen: unknown[] = [];
      const { error } = await runWith(readers(3, seen), catalog, {
        runner: runner(),
        isAsync: label === 'async',
      });
      assert.equal(error, undefined);
      assert.equal(reads.get('events'), 1);
      assert.equal(seen.length, 3);
      assert.ok(
        seen.every((value) => value === seen[0]),
        'one value for all readers',
      );
      const rows = seen[0] as Row[];
      assert.ok(Object.isFrozen(rows) && Object.isFrozen(rows[0]));
      assert.deepEqual(rows[2], { id: 3, amount: 30 });
    });
  }

  it('a dataset with one reader is loaded and handed over as before: not frozen, nothing kept', async () => {
    const catalog = await catalogOf();
    const seen: unknown[] = [];
    await runWith(readers(1, seen), catalog);
    assert.equal(reads.get('events'), 1);
    assert.equal(Object.isFrozen(seen[0]), false);
  });

  it('fires beforeDatasetLoaded/afterDatasetLoaded for every reader, in the same order as without sharing', async () => {
    const shared = await runWith(readers(3, []), await catalogOf());
    const unshared = await runWith(readers(3, []), await catalogOf(), { shareLoads: false });
    assert.equal(shared.recording.events.filter((event) => event.startsWith('afterDatasetLoaded')).length, 3);
    assert.deepEqual(shared.recording.events, unshared.recording.events);
  });

  it('a reader that changes its input fails with FrozenInputError naming the dataset and the opt-out', async () => {
    const catalog = await catalogOf();
    const pipeline = new Pipeline([
      node((rows: Row[]) => rows.length, 'events', 'count', { name: 'counter' }),
      node(
        (rows: Row[]) => {
          rows[0]!.amount = 0;
          return rows;
        },
        'events',
        'zeroed',
        { name: 'zero_first' },
      ),
    ]);
    const { error } = await runWith(pipeline, catalog);
    assert.ok(error instanceof FrozenInputError, String(error));
    assert.equal(error.nodeName, 'zero_first');
    assert.deepEqual(error.datasets, ['events']);
    assert.deepEqual(error.sharedLoads, ['events']);
    assert.match(error.message, /loaded once per run/);
    assert.match(error.hint ?? '', /share_loads: false/);
    assert.match(error.hint ?? '', /shareLoads: false/);
  });

  it('share_loads: false in the catalog entry reads the file once per reader, unfrozen', async () => {
    const catalog = await catalogOf({ events: { share_loads: false } });
    const seen: unknown[] = [];
    await runWith(readers(3, seen), catalog);
    assert.equal(reads.get('events'), 3);
    assert.ok(seen.every((value) => !Object.isFrozen(value)));
    assert.notEqual(seen[0], seen[1]);
  });

  it('share_loads must be a boolean', async () => {
    const catalog = await catalogOf({ events: { share_loads: 'no' } });
    await assert.rejects(catalog.materialize(['events']), /share_loads must be true or false/);
  });

  it('shareLoads: false for the whole run reads the file once per reader', async () => {
    const catalog = await catalogOf();
    const seen: unknown[] = [];
    await runWith(readers(3, seen), catalog, { shareLoads: false });
    assert.equal(reads.get('events'), 3);
    assert.ok(seen.every((value) => !Object.isFrozen(value)));
  });

  it('a dataset class that says shareLoads = false is read by every reader', async () => {
    const catalog = await catalogOf({ events: { type: 'live_csv' } });
    await runWith(readers(3, []), catalog);
    assert.equal(reads.get('events'), 3);
  });

  for (const [spelling, aliasPath] of [
    ['the same path', (file: string) => file],
    ['a relative path with ./', (file: string) => `./${basename(file)}`],
    ['a path through another folder', (file: string) => join('sub', '..', basename(file))],
  ] as const)
    it(`a save to another name for the same file (${spelling}) drops the shared value: the next reader reads the file again`, async () => {
      const catalog = await catalogOf({}, aliasPath);
      const seen: unknown[] = [];
      // first reads, rewrite reads and saves through the alias, last reads after it (it needs `done`).
      const pipeline = new Pipeline([
        node((rows: Row[]) => void seen.push(rows), 'events', null, { name: 'a_first' }),
        node(
          (rows: Row[]) => {
            seen.push(rows);
            return { events_alias: [{ id: 9, amount: 90 }], done: true };
          },
          'events',
          { events_alias: 'events_alias', done: 'done' },
          { name: 'b_rewrite' },
        ),
        node((rows: Row[], _done: unknown) => void seen.push(rows), ['events', 'done'], null, {
          name: 'c_last',
        }),
      ]);
      const { error } = await runWith(pipeline, catalog);
      assert.equal(error, undefined);
      assert.equal(reads.get('events'), 2, 'once for a and b, again after the save');
      assert.equal(seen[0], seen[1]);
      assert.deepEqual(seen[2], [{ id: 9, amount: 90 }]);
    });

  it('a versioned dataset is read once, at the version the run loads', async () => {
    reads.clear();
    const file = join(dir, `versioned-${Math.random().toString(36).slice(2)}.csv`);
    const registry = createDatasetTypeRegistry().register(
      'counted_csv',
      (options, context) => new CountingCsv(context.name, options as unknown as CsvDatasetOptions, context),
    );
    const catalogFor = (saveVersion: string) =>
      DataCatalog.fromConfig({
        catalogConfig: { events: { type: 'counted_csv', filepath: file, versioned: true } },
        projectPath: dir,
        registry,
        saveVersion,
      });
    await (await catalogFor('2026-01-01T00.00.00.000Z')).save('events', [{ id: 1, amount: 1 }]);
    await (await catalogFor('2026-01-02T00.00.00.000Z')).save('events', [{ id: 2, amount: 2 }]);
    const catalog = await catalogFor('2026-01-03T00.00.00.000Z');
    reads.clear();
    const seen: unknown[] = [];
    const { error } = await runWith(readers(3, seen), catalog);
    assert.equal(error, undefined);
    assert.equal(reads.get('events'), 1);
    assert.ok(seen.every((value) => value === seen[0]));
    assert.deepEqual(seen[0], [{ id: 2, amount: 2 }], 'the latest version, for every reader');
  });

  it('validation-style afterDatasetLoaded plugins see the one shared value for every reader', async () => {
    const catalog = await catalogOf();
    const values: unknown[] = [];
    const plugin: SluicePlugin = {
      name: 'watcher',
      afterDatasetLoaded: ({ data }) => void values.push(data),
    };
    await runWith(readers(3, []), catalog, { plugins: [plugin] });
    assert.equal(values.length, 3);
    assert.ok(values.every((value) => value === values[0]));
  });
});

describe('SharedLoads: what it holds', () => {
  it('keeps the value while readers are to come, and lets it go when the last one has loaded', async () => {
    const catalog = await catalogOf();
    const pipeline = readers(3, []);
    await catalog.materialize(pipeline.datasets());
    const shared = SharedLoads.forPipeline(pipeline, catalog)!;
    const [first, second, third] = pipeline.nodes;
    const value = await shared.load(first!, 'events');
    assert.ok(shared.holds('events'));
    assert.equal(await shared.load(second!, 'events'), value);
    assert.ok(shared.holds('events'));
    assert.equal(await shared.load(third!, 'events'), value);
    assert.equal(shared.holds('events'), false, 'released after the last reader');
    assert.equal(reads.get('events'), 1);
  });

  it('lets the value go when the readers still expected are over without loading (failed, skipped)', async () => {
    const catalog = await catalogOf();
    const pipeline = readers(2, []);
    await catalog.materialize(pipeline.datasets());
    const shared = SharedLoads.forPipeline(pipeline, catalog)!;
    await shared.load(pipeline.nodes[0]!, 'events');
    assert.ok(shared.holds('events'));
    shared.finished(pipeline.nodes[1]!);
    assert.equal(shared.holds('events'), false);
  });

  it('shares the load in flight between readers that load at the same time', async () => {
    const catalog = await catalogOf();
    const pipeline = readers(3, []);
    await catalog.materialize(pipeline.datasets());
    const shared = SharedLoads.forPipeline(pipeline, catalog)!;
    const loads = pipeline.nodes.map((reader) => shared.load(reader, 'events'));
    const values = await Promise.all(loads);
    assert.equal(reads.get('events'), 1);
    assert.ok(values.every((value) => value === values[0]));
    assert.equal(shared.holds('events'), false);
  });

  it('does not share values that are not plain data (a Date inside): each reader loads its own', async () => {
    const catalog = new DataCatalog();
    let loads = 0;
    catalog.add('dated', {
      load: () => {
        loads++;
        return [{ when: new Date(0) }];
      },
      save: () => undefined,
      exists: () => true,
      release: () => undefined,
      describe: () => ({ type: 'dated' }),
    });
    const pipeline = new Pipeline([
      node((rows: unknown) => rows, 'dated', 'a', { name: 'a' }),
      node((rows: unknown) => rows, 'dated', 'b', { name: 'b' }),
    ]);
    const shared = SharedLoads.forPipeline(pipeline, catalog)!;
    const first = shared.load(pipeline.nodes[0]!, 'dated') as { when: Date }[];
    const second = shared.load(pipeline.nodes[1]!, 'dated') as { when: Date }[];
    assert.notEqual(first, second);
    assert.equal(Object.isFrozen(second), false);
    assert.equal(loads, 3, 'the first reader gets a fresh load after the partial freeze');
  });

  it('is not created for a pipeline without a dataset that two nodes read', async () => {
    const catalog = await catalogOf();
    const pipeline = readers(1, []);
    await catalog.materialize(pipeline.datasets());
    assert.equal(SharedLoads.forPipeline(pipeline, catalog), undefined);
  });
});
