/**
 * Whole-dataset expectations: each one failing alone, several failing at once (all reported),
 * a custom check by reference, mistakes reported at their line, and a validation failure reaching
 * the alerts (a real HTTP receiver) through onNodeError and the step hooks.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatasetValidationError, NodeFailuresError, RunNotStartedError } from '../../src/index.ts';
import { startHttpReceiver } from './alerts-peers.ts';
import { results, runProject, validationProject } from './validation-support.ts';

const ROWS = `[
  { id: 1, code: 'AB-1', price: 10, kind: 'x' },
  { id: 2, code: 'AB-2', price: 2000, kind: 'y' },
  { id: 2, code: 'zz', price: null, kind: 'q' },
]`;

const CHECKS = `
export function pricesRise(rows: { price: number | null }[]) {
  return rows.every((row, i) => i === 0 || (row.price ?? 0) >= (rows[i - 1]!.price ?? 0)) || 'prices must rise';
}
export function alwaysFine() { return true; }
`;

/** One memory dataset per expectation, each made by its own node from the same rows. */
const CASES: Record<string, { expectation: string; failures: number; first: string }> = {
  unique: { expectation: 'unique: id', failures: 1, first: 'row 2: id: duplicate of row 1' },
  not_null: { expectation: 'not_null: [price]', failures: 1, first: 'row 2: price: is null' },
  between: {
    expectation: 'between: { column: price, min: 0, max: 1000 }',
    failures: 1,
    first: 'row 1: price: is 2000, outside 0..1000',
  },
  in_set: {
    expectation: 'in_set: { column: kind, values: [x, y] }',
    failures: 1,
    first: 'row 2: kind: is not one of the allowed values',
  },
  row_count: { expectation: 'row_count: { min: 1, max: 2 }', failures: 1, first: 'has 3 rows, outside 1..2' },
  match_regex: {
    expectation: "match_regex: { column: code, regex: '^AB-[0-9]+$' }",
    failures: 1,
    first: 'row 2: code: does not match /^AB-[0-9]+$/',
  },
  custom: { expectation: 'custom: ./src/checks.ts#pricesRise', failures: 1, first: 'prices must rise' },
};

test('each expectation fails alone, naming the rows and fields; passing ones pass', async () => {
  const names = Object.keys(CASES);
  const root = validationProject({
    catalog:
      names
        .map((name) => `${name}_data:\n  type: memory\n  expectations:\n    - ${CASES[name]!.expectation}\n`)
        .join('') +
      'fine_data:\n  type: memory\n  expectations:\n    - unique: code\n    - not_null: [id, code, kind]\n    - custom: ./src/checks.ts#alwaysFine\n',
    nodes: [...names, 'fine']
      .map((name) => `node(() => ${ROWS}, undefined, '${name}_data', { name: 'make_${name}' }),`)
      .join('\n'),
    files: { 'src/checks.ts': CHECKS },
  });
  const run = await runProject(root, { continueOnFailure: true });
  assert.ok(run.error instanceof NodeFailuresError, String(run.error));
  assert.deepEqual(
    run.error.failures.map((failure) => failure.nodeName).sort(),
    names.map((name) => `make_${name}`).sort(),
  );
  for (const name of names) {
    const failure: Error = run.error.failures.find((item) => item.nodeName === `make_${name}`)!.error;
    assert.ok(failure instanceof DatasetValidationError);
    const { expectations } = failure.result;
    assert.equal(expectations.length, 1);
    assert.equal(expectations[0]!.failureCount, CASES[name]!.failures, name);
    assert.match(failure.message, /1 expectation of 1 fail\.$/m);
    assert.ok(failure.message.includes(`\n    ${CASES[name]!.first}`), `${name}:\n${failure.message}`);
  }
  const fine = results(run).find((result) => result.datasetName === 'fine_data');
  assert.deepEqual(
    fine?.expectations.map((outcome) => [outcome.name, outcome.passed]),
    [
      ['unique(code)', true],
      ['not_null(id, code, kind)', true],
      ['custom(./src/checks.ts#alwaysFine)', true],
    ],
  );
});

test('several failing checks at once are all reported, with their counts', async () => {
  const root = validationProject({
    schemas: 'export const Row = z.object({ id: z.number(), code: z.string().startsWith("AB") });',
    catalog: `all_wrong:
  type: memory
  schema: ./src/schemas.ts#Row
  expectations:
    - unique: id
    - not_null: price
    - in_set: { column: kind, values: [x] }
`,
    nodes: `node(() => ${ROWS}, undefined, 'all_wrong', { name: 'make' }),`,
  });
  const run = await runProject(root);
  assert.ok(run.error instanceof DatasetValidationError, String(run.error));
  assert.equal(
    run.error.message,
    [
      'Dataset "all_wrong" failed validation as an output of node "make", so nothing of the node was saved: 1 of 3 rows checked fail the schema ./src/schemas.ts#Row; 3 expectations of 3 fail.',
      '  row 2: code: Invalid string: must start with "AB"',
      '  unique(id): 1 failure',
      '    row 2: id: duplicate of row 1',
      '  not_null(price): 1 failure',
      '    row 2: price: is null',
      '  in_set(kind, ["x"]): 2 failures',
      '    row 1: kind: is not one of the allowed values',
      '    row 2: kind: is not one of the allowed values',
    ].join('\n'),
  );
});

test('a malformed expectation is refused before the run, at its line, with the shapes it may take', async () => {
  const root = validationProject({
    catalog: `numbers:
  type: memory
  expectations:
    - unique: id
    - uniqe: id
  validation: { mode: loud }
`,
    nodes: `node(() => [], undefined, 'numbers', { name: 'make' }),`,
  });
  const run = await runProject(root);
  assert.ok(run.error instanceof RunNotStartedError, String(run.error));
  assert.match(
    run.error.message,
    /conf\/base\/catalog\.yml:6:\d+: dataset "numbers": "mode" must be error or warn\./,
  );
  writeFileSync(
    join(root, 'conf', 'base', 'catalog.yml'),
    'numbers:\n  type: memory\n  expectations:\n    - unique: id\n    - uniqe: id\n',
  );
  const again = await runProject(root);
  assert.ok(again.error instanceof RunNotStartedError);
  assert.match(
    again.error.message,
    /conf\/base\/catalog\.yml:5:\d+: dataset "numbers": unknown expectation "uniqe"\. Did you mean "unique"\?/,
  );
  assert.match(again.error.hint ?? '', /one-key mapping/);
});

test('a validation failure alerts like any node failure (webhook, through the step hooks)', async (t) => {
  const http = await startHttpReceiver('signing-secret');
  t.after(() => http.close());
  const root = validationProject({
    schemas: 'export const Row = z.object({ id: z.number() });',
    catalog: 'rows:\n  type: memory\n  schema: ./src/schemas.ts#Row\n',
    nodes: `node(() => [{ id: 'one' }], undefined, 'rows', { name: 'make_rows' }),`,
    plugin: 'validationPlugin({ log: () => {} }), alertsPlugin({ log: () => {} })',
    files: {
      'conf/base/hooks.yml': 'nodes:\n  make_rows: { on_failure: sluice#alertOnFailure }\n',
      'conf/base/alerts.yml': 'alerters:\n  ops: { type: webhook, credentials: ops }\n',
    },
  });
  writeFileSync(
    join(root, 'sluice.config.ts'),
    (await import('node:fs'))
      .readFileSync(join(root, 'sluice.config.ts'), 'utf8')
      .replace('validationPlugin }', 'validationPlugin, alertsPlugin }'),
  );
  mkdirSync(join(root, 'conf', 'local'), { recursive: true });
  writeFileSync(
    join(root, 'conf', 'local', 'credentials.yml'),
    `ops: { url: "${http.url}/hook/validation", secret: signing-secret }\n`,
  );
  const run = await runProject(root);
  assert.ok(run.error instanceof DatasetValidationError, String(run.error));
  const [request] = http.on('/hook/validation');
  assert.ok(request !== undefined, 'no alert arrived');
  const text = JSON.stringify(request.json);
  assert.match(text, /make_rows/);
  assert.match(text, /DatasetValidationError|failed validation/);
});

test('a message quoting a secret is masked in the error, the log and the announced result', async () => {
  const secret = 'S3CRET-VALUE-8841';
  const root = validationProject({
    schemas: `export const Token = z.object({
  token: z.string().refine(() => false, { error: (issue) => 'bad token ' + String(issue.input) }),
});`,
    catalog: 'tokens:\n  type: memory\n  schema: ./src/schemas.ts#Token\n  validation: { mode: __MODE__ }\n',
    nodes: `node(() => [{ token: '${secret}' }], undefined, 'tokens', { name: 'make_tokens' }),`,
    files: { 'conf/local/credentials.yml': `db:\n  password: ${secret}\n` },
  });
  const catalogFile = join(root, 'conf', 'base', 'catalog.yml');
  const template = (await import('node:fs')).readFileSync(catalogFile, 'utf8');
  for (const mode of ['error', 'warn']) {
    writeFileSync(catalogFile, template.replace('__MODE__', mode));
    const run = await runProject(root);
    const shown = JSON.stringify(run.records) + String(run.error?.message);
    assert.ok(shown.includes('bad token'), shown);
    assert.ok(!shown.includes(secret), `${mode}: the secret leaked:\n${shown}`);
  }
});
