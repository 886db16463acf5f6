/**
 * `sluice new` and the starter project it writes, run the way a user runs them: `new`, then `run`
 * in the new folder (node_modules/sluice linked to this checkout, as `npm install` links a `file:`
 * dependency), and once for real with `npm install`, `npx sluice run` and the starter's `npm test`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { SAFETY_NET_MS } from '../support/safety-net.ts';
import {
  assertExit,
  command,
  done,
  ensureBuilt,
  linkSluice,
  registryOrSkip,
  REPO,
  sluice,
  STACK_FRAME,
  tempDir,
  write,
} from './support.ts';

before(() => ensureBuilt());

const STARTER_FILES = [
  'sluice.config.ts',
  'conf/base/catalog.yml',
  'conf/base/parameters.yml',
  'conf/local/credentials.yml',
  '.gitignore',
  'data/01_raw/readings.csv',
  'src/pipelines/weather/nodes.ts',
  'src/pipelines/weather/pipeline.ts',
  'src/hooks.ts',
  'package.json',
  'README.md',
  'tsconfig.json',
  'test/weather.test.ts',
];

/** What the weather pipeline must write, computed here from the starter's own data and parameters. */
function expectedReport(project: string): string {
  const params = parse(readFileSync(join(project, 'conf/base/parameters.yml'), 'utf8')) as {
    units: string;
    warm_threshold: number;
  };
  const [header, ...rows] = readFileSync(join(project, 'data/01_raw/readings.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(header, 'station,date,temperature_c');
  const groups = new Map<string, { station: string; date: string; temperatures: number[] }>();
  for (const row of rows) {
    const [station, date, temperature] = row.split(',');
    if (temperature === undefined || temperature.trim() === '') continue; // sensors miss some readings
    const key = `${station}|${date}`;
    if (!groups.has(key)) groups.set(key, { station: station!, date: date!, temperatures: [] });
    groups.get(key)!.temperatures.push(Number(temperature));
  }
  const lines = [...groups.values()].map(({ station, date, temperatures }) => {
    const mean = temperatures.reduce((sum, value) => sum + value, 0) / temperatures.length;
    const warm = mean >= params.warm_threshold ? ' (warm)' : '';
    return `${date} ${station}: ${Math.round(mean * 10) / 10} ${params.units}${warm}`;
  });
  return `${lines.join('\n')}\n`;
}

describe('sluice new', { concurrency: true }, () => {
  test('writes the starter project, which `sluice run` runs: exit 0, the report, the summary table', async () => {
    const parent = tempDir('new');
    const project = join(parent, 'weather-demo');
    const created = await sluice(['new', project], { cwd: parent });
    assertExit(created, 0);
    assert.match(created.stdout, /Created weather-demo in .*weather-demo\./);
    assert.match(created.stdout, /npm install\n\s+npx sluice run/);
    assert.equal(created.stderr, '');

    for (const file of STARTER_FILES) assert.ok(existsSync(join(project, file)), `${file} exists`);
    assert.ok(readdirSync(join(project, 'src/pipelines/weather')).length >= 2);
    assert.ok(!existsSync(join(project, '_gitignore')), "the template's _gitignore is renamed");
    const ignored = readFileSync(join(project, '.gitignore'), 'utf8').split('\n');
    assert.ok(ignored.includes('conf/local/credentials.yml'), ignored.join('\n'));
    assert.ok(ignored.some((line) => /^node_modules\/?$/.test(line)));
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as {
      name: string;
      type: string;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    assert.equal(manifest.name, 'weather-demo');
    assert.equal(manifest.type, 'module');
    // Sluice runs from a checkout here, so the starter depends on it by path.
    assert.equal(manifest.dependencies.sluice, `file:${REPO}`);
    assert.ok(
      manifest.devDependencies.tsx !== undefined && manifest.devDependencies.typescript !== undefined,
    );
    const readme = readFileSync(join(project, 'README.md'), 'utf8');
    assert.match(readme, /^# weather-demo$/m);
    assert.doesNotMatch(readme + JSON.stringify(manifest), /\{\{/, 'no placeholder is left');
    assert.match(readFileSync(join(project, 'sluice.config.ts'), 'utf8'), /from 'sluice'/);

    linkSluice(project);
    const links = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((match) => match[1]!);
    assert.ok(links.length > 0);
    for (const link of links) {
      assert.doesNotMatch(link, /^https?:/, `${link}: the starter links only to files it has`);
      assert.ok(existsSync(join(project, link)), `README link ${link} resolves once sluice is installed`);
    }
    const run = await sluice(['run'], { cwd: project });
    assertExit(run, 0);
    const report = join(project, 'data/08_reporting/report.txt');
    assert.equal(readFileSync(report, 'utf8'), expectedReport(project));
    assert.ok(existsSync(join(project, 'data/02_intermediate/daily_summary.json')));
    // stderr is a pipe, so the default progress display is plain lines, then the summary table.
    assert.deepEqual(done(run.stderr), ['clean_readings', 'summarize_days', 'write_report']);
    assert.match(run.stderr, /^node +load +run +save +total +status +written to$/m);
    assert.match(run.stderr, /^write_report( +\d+\.\d\d){4} +done +data\/08_reporting\/report\.txt$/m);
    assert.match(run.stderr, /^3 nodes: 3 done, 0 failed, 0 skipped in \d+\.\d\ds$/m);
    assert.equal(run.stdout, '', 'the starter prints nothing of its own unless NODE_TIMER=1');

    // The example hook of src/hooks.ts runs too, and `--project` works from anywhere.
    const timed = await sluice(['--project', project, 'run', '--progress', 'off'], {
      cwd: parent,
      env: { NODE_TIMER: '1' },
    });
    assertExit(timed, 0);
    assert.match(timed.stdout, /^\[node-timer\] write_report took \d+\.\d ms$/m);
    assert.equal(timed.stderr, '');
  });

  test('into a folder that is not empty: exit 2, one clear message with a hint, nothing written', async () => {
    const parent = tempDir('new-full');
    const target = join(parent, 'taken');
    write(join(target, 'notes.txt'), 'mine\n');
    const outcome = await sluice(['new', target], { cwd: parent });
    assertExit(outcome, 2);
    assert.match(outcome.stderr, /^Error: .*taken already exists and is not empty\.$/m);
    assert.match(outcome.stderr, /^Hint: /m);
    assert.doesNotMatch(outcome.stderr, STACK_FRAME);
    assert.deepEqual(readdirSync(target), ['notes.txt']);
  });

  test('onto an existing file: a usage error (exit 2) with a clear message, not a raw errno', async () => {
    const parent = tempDir('new-file');
    write(join(parent, 'notes.txt'), 'mine\n');
    const outcome = await sluice(['new', 'notes.txt'], { cwd: parent });
    assertExit(outcome, 2);
    assert.match(outcome.stderr, /^Error: .*notes\.txt/m);
    assert.match(outcome.stderr, /^Hint: /m);
    assert.doesNotMatch(outcome.stderr, /ENOTDIR/);
  });

  test('into an existing empty folder it writes the starter; an invalid --name is a usage error', async () => {
    const parent = tempDir('new-empty');
    mkdirSync(join(parent, 'fresh'));
    const [intoEmpty, badName] = await Promise.all([
      sluice(['new', join(parent, 'fresh'), '--name', 'fresh-name'], { cwd: parent }),
      sluice(['new', join(parent, 'other'), '--name', 'Not A Name'], { cwd: parent }),
    ]);
    assertExit(intoEmpty, 0);
    assert.equal(JSON.parse(readFileSync(join(parent, 'fresh', 'package.json'), 'utf8')).name, 'fresh-name');
    assertExit(badName, 2);
    assert.match(badName.stderr, /"Not A Name" is not a valid npm package name/);
    assert.ok(!existsSync(join(parent, 'other', 'package.json')));
  });

  test(
    "for real: npm install in a new project, then npx sluice run, then the starter's own npm test",
    { timeout: SAFETY_NET_MS },
    async (t) => {
      const parent = tempDir('new-npm');
      if (!(await registryOrSkip(t, parent))) return;
      const project = join(parent, 'real-starter');
      assertExit(await sluice(['new', project], { cwd: parent }), 0);

      const install = await command('npm', ['install', '--no-audit', '--no-fund'], { cwd: project });
      assertExit(install, 0);
      // npm links a file: dependency; tsx, typescript and @types/node come from the registry.
      assert.ok(statSync(join(project, 'node_modules', 'sluice')).isDirectory());
      for (const name of ['tsx', 'typescript', '@types/node'])
        assert.ok(existsSync(join(project, 'node_modules', name, 'package.json')), `${name} installed`);

      const run = await command('npx', ['sluice', 'run'], { cwd: project });
      assertExit(run, 0);
      assert.equal(
        readFileSync(join(project, 'data/08_reporting/report.txt'), 'utf8'),
        expectedReport(project),
      );
      assert.match(run.stderr, /^3 nodes: 3 done, 0 failed, 0 skipped in /m);

      const tested = await command('npm', ['test'], { cwd: project });
      assertExit(tested, 0);
      assert.match(tested.stdout, /^# pass 3$/m);
      assert.match(tested.stdout, /^# fail 0$/m);
    },
  );
});
