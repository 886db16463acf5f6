/**
 * The `nodeSkip` hook across processes: on the parallel runner the skip is decided in the worker
 * that would run the node, its served in-memory output reaches the main process and the next node,
 * and `onNodeSkipped` is relayed to `process: 'main'` plugins in place of the node's other hooks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from '../../src/index.ts';
import { freshDataDir, readRecord, withEnv } from './support.ts';

const SKIP = fileURLToPath(new URL('../fixtures/projects/skip/', import.meta.url));

interface Line {
  plugin: string;
  hook: string;
  subject: string;
  threadId: number;
  reason?: string;
  datasetName?: string;
}

for (const runner of ['sequential', 'parallel'] as const) {
  test(`${runner}: a skipped node's served output feeds the next node, and onNodeSkipped reaches the main-process plugin in place of its node hooks`, async () => {
    const { dataDir, recordFile } = freshDataDir(SKIP);
    const result = await withEnv({ SLUICE_TEST_RECORD: recordFile }, async () => {
      const session = await Session.create({ projectPath: SKIP, runtimeParams: { data_dir: dataDir } });
      return session.run({ runner });
    });
    // numbers [1,2,3] → doubled; shift skipped, serving [100, 200] → sum 300.
    assert.equal(JSON.parse(readFileSync(join(dataDir, 'out', 'sum.json'), 'utf8')), 300);
    assert.deepEqual(result.completedNodes.toSorted(), ['double', 'total']);
    assert.deepEqual(result.skippedNodes, ['shift']);
    const lines = readRecord<Line>(recordFile);
    const main = lines.filter((line) => line.plugin === 'main-recorder' && line.subject === 'shift');
    assert.deepEqual(
      main.map((line) => `${line.hook}${line.datasetName ? ` ${line.datasetName}` : ''}`),
      ['afterDatasetSaved shifted', 'onNodeSkipped'],
    );
    assert.equal(main[1]!.reason, 'served by skipper');
    const asked = lines.filter((line) => line.hook === 'nodeSkip').map((line) => line.subject);
    assert.deepEqual(asked, ['double', 'shift', 'total']);
    if (runner === 'parallel') {
      const mainThread = lines.find((line) => line.plugin === 'main-recorder')!.threadId;
      assert.ok(
        lines.filter((line) => line.hook === 'nodeSkip').every((line) => line.threadId !== mainThread),
        'the skip is decided where the node would run',
      );
    }
    for (const name of ['double', 'total'])
      assert.deepEqual(
        lines.filter((line) => line.plugin === 'main-recorder' && line.subject === name).map((l) => l.hook),
        ['onNodeStart', 'beforeNodeRun', 'afterDatasetSaved', 'onNodeEnd'],
      );
  });
}
