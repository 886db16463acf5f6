/**
 * The API report: every name each entry point exports, checked against test/api/public-api.txt.
 * A change to the public surface must change that file too, so that it shows in review.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO, entryPoints, exportedNames } from './entry-points.ts';

const REPORT = join(REPO, 'test', 'api', 'public-api.txt');
const UPDATE = 'UPDATE_API_REPORT=1 node --import tsx --test test/api/public-api.test.ts';

/** One block per entry point: `# sluice`, then its names sorted, types marked `type`. */
function report(): string {
  const blocks = entryPoints().map(({ specifier, source }) => {
    const lines = exportedNames(source)
      .map(({ name, typeOnly }) => (typeOnly ? `type ${name}` : name))
      .sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, '')) || a.localeCompare(b));
    return [`# ${specifier} (${source})`, ...lines].join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

test('every entry point exports exactly the names of test/api/public-api.txt', async () => {
  const actual = report();
  if (process.env.UPDATE_API_REPORT === '1') {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(REPORT, actual);
  }
  assert.equal(
    actual,
    readFileSync(REPORT, 'utf8'),
    `The public API changed. If that is on purpose, update the report with \`${UPDATE}\` and commit test/api/public-api.txt with the change (and say so in docs/hooks.md or docs/datasets-files.md for the author tiers).`,
  );
});

test('no name is exported twice from one entry point', () => {
  for (const { specifier, source } of entryPoints()) {
    const names = exportedNames(source).map((entry) => entry.name);
    const repeated = names.filter((name, index) => names.indexOf(name) !== index);
    assert.deepEqual(repeated, [], `${specifier} (${source}) exports ${repeated.join(', ')} more than once`);
  }
});

test('at run time each entry point has exactly its value exports', async () => {
  for (const { specifier, source } of entryPoints()) {
    const loaded = (await import(pathToFileURL(join(REPO, source)).href)) as Record<string, unknown>;
    const values = exportedNames(source)
      .filter((entry) => !entry.typeOnly)
      .map((entry) => entry.name)
      .sort();
    assert.deepEqual(Object.keys(loaded).sort(), values, `${specifier} (${source})`);
    for (const name of values)
      assert.notEqual(loaded[name], undefined, `${specifier} exports ${name} as undefined`);
  }
});
