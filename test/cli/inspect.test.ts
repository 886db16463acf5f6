/**
 * `sluice catalog list`, `sluice pipeline list` and `sluice info` from a child process, on the
 * numbers fixture with credentials in conf/local, one plugin package installed and one disabled.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { Outcome } from './support.ts';
import {
  assertExit,
  auditPluginSource,
  copyProject,
  disablePlugins,
  ensureBuilt,
  installPackage,
  sluice,
  tempDir,
  write,
} from './support.ts';

const SECRETS = ['hunter2-DB-PASSWORD', 'AKIA-BUCKET-SECRET-KEY', 'tok-SECRET-in-a-query'];

let project: string;

before(async () => {
  ensureBuilt();
  project = copyProject('numbers');
  write(
    join(project, 'conf', 'local', 'credentials.yml'),
    [
      'warehouse:',
      `  con: postgresql://analyst:${SECRETS[0]}@db.example:5432/warehouse?token=${SECRETS[2]}`,
      'bucket:',
      '  key: reader',
      `  secret: ${SECRETS[1]}`,
      '',
    ].join('\n'),
  );
  appendFileSync(
    join(project, 'conf', 'base', 'catalog.yml'),
    [
      '',
      'readings_table:',
      '  type: sql_table',
      '  table_name: readings',
      '  credentials: warehouse',
      '',
      'raw_copy:',
      '  type: csv',
      '  filepath: data/raw_copy.csv',
      '  credentials: bucket',
      '',
    ].join('\n'),
  );
  installPackage(project, 'sluice-audit', auditPluginSource('sluice-audit'));
  installPackage(project, '@acme/sluice-muted', auditPluginSource('muted'));
  disablePlugins(project, ['@acme/sluice-muted']);
  assertExit(await sluice(['pipeline', 'list'], { cwd: project }), 0);
});

/** Rows of an aligned table: the header, the dashes, then one array of cells per row. */
function tableRows(stdout: string): string[][] {
  const lines = stdout.trimEnd().split('\n');
  assert.match(lines[1]!, /^-+( +-+)*$/, stdout);
  return lines.slice(2).map((line) => line.split(/ {2,}/));
}

function assertNoSecret(outcome: Outcome): void {
  for (const secret of SECRETS) {
    assert.ok(
      !outcome.stdout.includes(secret) && !outcome.stderr.includes(secret),
      `"${secret}" never printed\n${outcome.output}`,
    );
  }
}

describe('inspecting a project', { concurrency: true }, () => {
  test('catalog list: every dataset with its type and the pipelines that use it; credentials never printed', async () => {
    const [all, verbose, stats, staging] = await Promise.all([
      sluice(['catalog', 'list'], { cwd: project }),
      sluice(['--verbose', 'catalog', 'list'], { cwd: project }),
      sluice(['catalog', 'list', '--pipeline', 'stats'], { cwd: project }),
      sluice(['catalog', 'list', '--env', 'staging'], { cwd: project }),
    ]);
    for (const outcome of [all, verbose, stats]) {
      assertExit(outcome, 0);
      assertNoSecret(outcome);
    }
    // conf/local (the credentials) is not layered under --env staging, so the two entries that
    // need credentials are flagged there.
    assertExit(staging, 2);
    assertNoSecret(staging);
    assert.match(staging.stderr, /^2 entries do not resolve \(✗\):$/m);
    assert.match(
      staging.stderr,
      /Dataset "raw_copy" .*its credentials "bucket" are not in the credentials configuration/,
    );
    assert.match(all.stdout, /^dataset +type +location +pipelines +moved by$/m);
    const rows = new Map(
      tableRows(all.stdout).map(([name, type, , pipelines]) => [name, { type, pipelines }]),
    );
    assert.deepEqual(rows.get('numbers'), {
      type: 'json',
      pipelines: '__default__, main, slow, stats, versions',
    });
    assert.deepEqual(rows.get('doubled'), { type: 'json', pipelines: '__default__, main' });
    assert.deepEqual(rows.get('report'), { type: 'text', pipelines: '__default__, main' });
    assert.deepEqual(rows.get('stats.min'), { type: 'json', pipelines: '__default__, stats' });
    assert.deepEqual(rows.get('snapshot'), { type: 'json', pipelines: 'versions' });
    assert.deepEqual(rows.get('shifted'), { type: 'memory (default)', pipelines: '__default__, main' });
    assert.deepEqual(rows.get('readings_table'), { type: 'sql_table', pipelines: '-' });
    assert.deepEqual(rows.get('raw_copy'), { type: 'csv', pipelines: '-' });
    assert.ok(!rows.has('params:factor') && !rows.has('parameters'), 'parameters are not datasets');
    assert.deepEqual([...rows.keys()], [...rows.keys()].sort(), 'sorted by name');
    assert.equal(verbose.stdout, all.stdout);

    assert.deepEqual(
      tableRows(stats.stdout).map(([name, type, , pipelines]) => [name, type, pipelines]),
      [
        ['numbers', 'json', 'stats'],
        ['stats.max', 'json', 'stats'],
        ['stats.min', 'json', 'stats'],
      ],
    );
    assert.deepEqual(
      tableRows(staging.stdout).map(([name, ...rest]) => [name!.replace(/ ✗$/, ''), ...rest]),
      tableRows(all.stdout),
      'staging overrides parameters only',
    );
  });

  test('a run whose database refuses the connection names the dataset and the host, never the credentials, even with --verbose', async () => {
    const conf = join(tempDir('conf'), 'conf');
    write(
      join(conf, 'base', 'catalog.yml'),
      'numbers:\n  type: sql_table\n  table_name: numbers\n  credentials: warehouse\n',
    );
    write(join(conf, 'base', 'parameters.yml'), 'factor: 2\n');
    // Port 1 refuses at once: no server is needed.
    write(
      join(conf, 'local', 'credentials.yml'),
      `warehouse:\n  con: postgresql://analyst:${SECRETS[0]}@127.0.0.1:1/warehouse?token=${SECRETS[2]}\n`,
    );
    const outcome = await sluice(
      [
        '--verbose',
        'run',
        '--pipeline',
        'stats',
        '--conf-source',
        conf,
        '--params',
        `out_dir=${tempDir('out')}`,
      ],
      { cwd: project },
    );
    assertExit(outcome, 1);
    assert.match(
      outcome.stderr,
      /^Error: Dataset "numbers" \(sql_table, .*catalog\.yml:1:1\) could not load .*127\.0\.0\.1:1/m,
    );
    assertNoSecret(outcome);
  });

  test('pipeline list: the registered pipelines and their node counts', async () => {
    const outcome = await sluice(['pipeline', 'list'], { cwd: project });
    assertExit(outcome, 0);
    assert.match(outcome.stdout, /^pipeline +nodes$/m);
    assert.deepEqual(tableRows(outcome.stdout), [
      ['__default__', '7'],
      ['main', '5'],
      ['slow', '2'],
      ['stats', '2'],
      ['versions', '2'],
    ]);
    assert.equal(outcome.stderr, '');
  });

  test('info: the version, the plugins found (disabled ones shown as such) and each hook in call order', async () => {
    const outcome = await sluice(['info'], { cwd: project });
    assertExit(outcome, 0);
    assertNoSecret(outcome);
    const version = (
      JSON.parse(readFileSync(join(project, 'node_modules', 'sluice', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    assert.match(
      outcome.stdout,
      new RegExp(`^sluice ${version.replaceAll('.', '\\.')} \\(node ${process.version}\\)$`, 'm'),
    );
    assert.match(outcome.stdout, new RegExp(`^project: ${project.replaceAll('\\', '\\\\')}$`, 'm'));

    const section = (title: string) => {
      const lines = outcome.stdout.split('\n');
      const start = lines.indexOf(title);
      assert.ok(start >= 0, `${title}\n${outcome.stdout}`);
      const end = lines.indexOf('', start);
      return lines.slice(start + 1, end === -1 ? undefined : end).map((line) => line.trim());
    };
    const plugins = section('plugins (registration order):');
    assert.ok(plugins.includes('sluice-audit (package sluice-audit)'), plugins.join('\n'));
    assert.ok(plugins.includes('recorder (sluice.config)'), plugins.join('\n'));
    assert.ok(
      plugins.includes('@acme/sluice-muted (package, disabled by disableHooksForPlugins)'),
      plugins.join('\n'),
    );
    assert.ok(!plugins.some((line) => line.startsWith('muted')), 'the disabled package registers nothing');
    // Discovered plugins register first, so the project's own come after them.
    assert.ok(
      plugins.indexOf('sluice-audit (package sluice-audit)') < plugins.indexOf('recorder (sluice.config)'),
    );

    const hooks = new Map(
      section('hooks (implementations in call order):').map((line) => {
        const [name, impls] = line.split(': ');
        return [name!, impls!.split(' -> ')];
      }),
    );
    const order = (hook: string) => hooks.get(hook) ?? assert.fail(`${hook} listed\n${outcome.stdout}`);
    // LIFO: the project's plugin (registered last) is called before the discovered one...
    const before = order('beforeNodeRun');
    assert.ok(
      before.indexOf('recorder') >= 0 && before.indexOf('recorder') < before.indexOf('sluice-audit'),
      before.join(' -> '),
    );
    // ...unless the discovered one asks for tryfirst.
    const after = order('afterNodeRun');
    assert.ok(
      after.indexOf('sluice-audit [tryfirst]') >= 0 &&
        after.indexOf('sluice-audit [tryfirst]') < after.indexOf('recorder'),
      after.join(' -> '),
    );
    assert.ok(order('beforeCommandRun').includes('sluice-audit'));
    assert.ok(order('beforeDatasetLoaded').includes('recorder'));
    assert.ok(
      ![...hooks.values()].flat().some((impl) => impl.startsWith('muted')),
      'nothing of the disabled package',
    );
  });
});

test('`sluice info` outside a project prints the version and the plugin packages installed there, and exits 0', async () => {
  ensureBuilt();
  const folder = tempDir('no-project');
  installPackage(folder, 'sluice-audit', auditPluginSource('audit'));
  const outcome = await sluice(['info'], { cwd: folder });
  assertExit(outcome, 0);
  assert.match(outcome.stdout, /^sluice \d+\.\d+\.\d+/);
  assert.match(outcome.stdout, /no project in .* \(no sluice\.config\.ts\)/);
  assert.match(outcome.stdout, /audit \(package sluice-audit\)/);
});
