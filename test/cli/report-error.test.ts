/**
 * The CLI's error report on hostile errors: a cyclic `cause` chain (each cause printed once, and
 * the report ends), a thrown plain object (shown, bounded, not `[object Object]`), and secrets in
 * any part of it. The cyclic case runs in a worker thread with a small heap, so a report that
 * loops fails the test by running out of memory instead of hanging it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { before, describe, it } from 'node:test';
import { formatError } from '../../src/cli/report-error.ts';
import { SluiceError } from '../../src/index.ts';
import { Redactor } from '../../src/plugin-api/index.ts';
import { REPO, ensureBuilt } from './support.ts';

const PASSWORD = 's3cr3t-pa55';
const redactor = Redactor.fromCredentials({ db: { password: PASSWORD } });

before(() => ensureBuilt());

/** formatError from dist/, in a worker with a 64 MB heap; resolves with the report or rejects. */
function formatInWorker(build: string, verbose: boolean): Promise<string> {
  const module = pathToFileURL(join(REPO, 'dist', 'cli', 'report-error.js')).href;
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.module).then(({ formatError }) => {
      const error = (${build})();
      parentPort.postMessage(formatError(error, { verbose: workerData.verbose, color: false }));
    });
    `,
    { eval: true, workerData: { module, verbose }, resourceLimits: { maxOldGenerationSizeMb: 64 } },
  );
  return new Promise((resolve, reject) => {
    worker.once('message', (report: string) => {
      resolve(report);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('formatError', () => {
  it('prints each cause of a cyclic chain once, then ends (--verbose)', async () => {
    const report = await formatInWorker(
      `() => {
        const a = new Error('outer failure');
        const b = new Error('middle failure', { cause: a });
        const c = new Error('inner failure', { cause: b });
        a.cause = c;
        return a;
      }`,
      true,
    );
    assert.equal(report.match(/^Caused by: Error: inner failure$/gm)?.length, 1, report);
    assert.equal(report.match(/^Caused by: Error: middle failure$/gm)?.length, 1, report);
    assert.match(report, /^Caused by: \(the same error as above: the chain of causes loops\)$/m);
    assert.equal(report.match(/outer failure/g)?.length, 2, 'the title and the stack, nothing more');
  });

  it('shows what a thrown plain object holds, bounded and redacted', () => {
    const thrown = {
      code: 'E_LINEAGE',
      detail: { table: 'orders', password: PASSWORD, url: `postgres://postgres:${PASSWORD}@127.0.0.1/test` },
      rows: Array.from({ length: 10_000 }, (_, index) => index),
      blob: 'x'.repeat(100_000),
    };
    const report = formatError(thrown, { verbose: false, color: false, redactor });
    assert.doesNotMatch(report, /\[object Object\]/);
    assert.match(report, /^Error: a non-error value was thrown: \{ code: 'E_LINEAGE'/);
    assert.match(report, /table: 'orders'/);
    assert.match(report, /postgres:\/\/postgres:\*\*\*@127\.0\.0\.1\/test/);
    assert.equal(report.includes(PASSWORD), false, report);
    assert.ok(report.length < 3_000, `${report.length} characters`);
    const cyclic: Record<string, unknown> = { code: 'E_CYCLE' };
    cyclic.self = cyclic;
    assert.match(formatError(cyclic, { verbose: true, color: false }), /code: 'E_CYCLE'.*\[Circular \*1\]/);
  });

  it('masks secrets in the message, the hint, the stack and every cause', () => {
    const error = new SluiceError(`export to postgres://postgres:${PASSWORD}@127.0.0.1:5432/test failed`, {
      hint: `check the password ${PASSWORD}`,
      cause: { reason: `rejected ${PASSWORD}`, cause: new Error(`inner ${PASSWORD}`) },
    });
    for (const verbose of [false, true]) {
      const report = formatError(error, { verbose, color: false, redactor });
      assert.equal(report.includes(PASSWORD), false, report);
      assert.match(report, /^Error: export to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:5432\/test failed$/m);
      assert.match(report, /^Hint: check the password \*\*\*$/m);
      if (verbose) {
        assert.match(report, /^Caused by: \{ reason: 'rejected \*\*\*'/m);
        assert.match(report, /^Caused by: Error: inner \*\*\*$/m);
      }
    }
  });
});
