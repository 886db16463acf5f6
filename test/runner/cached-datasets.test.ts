/**
 * `cached: true` in a catalog entry: the value a node saves is written to its file as always, and
 * handed, deep-frozen, to the nodes that read it later in the same thread instead of their reading
 * the file back. Reads are counted by a real CSV dataset on disk.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AsyncRunner,
  DataCatalog,
  FrozenInputError,
  node,
  Pipeline,
  SequentialRunner,
} from '../../src/index.ts';
import { SharedLoads } from '../../src/runner/shared-loads.ts';
import { countingRegistry, reads } from './counting-csv.ts';
import { runWith } from './helpers.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-cached-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, unknown>;

/** A catalog where `made` is a counting CSV file with the given extra settings. */
async function catalogOf(
  settings: Record<string, unknown>,
  options: { loadVersions?: Record<string, string> } = {},
): Promise<{ catalog: DataCatalog; file: string }> {
  reads.clear();
  const file = join(dir, `made-${Math.random().toString(36).slice(2)}.csv`);
  const catalog = await DataCatalog.fromConfig({
    catalogConfig: { made: { type: 'counted_csv', filepath: file, ...settings } },
    projectPath: dir,
    registry: countingRegistry(),
    ...options,
  });
  return { catalog, file };
}

const ROWS = (): Row[] => [
  { id: 1, amount: 10 },
  { id: 2, amount: 20 },
];

/** `make` saves `rows` to `made`; `readerCount` nodes read it and record what they got. */
function makeAndRead(rows: () => unknown, readerCount: number, seen: unknown[], made: unknown[] = []) {
  return new Pipeline([
    node(
      () => {
        const value = rows();
        made.push(value);
        return value;
      },
      [],
      'made',
      { name: 'make' },
    ),
    ...Array.from({ length: readerCount }, (_, index) =>
      node(
        (value: unknown) => {
          seen.push(value);
          return true;
        },
        'made',
        `read_${index}`,
        { name: `reader_${index}` },
      ),
    ),
  ]);
}

describe('cached: true, in one process', () => {
  for (const [label, runner] of [
    ['sequential', () => new SequentialRunner()],
    ['async', () => new AsyncRunner()],
  ] as const) {
    it(`${label}: the reader gets the value the node saved, frozen, and the file is still written`, async () => {
      const { catalog, file } = await catalogOf({ cached: true });
      const seen: unknown[] = [];
      const made: unknown[] = [];
      const { error } = await runWith(makeAndRead(ROWS, 1, seen, made), catalog, {
        runner: runner(),
        isAsync: label === 'async',
      });
      assert.equal(error, undefined);
      assert.equal(seen[0], made[0], 'the saved value itself');
      assert.ok(Object.isFrozen(seen[0]) && Object.isFrozen((seen[0] as Row[])[0]));
      assert.equal(reads.get('made') ?? 0, 0, 'the file was not read back');
      assert.equal(readFileSync(file, 'utf8'), 'id,amount\n1,10\n2,20\n');
    });
  }

  it('without it, the reader reads the file back: another value, not frozen', async () => {
    const { catalog } = await catalogOf({});
    const seen: unknown[] = [];
    const made: unknown[] = [];
    await runWith(makeAndRead(ROWS, 1, seen, made), catalog);
    assert.notEqual(seen[0], made[0]);
    assert.deepEqual(seen[0], made[0]);
    assert.equal(Object.isFrozen(seen[0]), false);
    assert.equal(reads.get('made'), 1);
  });

  it('several readers all get the saved value, and none reads the file', async () => {
    const { catalog } = await catalogOf({ cached: true });
    const seen: unknown[] = [];
    const made: unknown[] = [];
    await runWith(makeAndRead(ROWS, 3, seen, made), catalog);
    assert.equal(seen.length, 3);
    assert.ok(seen.every((value) => value === made[0]));
    assert.equal(reads.get('made') ?? 0, 0);
  });

  it('a value that is not plain data (a Date inside) is frozen as a memory dataset would freeze it, and its reader reads the file', async () => {
    const { catalog } = await catalogOf({ cached: true });
    const seen: unknown[] = [];
    const made: unknown[] = [];
    const dated = () => [{ id: 1, when: new Date(0) }, { id: 2 }];
    const { error } = await runWith(makeAndRead(dated, 1, seen, made), catalog);
    assert.equal(error, undefined);
    assert.equal(reads.get('made'), 1);
    assert.notEqual(seen[0], made[0]);
    const saved = made[0] as Row[];
    assert.ok(
      Object.isFrozen(saved) && Object.isFrozen(saved[0]) && Object.isFrozen(saved[1]),
      'rows frozen',
    );
    assert.equal(Object.isFrozen(saved[0]!.when), false, 'the Date left as it is');
  });

  it('rows taken from a memory dataset with a Date inside are not kept: the reader reads the file', async () => {
    const { catalog } = await catalogOf({ cached: true });
    const seen: unknown[] = [];
    const made: unknown[] = [];
    const pipeline = new Pipeline([
      node(() => [{ id: 1, when: new Date(0) }, { id: 2 }], [], 'memory_rows', { name: 'a_source' }),
      node(
        (rows: Row[]) => {
          const kept = rows.filter(() => true);
          made.push(kept);
          return kept;
        },
        'memory_rows',
        'made',
        { name: 'b_make' },
      ),
      node((rows: unknown) => void seen.push(rows), 'made', null, { name: 'c_read' }),
    ]);
    const { error } = await runWith(pipeline, catalog);
    assert.equal(error, undefined);
    assert.equal(reads.get('made'), 1);
    assert.notEqual(seen[0], made[0]);
  });

  it('a reader that changes the saved value fails with FrozenInputError naming the setting', async () => {
    const { catalog } = await catalogOf({ cached: true });
    const pipeline = new Pipeline([
      node(ROWS, [], 'made', { name: 'make' }),
      node(
        (rows: Row[]) => {
          rows[0]!.amount = 0;
          return rows;
        },
        'made',
        'zeroed',
        { name: 'zero_first' },
      ),
    ]);
    const { error } = await runWith(pipeline, catalog);
    assert.ok(error instanceof FrozenInputError, String(error));
    assert.equal(error.nodeName, 'zero_first');
    assert.deepEqual(error.cached, ['made']);
    assert.match(error.message, /`cached: true`.*the one its node saved/);
    assert.doesNotMatch(error.message, /several nodes read/, 'one reader: not a shared load');
    assert.match(error.hint ?? '', /remove `cached: true` from the catalog entry of "made"/);
  });

  it('a reader that is retried gets the saved value again, not the file read back', async () => {
    const { catalog } = await catalogOf({ cached: true });
    const seen: unknown[] = [];
    const made: unknown[] = [];
    const pipeline = new Pipeline([
      node(
        () => {
          const rows = [{ code: '42' }];
          made.push(rows);
          return rows;
        },
        [],
        'made',
        { name: 'make' },
      ),
      node(
        (rows: Row[]) => {
          seen.push(rows);
          if (seen.length === 1) throw new Error('flaky');
          return rows.length;
        },
        'made',
        'count',
        { name: 'flaky_reader', retries: { max: 1 } },
      ),
    ]);
    const { error } = await runWith(pipeline, catalog);
    assert.equal(error, undefined);
    assert.equal(seen.length, 2);
    assert.equal(seen[1], made[0], 'the second attempt got the saved value too');
    assert.equal(reads.get('made') ?? 0, 0);
  });

  it('a load version pinned with --load-versions is read from its file, not taken from the save', async () => {
    const pinned = await catalogOf({ cached: true, versioned: true }, { loadVersions: { made: 'v1' } });
    await pinned.catalog.materialize(['made']);
    assert.equal(pinned.catalog.keepsSaved('made'), false);
    const free = await catalogOf({ cached: true, versioned: true });
    await free.catalog.materialize(['made']);
    assert.equal(free.catalog.keepsSaved('made'), true);
  });
});

describe('cached: true and --continue-on-failure', () => {
  it('a value whose reader is behind a failed node is let go at the failure, not at the end of the run', async () => {
    const { catalog } = await catalogOf({ cached: true });
    let shared: SharedLoads | undefined;
    const forPipeline = SharedLoads.forPipeline;
    SharedLoads.forPipeline = (pipeline, runCatalog) => (shared = forPipeline(pipeline, runCatalog));
    const heldLater: boolean[] = [];
    try {
      const pipeline = new Pipeline([
        node(ROWS, [], 'made', { name: 'a_make' }),
        node(
          () => {
            throw new Error('boom');
          },
          [],
          'failed_out',
          { name: 'b_fail' },
        ),
        node((rows: Row[], _failed: unknown) => rows.length, ['made', 'failed_out'], 'count', {
          name: 'c_read',
        }),
        node(
          () => {
            heldLater.push(shared!.holds('made'));
            return 1;
          },
          [],
          'later_out',
          { name: 'd_later' },
        ),
      ]);
      const { error } = await runWith(pipeline, catalog, { continueOnFailure: true });
      assert.ok(error !== undefined, 'the run reports the failure');
    } finally {
      SharedLoads.forPipeline = forPipeline;
    }
    assert.deepEqual(heldLater, [false], 'nothing kept for c_read, which will not run');
  });
});

describe('cached: true, what SharedLoads holds', () => {
  it('keeps the saved value until the last reader has it, then lets it go', async () => {
    const { catalog } = await catalogOf({ cached: true });
    const pipeline = makeAndRead(ROWS, 2, []);
    await catalog.materialize(pipeline.datasets());
    const shared = SharedLoads.forPipeline(pipeline, catalog)!;
    assert.ok(shared !== undefined, 'planned for a dataset one node saves, even with one reader');
    const [, first, second] = pipeline.nodes;
    const rows = ROWS();
    shared.savedValue('made', rows);
    assert.ok(shared.holds('made'));
    assert.equal(await shared.load(first!, 'made'), rows);
    assert.ok(shared.holds('made'));
    assert.equal(await shared.load(second!, 'made'), rows);
    assert.ok(shared.holds('made'), 'kept while the last reader runs: a retry of it gets the same value');
    shared.finished(first!);
    assert.ok(shared.holds('made'));
    shared.finished(second!);
    assert.equal(shared.holds('made'), false, 'released when the last reader is over');
  });

  it('keeps nothing when no reader is left here (the readers failed or were skipped)', async () => {
    const { catalog } = await catalogOf({ cached: true });
    const pipeline = makeAndRead(ROWS, 1, []);
    await catalog.materialize(pipeline.datasets());
    const shared = SharedLoads.forPipeline(pipeline, catalog)!;
    shared.finished(pipeline.nodes[1]!);
    const rows = ROWS();
    shared.savedValue('made', rows);
    assert.equal(shared.holds('made'), false);
    assert.equal(Object.isFrozen(rows), false);
  });

  it('keeps the value while a reader that got it is not over, even once no reader is to come (a retry gets it)', async () => {
    const { catalog } = await catalogOf({ cached: true });
    const pipeline = makeAndRead(ROWS, 2, []);
    await catalog.materialize(pipeline.datasets());
    const shared = SharedLoads.forPipeline(pipeline, catalog)!;
    const [, first, second] = pipeline.nodes;
    const rows = ROWS();
    shared.savedValue('made', rows);
    assert.equal(await shared.load(first!, 'made'), rows);
    assert.equal(await shared.load(second!, 'made'), rows);
    shared.finished(second!);
    assert.ok(shared.holds('made'), 'the first reader is still running');
    assert.equal(await shared.load(first!, 'made'), rows, "the first reader's retry");
    shared.finished(first!);
    assert.equal(shared.holds('made'), false);
  });

  it('on a thread the parallel runner plans: no reader to come no longer lets go of a value a running reader got', async () => {
    const { catalog } = await catalogOf({ cached: true });
    const pipeline = makeAndRead(ROWS, 2, []);
    await catalog.materialize(pipeline.datasets());
    const shared = new SharedLoads(catalog);
    const [make, first] = pipeline.nodes;
    shared.plan(make!, 'made', true);
    const rows = ROWS();
    shared.savedValue('made', rows);
    shared.plan(first!, 'made', true);
    assert.equal(await shared.load(first!, 'made'), rows);
    shared.noneLater('made'); // the other reader went to another thread
    assert.ok(shared.holds('made'));
    assert.equal(await shared.load(first!, 'made'), rows, 'a retry');
    shared.finished(first!);
    assert.equal(shared.holds('made'), false);
  });

  it('is not planned for one reader of a cached dataset no node of the run saves', async () => {
    const { catalog } = await catalogOf({ cached: true });
    const pipeline = new Pipeline([node((rows: unknown) => rows, 'made', 'copy', { name: 'only' })]);
    await catalog.materialize(pipeline.datasets());
    assert.equal(SharedLoads.forPipeline(pipeline, catalog), undefined);
  });
});

describe('cached: checked with the catalog', () => {
  const materialize = async (settings: Record<string, unknown>, type = 'counted_csv') => {
    const { catalog } = await catalogOf({ type, ...settings });
    return catalog.materialize(['made']);
  };

  it('must be a boolean', async () => {
    await assert.rejects(materialize({ cached: 'yes' }), /cached must be true or false, got "yes"/);
  });

  it("can't be combined with load_args, which would not apply to the saved value", async () => {
    await assert.rejects(
      materialize({ cached: true, load_args: { columns: { code: 'string' } } }),
      /load_args would not apply/,
    );
  });

  it("can't be combined with share_loads: false", async () => {
    await assert.rejects(materialize({ cached: true, share_loads: false }), /ask for opposite things/);
  });

  it('is refused on a memory dataset, which hands over its value already', async () => {
    const catalog = await DataCatalog.fromConfig({
      catalogConfig: { made: { type: 'memory', cached: true } },
      projectPath: dir,
      registry: countingRegistry(),
    });
    await assert.rejects(catalog.materialize(['made']), /not memory datasets/);
  });

  it('is refused on a dataset class whose loads may differ (shareLoads = false)', async () => {
    await assert.rejects(materialize({ cached: true }, 'live_csv'), /can't apply to a live_csv dataset/);
  });

  it('is not passed to the dataset, nor shown in its description', async () => {
    const { catalog } = await catalogOf({ cached: true });
    await catalog.materialize(['made']);
    assert.equal('cached' in catalog.describe('made'), false);
  });
});
