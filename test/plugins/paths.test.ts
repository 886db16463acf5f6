/**
 * Path rules (conf/<env>/paths.yml) on real JSON files: each rule kind (prefix, bucket, by name
 * pattern, by type), first match wins, env layering over base, a rule that matches nothing warns,
 * the catalog API itself (rewriteLocations, locationOf, fallback loads), and the parallel runner's
 * workers saving where the main process says.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { main } from '../../src/cli/main.ts';
import { DataCatalog, PathRulesError, Session } from '../../src/index.ts';
import { readRecord, withEnv } from '../session/support.ts';
import { writeProject } from './step-hooks-support.ts';

const CONFIG = `
import { appendFileSync } from 'node:fs';
import { defineConfig, node, Pipeline, pathsPlugin } from '{{sluice}}';

const log = (line: string) => appendFileSync(process.env.SLUICE_TEST_RECORD!, JSON.stringify(line) + '\\n');
export default defineConfig({
  hooks: [pathsPlugin({ log })],
  pipelines: {
    __default__: new Pipeline([
      node(() => [1, 2], undefined, 'raw_numbers', { name: 'make' }),
      node((xs: number[]) => xs.map((x) => x * 2), 'raw_numbers', 'model_input', { name: 'double' }),
      node((xs: number[]) => String(xs.length), 'model_input', 'report_count', { name: 'count' }),
    ]),
  },
});
`;

const CATALOG = `
raw_numbers: { type: json, filepath: data/01_raw/numbers.json }
model_input: { type: json, filepath: data/05_model_input/input.json }
report_count: { type: text, filepath: data/08_reporting/count.txt }
`;

async function run(root: string, env = 'local', runner: 'sequential' | 'parallel' = 'sequential') {
  const recordFile = join(root, 'record.jsonl');
  const session = await Session.create({ projectPath: root, env, log: () => {} });
  await withEnv({ SLUICE_TEST_RECORD: recordFile }, () => session.run({ runner }));
  return readRecord<string>(recordFile);
}

function project(paths: Record<string, string>, catalog = CATALOG): string {
  const files: Record<string, string> = { 'sluice.config.ts': CONFIG, 'conf/base/catalog.yml': catalog };
  for (const [env, text] of Object.entries(paths)) files[`conf/${env}/paths.yml`] = text;
  return writeProject(files);
}

test('a prefix rule moves every dataset under it; the others stay', async () => {
  const root = project({
    base: `rules:\n  shared_raw: { prefix: data/01_raw/, to: shared/raw/ }\n`,
  });
  const warnings = await run(root);
  assert.deepEqual(JSON.parse(readFileSync(join(root, 'shared/raw/numbers.json'), 'utf8')), [1, 2]);
  assert.equal(existsSync(join(root, 'data/01_raw/numbers.json')), false);
  assert.ok(existsSync(join(root, 'data/05_model_input/input.json')));
  assert.deepEqual(warnings, []);
});

test('rules apply by name pattern and by type; the first rule that applies wins', async () => {
  const root = project({
    base: [
      'rules:',
      '  models: { prefix: data/, to: by-name/, datasets: "^model_" }',
      '  texts: { prefix: data/, to: by-type/, types: [text] }',
      '  everything: { prefix: data/, to: rest/ }',
      '',
    ].join('\n'),
  });
  await run(root);
  assert.ok(existsSync(join(root, 'by-name/05_model_input/input.json')));
  assert.ok(existsSync(join(root, 'by-type/08_reporting/count.txt')));
  assert.ok(existsSync(join(root, 'rest/01_raw/numbers.json')));
  assert.equal(existsSync(join(root, 'rest/05_model_input/input.json')), false, 'first match wins');
});

test('an environment overrides a base rule by name, turns one off, and adds its own after the base ones', async () => {
  const root = project({
    base: [
      'rules:',
      '  raw: { prefix: data/01_raw/, to: base-raw/ }',
      '  model: { prefix: data/05_model_input/, to: base-model/ }',
      '',
    ].join('\n'),
    prod: [
      'rules:',
      '  raw: { to: prod-raw/ }',
      '  model: { enabled: false }',
      '  reporting: { prefix: data/08_reporting/, to: prod-reports/ }',
      '',
    ].join('\n'),
  });
  await run(root, 'prod');
  assert.ok(existsSync(join(root, 'prod-raw/numbers.json')));
  assert.ok(existsSync(join(root, 'data/05_model_input/input.json')), 'the disabled rule moved nothing');
  assert.ok(existsSync(join(root, 'prod-reports/count.txt')));
  await run(root, 'local');
  assert.ok(existsSync(join(root, 'base-raw/numbers.json')), 'without --env prod the base rules apply');
});

test('a rule that matches no dataset is a warning naming the rule and its line, once per run', async () => {
  const root = project({
    base: [
      'rules:',
      '  raw: { prefix: data/01_raw/, to: moved/ }',
      '  stale: { prefix: data/99_gone/, to: nowhere/ }',
      '',
    ].join('\n'),
  });
  const warnings = await run(root, 'local', 'parallel');
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0]!, /path rule "stale" \(conf\/base\/paths\.yml:3:\d+\) matched no dataset/);
  // The parallel runner's workers saved where the main process's rules say.
  assert.ok(existsSync(join(root, 'moved/numbers.json')));
});

test('a bucket rule replaces the whole bucket only, and bad rules fail naming file and line', async () => {
  const root = project(
    { base: `rules:\n  prod: { bucket: s3://dev-bucket, to: s3://prod-bucket }\n` },
    [
      'a: { type: json, filepath: "s3://dev-bucket/a.json" }',
      'b: { type: json, filepath: "s3://dev-bucket-old/b.json" }',
      'c: { type: json, filepath: data/c.json }',
      '',
    ].join('\n'),
  );
  const session = await Session.create({ projectPath: root, log: () => {} });
  const { catalog: built } = await session.createCatalog();
  assert.equal(built.locationOf('a')?.location, 's3://prod-bucket/a.json');
  assert.match(built.locationOf('a')!.rewrites[0]!.reason!, /rule "prod" \(conf\/base\/paths\.yml:2/);
  assert.equal(built.locationOf('b')?.location, 's3://dev-bucket-old/b.json');
  assert.equal(built.locationOf('c')?.rewrites.length, 0);

  const bad = project({ base: `rules:\n  broken: { bucket: s3://dev/path, to: s3://x }\n` });
  const badSession = await Session.create({ projectPath: bad, log: () => {} });
  await assert.rejects(badSession.createCatalog(), (error: unknown) => {
    assert.ok(error instanceof PathRulesError);
    assert.match(error.message, /^conf\/base\/paths\.yml:2:\d+: "bucket" of path rule "broken"/);
    return true;
  });
});

test('catalog.rewriteLocations: rewriters chain in order, a fallback is read until the new location has data', async () => {
  const root = writeProject({ 'conf/base/catalog.yml': '' });
  mkdirSync(join(root, 'shared'), { recursive: true });
  writeFileSync(join(root, 'shared/x.json'), '"shared"');
  const catalog = await DataCatalog.fromConfig({
    catalogConfig: { x: { type: 'json', filepath: 'data/x.json' }, m: { type: 'memory' } },
    projectPath: root,
  });
  catalog.rewriteLocations('first', (target) =>
    target.location.startsWith('data/')
      ? { location: `shared/${target.location.slice(5)}`, reason: 'to shared' }
      : undefined,
  );
  catalog.rewriteLocations('second', (target) => ({
    location: target.location.replace('.json', '_mine.json'),
    fallback: target.location,
  }));
  const location = catalog.locationOf('x')!;
  assert.deepEqual(
    { configured: location.configured, location: location.location, fallback: location.fallback },
    { configured: 'data/x.json', location: 'shared/x_mine.json', fallback: 'shared/x.json' },
  );
  assert.deepEqual(
    location.rewrites.map((rewrite) => rewrite.by),
    ['first', 'second'],
  );
  assert.equal(catalog.locationOf('m'), undefined, 'memory datasets have no location');
  assert.equal(await catalog.load('x'), 'shared', 'read from the fallback while the new location is empty');
  await catalog.save('x', 'mine');
  assert.equal(await catalog.load('x'), 'mine');
  assert.equal(
    readFileSync(join(root, 'shared/x.json'), 'utf8'),
    '"shared"',
    'the fallback is never written',
  );
  assert.throws(() => catalog.rewriteLocations('late', () => undefined), /after datasets were built/);
});

test('sluice catalog list shows the final location and the rule; credentials in locations are never printed', async () => {
  const root = project(
    {
      base: 'rules:\n  to_gcs: { prefix: "s3://", to: "gs://" }\n  local: { prefix: data/, to: /mnt/data/ }\n',
    },
    [
      'remote: { type: json, filepath: "s3://reader:PLAIN-SECRET-41@dev-bucket/x.json" }',
      'near: { type: json, filepath: data/near.json }',
      'kept: { type: json, filepath: other/kept.json }',
      '',
    ].join('\n'),
  );
  let stdout = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      stdout += String(chunk);
      done();
    },
  });
  const code = await main(['--project', root, 'catalog', 'list'], { stdout: sink, stderr: sink });
  assert.equal(code, 0, stdout);
  assert.ok(!stdout.includes('PLAIN-SECRET-41'), stdout);
  assert.match(
    stdout,
    /^remote +json +gs:\/\/reader:\*+@dev-bucket\/x\.json +- +rule "to_gcs" \(conf\/base\/paths\.yml:2:\d+\)$/m,
  );
  assert.match(
    stdout,
    /^near +json +\/mnt\/data\/near\.json +- +rule "local" \(conf\/base\/paths\.yml:3:\d+\)$/m,
  );
  assert.match(stdout, /^kept +json +other\/kept\.json +- +-$/m);
});
