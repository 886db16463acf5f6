import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import {
  createHookManager,
  DataCatalog,
  defaultRunParams,
  definePlugin,
  JsonDataset,
  node,
  Pipeline,
  runPipeline,
  SequentialRunner,
} from '../../src/index.ts';
import type { RunParams } from '../../src/index.ts';
import { progressPlugin } from '../../src/plugins/index.ts';

const runParams = (): RunParams => defaultRunParams({ runId: 'time-run', sluiceVersion: 'test' });

/** `name  load  run  save  total  status  written to` → the cells. */
function row(text: string, name: string): string[] {
  const line = text.split('\n').find((each) => each.startsWith(`${name} `));
  assert.ok(line !== undefined, `a summary row for ${name} in\n${text}`);
  return line.trim().split(/\s+/);
}

test('the summary splits each node into load, run and save, says where outputs went, and adds up to the wall time', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-progress-time-'));
  try {
    const rows = Array.from({ length: 40_000 }, (_, i) => ({ id: i, name: `row ${i}`, value: i * 1.5 }));
    await writeFile(join(dir, 'rows.json'), JSON.stringify(rows));
    const catalog = new DataCatalog();
    catalog.add('rows', new JsonDataset('rows', { filepath: join(dir, 'rows.json') }));
    catalog.add('kept', new JsonDataset('kept', { filepath: join(dir, 'kept.json') }));
    catalog.add('total', new JsonDataset('total', { filepath: join(dir, 'total.json') }));
    const pipeline = new Pipeline([
      node((all: typeof rows) => all.filter((each) => each.id % 2 === 0), 'rows', 'kept', { name: 'keep' }),
      node((kept: typeof rows) => kept.reduce((sum, each) => sum + each.value, 0), 'kept', 'total', {
        name: 'sum',
      }),
    ]);
    // What runNode hands the hooks, to compare with the table.
    const loads = new Map<string, number>();
    const saves = new Map<string, number>();
    const recorder = definePlugin({
      name: 'recorder',
      afterDatasetLoaded({ node: ran, durationMs }) {
        loads.set(ran.name, (loads.get(ran.name) ?? 0) + durationMs);
      },
      afterDatasetSaved({ node: ran, durationMs }) {
        saves.set(ran.name, (saves.get(ran.name) ?? 0) + durationMs);
      },
    });
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const hooks = createHookManager();
    hooks.register(progressPlugin({ mode: 'plain', stream, color: false }));
    hooks.register(recorder);
    await runPipeline({
      pipeline,
      catalog,
      hooks,
      runner: new SequentialRunner(),
      runParams: runParams(),
      options: {},
    });

    for (const name of ['keep', 'sum']) {
      const [, load, , save, , status, writtenTo] = row(text, name);
      assert.ok(loads.get(name)! > 0 && saves.get(name)! > 0, `${name}: runNode timed its load and save`);
      assert.equal(
        load,
        (loads.get(name)! / 1000).toFixed(2),
        `${name}: the load column is the loads' durationMs`,
      );
      assert.equal(
        save,
        (saves.get(name)! / 1000).toFixed(2),
        `${name}: the save column is the saves' durationMs`,
      );
      assert.equal(status, 'done');
      assert.equal(writtenTo, join(dir, name === 'keep' ? 'kept.json' : 'total.json'));
    }
    const time = text.match(
      /^time: load (\S+)s \+ run (\S+)s \+ save (\S+)s \+ hooks (\S+)s = (\S+)s in nodes; (\S+)s \((\S+)%\) outside them$/m,
    );
    assert.ok(time !== null, text);
    const [load, run, save, hooksTime, inNodes, outside] = time.slice(1, 7).map(Number) as number[];
    const wall = Number(text.match(/2 nodes: 2 done, 0 failed, 0 skipped in (\S+)s/)![1]);
    // Each figure is rounded to 0.01 s on its own, so sums may differ by a rounding step each.
    assert.ok(Math.abs(load! + run! + save! + hooksTime! - inNodes!) <= 0.03, text);
    assert.ok(Math.abs(inNodes! + outside! - wall) <= 0.02, text);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
