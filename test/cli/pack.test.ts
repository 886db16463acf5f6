/**
 * The README's way in, run line by line outside the repository: `npm pack` in this checkout, a
 * fresh folder elsewhere that installs the tarball, `sluice new` through that install, then in the
 * new project `npm install`, `sluice run`, the starter's tests and its type check. The lines come
 * from the README itself (the block after its `packing-test` marker), so the README can't drift.
 *
 * Installs go through npm's cache first (`--prefer-offline`); the first one compiles better-sqlite3
 * where no prebuilt binary can be fetched, so this test takes minutes (docs/benchmarks.md).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import type { Outcome } from './support.ts';
import { assertExit, command, ensureBuilt, registryOrSkip, REPO } from './support.ts';

const MARKER = '<!-- packing-test:';

/** The README's getting-started lines, comments dropped. */
function readmeLines(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf(MARKER);
  assert.ok(start >= 0, `README.md has a "${MARKER}" block`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start));
  assert.ok(block !== null);
  return block[1]!
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

test(
  'pack, install the tarball outside the repository, sluice new, run, and the starter tests itself',
  { timeout: 4 * 60 * 60_000 },
  async (t) => {
    const outside = mkdtempSync(join(tmpdir(), 'sluice-pack-'));
    t.after(() => {
      if (process.env.SLUICE_KEEP_TMP !== '1') rmSync(outside, { recursive: true, force: true });
    });
    assert.ok(relative(REPO, outside).startsWith('..'), 'the temporary folder is outside the checkout');
    if (!(await registryOrSkip(t, outside))) return;
    const tarballs = join(outside, 'tarballs');
    const home = join(outside, 'home');
    const env = {
      // npm's cache first; the registry only for what it lacks.
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      // `npm pack` writes the tarball here rather than into the checkout.
      npm_config_pack_destination: tarballs,
    };
    const tarball = join(tarballs, `sluice-${readPackageVersion()}.tgz`);
    const substitute = (line: string) =>
      line
        .replaceAll('/path/to/sluice/sluice-', `${tarballs}/sluice-`)
        .replaceAll('/path/to/sluice', REPO)
        .replaceAll('~/', `${home}/`);

    ensureBuilt();
    let cwd = REPO;
    const outcomes = new Map<string, Outcome>();
    for (const line of readmeLines().map(substitute)) {
      // The checkout running this test is installed already, and its node_modules is shared.
      if (line === 'npm install' && cwd === REPO) continue;
      const cd = /^cd (.+)$/.exec(line);
      if (cd !== null) {
        cwd = resolve(cwd, cd[1]!);
        continue;
      }
      if (line === 'npm pack') mkdirSync(tarballs, { recursive: true });
      const started = performance.now();
      // An install compiles native modules: on a loaded machine that takes far longer than the
      // usual safety net, which is for hangs, not for slow work.
      const timeoutMs = /^npm (install|pack)\b/.test(line) ? 90 * 60_000 : undefined;
      // `npm pack` runs the prepack build, which rewrites dist/ while the other test files of the
      // suite execute it; dist/ is built before the suite starts (ensureBuilt above), so here
      // the pack skips that script. A user's `npm pack` builds as the README says.
      const script = line === 'npm pack' && cwd === REPO ? 'npm pack --ignore-scripts' : line;
      const outcome = await command('bash', ['-c', script], {
        cwd,
        env,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
      t.diagnostic(
        `${line}: exit ${outcome.code} after ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      assertExit(outcome, 0);
      outcomes.set(line, outcome);
    }

    const site = join(home, 'pipelines');
    const project = join(site, 'my-project');
    assert.ok(existsSync(tarball), `npm pack wrote ${tarball}`);
    assert.ok(relative(REPO, project).startsWith('..'));
    // The installs are real copies, not links back into the checkout.
    assert.ok(existsSync(join(site, 'node_modules', 'sluice', 'dist', 'cli', 'main.js')));
    assert.ok(existsSync(join(project, 'node_modules', 'sluice', 'docs', 'cli.md')));
    assert.equal(outcomes.get('npx sluice --version')!.stdout.trim(), readPackageVersion());

    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    assert.equal(
      manifest.dependencies.sluice,
      `file:${tarball}`,
      'the new project depends on the same tarball',
    );

    assert.match(outcomes.get('npx sluice run')!.stderr, /^3 nodes: 3 done, 0 failed, 0 skipped in /m);
    assert.ok(existsSync(join(project, 'data', '08_reporting', 'report.txt')));
    assert.match(outcomes.get('npm test')!.stdout, /^# pass 3$/m);
    assert.match(outcomes.get('npm test')!.stdout, /^# fail 0$/m);

    const readme = readFileSync(join(project, 'README.md'), 'utf8');
    for (const [, link] of readme.matchAll(/\]\(([^)]+)\)/g))
      assert.ok(existsSync(join(project, link!)), `the starter's README link ${link} resolves`);

    // The heavy integrations are optional peers: the starter uses none, so none was installed...
    const peers = readPeerDependencies();
    for (const name of Object.keys(peers)) {
      for (const folder of [project, site])
        assert.ok(!existsSync(join(folder, 'node_modules', name)), `${name} is not installed in ${folder}`);
    }
    // ...and a feature that needs one says which, where it is used, and the command that adds it.
    const catalogFile = join(project, 'conf', 'base', 'catalog.yml');
    const catalog = readFileSync(catalogFile, 'utf8');
    assert.match(catalog, /^readings:\n {2}type: csv\n {2}filepath: data\/01_raw\/readings\.csv$/m);
    for (const [type, extension, needed] of [
      ['excel', 'xlsx', 'exceljs'],
      ['parquet', 'parquet', '@duckdb/node-api'],
    ] as const) {
      writeFileSync(join(project, 'data', '01_raw', `readings.${extension}`), '');
      writeFileSync(
        catalogFile,
        catalog.replace(
          'type: csv\n  filepath: data/01_raw/readings.csv',
          `type: ${type}\n  filepath: data/01_raw/readings.${extension}`,
        ),
      );
      const run = await command('npx', ['sluice', 'run'], { cwd: project, env });
      assert.notEqual(run.code, 0);
      assert.ok(
        run.stderr.includes(
          `Dataset "readings" (${type}, conf/base/catalog.yml:2:1) needs the package ${needed}, an optional dependency of Sluice that this project hasn't installed: run \`npm install "${needed}@${peers[needed]}"\`.`,
        ),
        run.stderr,
      );
    }
    writeFileSync(catalogFile, catalog);
    const worker = await command('npx', ['sluice', 'worker'], { cwd: project, env });
    assert.notEqual(worker.code, 0);
    assert.ok(
      worker.stderr.includes(
        `\`sluice worker\` needs the packages bullmq, ioredis, optional dependencies of Sluice that this project hasn't installed: run \`npm install "bullmq@${peers.bullmq}" "ioredis@${peers.ioredis}"\`.`,
      ),
      worker.stderr,
    );
  },
);

function readPeerDependencies(): Record<string, string> {
  return (
    JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      peerDependencies: Record<string, string>;
    }
  ).peerDependencies;
}

function readPackageVersion(): string {
  return (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
}
