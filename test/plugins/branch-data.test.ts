/**
 * Branch-aware data on a real git repository made in the test: outputs of a branch go to
 * `<path>_<branch>` (plain, versioned and partitioned datasets), main's data is untouched, two
 * branches don't see each other's outputs, inputs fall back to the shared copy, the run says what
 * it reads from where, detached HEAD and no git leave it off with a note, and
 * `sluice branch-data list|clean` show and remove one branch's copies.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { branchPath, safeBranchName, Session } from '../../src/index.ts';
import { main } from '../../src/cli/main.ts';
import { readRecord, withEnv } from '../session/support.ts';
import { writeProject } from './step-hooks-support.ts';

const CONFIG = `
import { appendFileSync } from 'node:fs';
import { branchDataPlugin, defineConfig, node, Pipeline } from '{{sluice}}';

const log = (line: string) => appendFileSync(process.env.SLUICE_TEST_RECORD!, JSON.stringify(line) + '\\n');
const double = (xs: number[], factor: number) => xs.map((x) => x * factor);
const total = (xs: number[]) => ({ total: xs.reduce((a, b) => a + b, 0) });
const split = (xs: number[]) => Object.fromEntries(xs.map((x, i) => ['part' + i, [x]]));
export default defineConfig({
  hooks: [branchDataPlugin({ log })],
  pipelines: {
    __default__: new Pipeline([
      node(double, ['raw', 'params:factor'], 'doubled', { name: 'double' }),
      node(total, 'doubled', 'summary', { name: 'total' }),
      node(split, 'doubled', 'parts', { name: 'split' }),
    ]),
  },
});
`;

const CATALOG = `
raw: { type: json, filepath: data/raw.json }
doubled: { type: json, filepath: data/doubled.json }
summary: { type: json, filepath: data/summary.json, versioned: true }
parts: { type: partitioned, path: data/parts, dataset: { type: json }, filename_suffix: .json }
`;

function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function gitProject(): string {
  const root = writeProject({
    'sluice.config.ts': CONFIG,
    'conf/base/catalog.yml': CATALOG,
    'conf/base/parameters.yml': 'factor: 2\n',
    'conf/base/branch_data.yml': 'enabled: true\n',
    'data/raw.json': '[1, 2, 3]',
    '.gitignore': 'record.jsonl\n',
  });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'project');
  return root;
}

async function run(
  root: string,
  params: Record<string, unknown> = {},
  runner: 'sequential' | 'parallel' = 'sequential',
) {
  const record = join(root, 'record.jsonl');
  writeFileSync(record, '');
  const session = await Session.create({ projectPath: root, runtimeParams: params, log: () => {} });
  await withEnv({ SLUICE_TEST_RECORD: record, SLUICE_BRANCH: undefined }, () => session.run({ runner }));
  return readRecord<string>(record);
}

const json = (root: string, path: string): unknown => JSON.parse(readFileSync(join(root, path), 'utf8'));

async function cli(
  root: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await withEnv({ SLUICE_BRANCH: undefined }, () =>
    main(['--project', root, ...args], {
      stdout: sink((text) => (stdout += text)),
      stderr: sink((text) => (stderr += text)),
    }),
  );
  return { code, stdout, stderr };
}

test('branch names become safe path suffixes before the extension', () => {
  assert.equal(safeBranchName('feature/New plot'), 'feature-New-plot');
  assert.equal(safeBranchName('../../etc'), 'etc');
  assert.equal(branchPath('data/x.csv', 'feat'), 'data/x_feat.csv');
  assert.equal(branchPath('data/parts', 'feat'), 'data/parts_feat');
  assert.equal(branchPath('data/parts/', 'feat'), 'data/parts_feat/');
  assert.equal(branchPath('s3://bucket/a/b.parquet', 'feat'), 's3://bucket/a/b_feat.parquet');
  assert.equal(branchPath('data/.hidden', 'feat'), 'data/.hidden_feat');
});

test('branches keep their own outputs; main is untouched; inputs fall back to the shared copy', async () => {
  const root = gitProject();
  const onMain = await run(root);
  assert.deepEqual(onMain, [], 'on main the plugin is silent');
  assert.deepEqual(json(root, 'data/doubled.json'), [2, 4, 6]);
  const mainVersions = readdirSync(join(root, 'data/summary.json'));

  git(root, 'checkout', '-q', '-b', 'feature/x');
  const onFeature = await run(root, { factor: 10 }, 'parallel');
  assert.deepEqual(onFeature, [
    'sluice: branch data for "feature/x": outputs are saved to <path>_feature-x. Inputs read from the branch: none. Inputs read from the shared copy: raw.',
  ]);
  assert.deepEqual(json(root, 'data/doubled_feature-x.json'), [10, 20, 30]);
  const [version] = readdirSync(join(root, 'data/summary_feature-x.json'));
  assert.deepEqual(json(root, `data/summary_feature-x.json/${version}/summary_feature-x.json`), {
    total: 60,
  });
  assert.deepEqual(json(root, 'data/parts_feature-x/part0.json'), [10]);
  assert.deepEqual(json(root, 'data/doubled.json'), [2, 4, 6], "main's output is untouched");
  assert.deepEqual(
    readdirSync(join(root, 'data/summary.json')),
    mainVersions,
    "main's versions are untouched",
  );
  assert.deepEqual(json(root, 'data/parts/part0.json'), [2]);

  git(root, 'checkout', '-q', 'main');
  git(root, 'checkout', '-q', '-b', 'other');
  writeFileSync(join(root, 'data/raw_other.json'), '[5]');
  const onOther = await run(root, { factor: 3 });
  assert.match(onOther[0]!, /Inputs read from the branch: raw\. Inputs read from the shared copy: none\./);
  assert.deepEqual(json(root, 'data/doubled_other.json'), [15], "the branch's own input copy is read");
  assert.deepEqual(
    json(root, 'data/doubled_feature-x.json'),
    [10, 20, 30],
    "another branch's outputs are not seen",
  );

  // list and clean: the checked-out branch, then another one by name; shared data stays.
  const listed = await cli(root, 'branch-data', 'list');
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^Branch "other":/);
  assert.match(listed.stdout, /^doubled +data\/doubled_other\.json +yes +data\/doubled\.json$/m);
  assert.match(listed.stdout, /^parts +data\/parts_other +yes +data\/parts$/m);
  const dry = await cli(root, 'branch-data', 'clean', '--branch', 'feature/x', '--dry-run');
  assert.match(dry.stdout, /^Would remove data\/doubled_feature-x\.json \(doubled\)$/m);
  assert.ok(existsSync(join(root, 'data/doubled_feature-x.json')));
  const cleaned = await cli(root, 'branch-data', 'clean', '--branch', 'feature/x');
  assert.equal(cleaned.code, 0, cleaned.stderr);
  for (const path of ['doubled_feature-x.json', 'summary_feature-x.json', 'parts_feature-x'])
    assert.equal(existsSync(join(root, 'data', path)), false, path);
  assert.ok(existsSync(join(root, 'data/doubled_other.json')), "the other branch's copies stay");
  assert.deepEqual(json(root, 'data/doubled.json'), [2, 4, 6], 'shared data stays');
  assert.deepEqual(json(root, 'data/raw.json'), [1, 2, 3]);
});

test('detached HEAD and a project outside git: off, with a note; data goes to the shared paths', async () => {
  const root = gitProject();
  git(root, 'checkout', '-q', '--detach');
  const detached = await run(root);
  assert.equal(detached.length, 1);
  assert.match(detached[0]!, /HEAD is detached \(at [0-9a-f]{12}\): datasets use their shared paths/);
  assert.deepEqual(json(root, 'data/doubled.json'), [2, 4, 6]);
  const listed = await cli(root, 'branch-data', 'list');
  assert.equal(listed.code, 2);
  assert.match(listed.stderr, /HEAD is detached/);

  const plain = writeProject({
    'sluice.config.ts': CONFIG,
    'conf/base/catalog.yml': CATALOG,
    'conf/base/parameters.yml': 'factor: 2\n',
    'conf/base/branch_data.yml': 'enabled: true\n',
    'data/raw.json': '[1]',
  });
  mkdirSync(join(plain, 'data'), { recursive: true });
  const outside = await run(plain);
  assert.match(outside[0]!, /not in a git repository: datasets use their shared paths/);
  assert.deepEqual(json(plain, 'data/doubled.json'), [2]);
});

test('catalog list shows the branch location with its fallback', async () => {
  const root = gitProject();
  git(root, 'checkout', '-q', '-b', 'feat');
  const listed = await cli(root, 'catalog', 'list');
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(
    listed.stdout,
    /^doubled +json +data\/doubled_feat\.json \(else data\/doubled\.json\) +__default__ +branch "feat"$/m,
  );
});
