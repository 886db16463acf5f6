/**
 * `sluice catalog list|describe|resolve` from a child process, on a copy of the numbers fixture
 * whose stats datasets come from a factory pattern, with a mistyped dataset type and a dataset that
 * refers to credentials.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { assertExit, copyProject, ensureBuilt, sluice, write } from './support.ts';

const SECRET = 'hunter2-DB-PASSWORD';
let project: string;

before(() => {
  ensureBuilt();
  project = copyProject('numbers');
  const catalogFile = join(project, 'conf', 'base', 'catalog.yml');
  const declared = readFileSync(catalogFile, 'utf8')
    // The stats datasets come from a pattern instead of two entries.
    .replace(/^stats\.min:\n( {2}.*\n)+\n/m, '')
    .replace(/^stats\.max:\n( {2}.*\n)+\n/m, '');
  writeFileSync(
    catalogFile,
    [
      declared,
      '',
      '"stats.{stat}":',
      '  type: json',
      '  filepath: data/out/stats_{stat}.json',
      '',
      'archive:',
      '  type: parquett',
      '  filepath: data/out/archive.parquet',
      '',
      'readings_table:',
      '  type: sql_table',
      '  table_name: readings',
      '  credentials: warehouse',
      '',
    ].join('\n'),
  );
  write(
    join(project, 'conf', 'local', 'credentials.yml'),
    `warehouse:\n  con: postgresql://analyst:${SECRET}@db.example:5432/warehouse\n`,
  );
});

describe('catalog inspection', { concurrency: true }, () => {
  test('list: type and location of each dataset; an entry that does not resolve is flagged with a did-you-mean and exit 2', async () => {
    const outcome = await sluice(['catalog', 'list'], { cwd: project });
    assertExit(outcome, 2);
    assert.ok(!outcome.output.includes(SECRET), outcome.output);
    const rows = new Map(
      outcome.stdout
        .trimEnd()
        .split('\n')
        .slice(2)
        .map((line) => line.split(/ {2,}/))
        .map(([name, type, location, pipelines]) => [name, { type, location, pipelines }]),
    );
    assert.deepEqual(rows.get('numbers'), {
      type: 'json',
      location: 'data/01_raw/numbers.json',
      pipelines: '__default__, main, slow, stats, versions',
    });
    assert.deepEqual(rows.get('stats.min'), {
      type: 'json',
      location: 'data/out/stats_min.json',
      pipelines: '__default__, stats',
    });
    assert.deepEqual(rows.get('archive ✗'), {
      type: 'parquett',
      location: 'data/out/archive.parquet',
      pipelines: '-',
    });
    assert.deepEqual(rows.get('readings_table'), { type: 'sql_table', location: 'readings', pipelines: '-' });
    assert.deepEqual(rows.get('shifted'), {
      type: 'memory (default)',
      location: '-',
      pipelines: '__default__, main',
    });
    assert.match(outcome.stderr, /^1 entry does not resolve \(✗\):$/m);
    assert.match(
      outcome.stderr,
      /Dataset "archive" \(type parquett, conf\/base\/catalog\.yml:\d+:\d+\): its type is unknown\. Did you mean "parquet"\?/,
    );
  });

  test('list: a catalog whose entries all resolve exits 0', async () => {
    const clean = copyProject('numbers');
    const outcome = await sluice(['catalog', 'list'], { cwd: clean });
    assertExit(outcome, 0);
    assert.equal(outcome.stderr, '');
  });

  test('describe: the factory pattern that produced an entry, where it is written, its settings filled in', async () => {
    const outcome = await sluice(['catalog', 'describe', 'stats.max', '--json'], { cwd: project });
    assertExit(outcome, 0);
    const described = JSON.parse(outcome.stdout) as Record<string, unknown>;
    assert.equal(described.name, 'stats.max');
    assert.equal(described.type, 'json');
    assert.equal(described.pattern, 'stats.{stat}');
    assert.match(String(described.declaredAt), /catalog\.yml:\d+:1$/);
    assert.deepEqual(described.settings, { type: 'json', filepath: 'data/out/stats_max.json' });
    assert.deepEqual(described.pipelines, ['__default__', 'stats']);
    assert.equal(described.problem, null);

    const text = await sluice(['catalog', 'describe', 'stats.max'], { cwd: project });
    assertExit(text, 0);
    assert.match(text.stdout, /^pattern: +stats\.\{stat\}$/m);
    assert.match(text.stdout, /^ {2}filepath: data\/out\/stats_max\.json$/m);
  });

  test('describe: credentials by name only; a broken entry says why and exits 2; an unknown name suggests one', async () => {
    const [table, archive, typo] = await Promise.all([
      sluice(['catalog', 'describe', 'readings_table'], { cwd: project }),
      sluice(['catalog', 'describe', 'archive'], { cwd: project }),
      sluice(['catalog', 'describe', 'numbrs'], { cwd: project }),
    ]);
    assertExit(table, 0);
    assert.match(table.stdout, /^ {2}credentials: warehouse$/m);
    assert.match(table.stdout, /^pattern: +- \(declared by name\)$/m);
    assert.ok(!table.output.includes(SECRET));
    assertExit(archive, 2);
    assert.match(archive.stdout, /^problem: .*Did you mean "parquet"\?/m);
    assertExit(typo, 2);
    assert.match(
      typo.stderr,
      /No dataset "numbrs" in the catalog or any pipeline\. Did you mean "numbers"\?/,
    );
  });

  test("resolve: declared entries and the pipelines' pattern matches, expanded, as YAML", async () => {
    const outcome = await sluice(['catalog', 'resolve'], { cwd: project });
    assertExit(outcome, 0);
    const resolved = parse(outcome.stdout) as Record<string, Record<string, unknown>>;
    assert.deepEqual(resolved['stats.min'], { type: 'json', filepath: 'data/out/stats_min.json' });
    assert.deepEqual(resolved['stats.max'], { type: 'json', filepath: 'data/out/stats_max.json' });
    assert.deepEqual(resolved.readings_table, {
      type: 'sql_table',
      table_name: 'readings',
      credentials: 'warehouse',
    });
    assert.ok(!('stats.{stat}' in resolved), 'patterns themselves are not printed');
    assert.ok(!('shifted' in resolved), 'memory datasets nothing declares are left out');
    assert.ok(!outcome.output.includes(SECRET));
  });
});
