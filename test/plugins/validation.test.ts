/**
 * The validation plugin end to end, on real files: schemas (`schema: module#export`) checked on
 * load (before the node runs) and before save (nothing of a failing node is written), sampling,
 * warn mode, in-code schemas, failures through onNodeError and step hooks, bad references
 * refused before the run.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import {
  DatasetValidationError,
  NodeFailuresError,
  RunNotStartedError,
  validationPlugin,
} from '../../src/index.ts';
import type { DatasetValidation } from '../../src/index.ts';
import { readText, results, runProject, validationProject } from './validation-support.ts';
import { openRunStore } from '../../src/plugin-api/index.ts';
import { withEnv } from '../session/support.ts';

const PERSON = `
export const Person = z.object({ id: z.number().int(), name: z.string().min(1), age: z.number().min(0) });
export const notASchema = 42;
`;

const PEOPLE_CSV = 'id,name,age\n1,Ada,36\n2,Bob,-3\n3,Cy,41\n4,Di,x\n5,Ed,50\n';

function peopleProject(options: { catalogExtra?: string; nodes?: string; plugin?: string } = {}): string {
  const root = validationProject({
    schemas: PERSON,
    catalog: `
people:
  type: csv
  filepath: data/people.csv
  schema: ./src/schemas.ts#Person
${options.catalogExtra ?? ''}
people_out:
  type: json
  filepath: data/out.json
  schema: ./src/schemas.ts#Person
`,
    nodes:
      options.nodes ??
      `node((rows: unknown[]) => rows, 'people', 'people_out', { name: 'copy', onFailure: failed }),`,
    ...(options.plugin === undefined ? {} : { plugin: options.plugin }),
  });
  mkdirSync(join(root, 'data'), { recursive: true });
  writeFileSync(join(root, 'data', 'people.csv'), PEOPLE_CSV);
  return root;
}

test('an input that fails its schema fails the node before it runs: onNodeError, step hooks, rows and fields named', async () => {
  const root = peopleProject();
  const run = await runProject(root);
  assert.ok(run.error instanceof DatasetValidationError, String(run.error));
  assert.equal(
    run.error.message.split('\n')[0],
    'Dataset "people" failed validation when loaded as an input of node "copy": 2 of 5 rows checked fail the schema ./src/schemas.ts#Person.',
  );
  assert.match(run.error.message, /\n {2}row 1: age: Too small: expected number to be >=0\n/);
  assert.match(run.error.message, /\n {2}row 3: age: Invalid input: expected number, received string/);
  assert.match(run.error.hint ?? '', /mode: warn/);
  const onNodeError = run.records.filter((entry) => entry.kind === 'onNodeError');
  assert.deepEqual(
    onNodeError.map((entry) => [entry.node, entry.error]),
    [['copy', 'DatasetValidationError']],
  );
  assert.deepEqual(
    run.records.filter((entry) => entry.kind === 'onFailure').map((entry) => [entry.node, entry.error]),
    [['copy', 'DatasetValidationError']],
  );
  const [result] = results(run);
  assert.equal(result?.status, 'failed');
  assert.equal(result?.stage, 'load');
  assert.equal(result?.failedRows, 2);
  assert.deepEqual(
    result?.issues.map((issue) => [issue.row, issue.path]),
    [
      [1, 'age'],
      [3, 'age'],
    ],
  );
  assert.equal(existsSync(join(root, 'data', 'out.json')), false, 'the node must not have run');
  // The announcement reached the hook before the node's failure did.
  assert.deepEqual(
    run.records.map((entry) => entry.kind).filter((kind) => kind !== 'log'),
    ['result', 'onNodeError', 'onFailure'],
  );
});

test('an output that fails its schema is not written, nor any other output of the node', async () => {
  const root = peopleProject({
    catalogExtra: `
good_out:
  type: json
  filepath: data/good.json
`,
    nodes: `node(() => ({ people_out: [{ id: 1, name: '', age: 3 }], good_out: [1, 2] }), undefined, { people_out: 'people_out', good_out: 'good_out' }, { name: 'make' }),`,
  });
  const run = await runProject(root);
  assert.ok(run.error instanceof DatasetValidationError, String(run.error));
  assert.match(
    run.error.message,
    /^Dataset "people_out" failed validation as an output of node "make", so nothing of the node was saved: 1 of 1 rows checked fail the schema \.\/src\/schemas\.ts#Person\.\n {2}row 0: name: Too small/,
  );
  assert.equal(readText(join(root, 'data', 'out.json')), undefined);
  assert.equal(readText(join(root, 'data', 'good.json')), undefined);
  assert.deepEqual(
    results(run).map((result) => [result.datasetName, result.stage, result.status]),
    [['people_out', 'save', 'failed']],
  );
});

test('valid data passes on load and on save, and the run says the checks ran', async () => {
  const root = peopleProject({
    nodes: `node((rows: { age: unknown }[]) => rows.filter((row) => typeof row.age === 'number' && row.age >= 0), 'people', 'people_out', { name: 'clean' }),`,
    catalogExtra: '  validation: { mode: warn }\n',
  });
  const run = await runProject(root);
  assert.equal(run.error, undefined);
  assert.deepEqual(
    results(run).map((result) => [result.datasetName, result.stage, result.status, result.rowsChecked]),
    [
      ['people', 'load', 'warned', 5],
      ['people_out', 'save', 'passed', 3],
    ],
  );
  assert.equal(JSON.parse(readText(join(root, 'data', 'out.json'))!).length, 3);
  const logs = run.records.filter((entry) => entry.kind === 'log').map((entry) => entry.line!);
  assert.match(logs[0]!, /^sluice validation warning: Dataset "people" failed validation when loaded/);
  assert.match(
    logs.at(-1)!,
    /^sluice validation: 2 check\(s\) of 2 dataset\(s\) \(people, people_out\), 1 with warnings\.$/,
  );
});

test('warn mode logs and records the failure and lets the node run', async () => {
  const root = peopleProject({ catalogExtra: '  validation: { mode: warn }\n' });
  const run = await runProject(root, { continueOnFailure: true });
  // The input only warns; the same rows fail as the output, whose mode is error.
  assert.ok(
    run.error instanceof NodeFailuresError || run.error instanceof DatasetValidationError,
    String(run.error),
  );
  assert.deepEqual(
    results(run).map((result) => [result.datasetName, result.status]),
    [
      ['people', 'warned'],
      ['people_out', 'failed'],
    ],
  );
  assert.ok(
    run.records.some((entry) => entry.kind === 'log' && /warning: Dataset "people"/.test(entry.line!)),
  );
});

test('sampling checks that many rows, spread evenly, the same ones every run', async () => {
  // Rows 0 and 2 of 5 are checked; the bad rows are 1 and 3.
  const root = peopleProject({
    catalogExtra: '  validation: { sample: 2 }\n',
    nodes: `node((rows: unknown[]) => rows.length, 'people', 'count', { name: 'count' }),`,
  });
  const run = await runProject(root);
  assert.equal(run.error, undefined);
  const [result] = results(run);
  assert.deepEqual([result?.status, result?.rowsChecked, result?.rowCount], ['passed', 2, 5]);
});

test('a schema in code, typed, wins over the catalog', async () => {
  const root = peopleProject({
    plugin: `validationPlugin({ log: () => {}, datasets: { people: { schema: schemas.Person.extend({ age: z.unknown() }) } } })`,
    nodes: `node((rows: unknown[]) => rows.length, 'people', 'count', { name: 'count' }),`,
  });
  writeFileSync(
    join(root, 'sluice.config.ts'),
    `import { z } from 'zod';\n${readText(join(root, 'sluice.config.ts'))!}`,
  );
  const run = await runProject(root);
  assert.equal(run.error, undefined);
  assert.deepEqual(
    results(run).map((result) => [result.datasetName, result.status, result.schema]),
    [['people', 'passed', 'in code']],
  );
});

test('schema references that do not resolve refuse the run before it starts, each at its line', async () => {
  const root = peopleProject();
  writeFileSync(
    join(root, 'conf', 'base', 'catalog.yml'),
    `people:
  type: csv
  filepath: data/people.csv
  schema: ./src/schemas.ts#Persn
people_out:
  type: json
  filepath: data/out.json
  schema: ./src/schemas.ts#notASchema
`,
  );
  const run = await runProject(root);
  assert.ok(run.error instanceof RunNotStartedError, String(run.error));
  assert.match(
    run.error.message,
    /conf\/base\/catalog\.yml:4:\d+: "\.\/src\/schemas\.ts" has no export named "Persn"\. Did you mean "Person"\?/,
  );
  assert.match(
    run.error.message,
    /conf\/base\/catalog\.yml:8:\d+: the export "notASchema" of "\.\/src\/schemas\.ts" is a number, not a Zod schema\./,
  );
  assert.deepEqual(run.records, []);
});

test('a node with a retry policy is not retried on bad data: one attempt, no onNodeRetry', async () => {
  const root = peopleProject({
    nodes: `node((rows: unknown[]) => rows.length, 'people', 'count', { name: 'count', retries: { max: 3 } }),`,
  });
  const run = await runProject(root);
  assert.ok(run.error instanceof DatasetValidationError, String(run.error));
  assert.deepEqual(
    run.records.filter((entry) => entry.kind === 'onNodeError').map((entry) => entry.node),
    ['count'],
  );
  assert.equal(results(run).length, 1, 'one attempt, one check');
});

for (const runner of ['parallel', 'async'] as const) {
  test(`on the ${runner} runner the checks run where the node runs and each result reaches the main process once`, async () => {
    const root = peopleProject({
      // Each reader loads its own value, so each has a check of its own to relay.
      catalogExtra: '  validation: { mode: warn }\n  share_loads: false\n',
      nodes: `
        node((rows: { age: unknown }[]) => rows.filter((row) => typeof row.age === 'number' && row.age >= 0), 'people', 'people_out', { name: 'clean' }),
        node((rows: unknown[]) => rows.length, 'people', 'count', { name: 'count' }),`,
    });
    const run = await runProject(root, { runner });
    assert.equal(run.error, undefined, String(run.error));
    assert.deepEqual(
      results(run)
        .map((result) => `${result.datasetName} ${result.nodeName} ${result.stage} ${result.status}`)
        .sort(),
      ['people clean load warned', 'people count load warned', 'people_out clean save passed'],
    );
    assert.ok(results(run).every((result) => result.runId !== ''));
  });
}

// Type-level checks: `npm run typecheck` fails if any @ts-expect-error line stops being an error.
test('the in-code form is typed: a Zod schema or a reference, known expectations and modes', () => {
  const Company = z.object({ id: z.number() });
  const companies: DatasetValidation<typeof Company> = {
    schema: Company,
    expectations: [
      { unique: 'id' },
      { between: { column: 'id', min: 0 } },
      { custom: (rows) => rows.length > 0 },
    ],
    sample: 1000,
    mode: 'warn',
  };
  const plugin = validationPlugin({
    datasets: { companies, shuttles: { schema: './src/schemas.ts#Shuttle' } },
  });
  assert.equal(plugin.name, 'sluice:validation');
  // @ts-expect-error: a schema is a Zod schema or a "module#export" string
  validationPlugin({ datasets: { bad: { schema: 42 } } });
  // @ts-expect-error: modes are error and warn
  validationPlugin({ datasets: { bad: { mode: 'loud' } } });
  // @ts-expect-error: no such expectation
  validationPlugin({ datasets: { bad: { expectations: [{ uniqe: 'id' }] } } });
});

test('the run store keeps every check of the run, through the hook the validation plugin announces', async () => {
  const root = peopleProject({
    nodes: `node((rows: { age: unknown }[]) => rows.filter((row) => typeof row.age === 'number' && row.age >= 0), 'people', 'people_out', { name: 'clean' }),`,
    catalogExtra: '  validation: { mode: warn }\n',
  });
  // Tracking is off for the fixture projects (test/session/support.ts); this run is recorded.
  const run = await withEnv({ SLUICE_TRACKING: 'on' }, () => runProject(root));
  assert.equal(run.error, undefined);
  const store = openRunStore(root);
  try {
    const [latest] = store.listRuns({ limit: 1 });
    const checks = store.records(latest!.id, { plugin: 'sluice:validation', kind: 'check' });
    assert.deepEqual(
      checks.map((check) => [check.node, check.key, (check.value as { status: string }).status]),
      [
        ['clean', 'load:people', 'warned'],
        ['clean', 'save:people_out', 'passed'],
      ],
    );
  } finally {
    store.close();
  }
});

test('a shared load is checked once for all its readers; with share_loads: false each reader checks its own', async () => {
  const nodes = `
node((rows: unknown[]) => rows.length, 'people', 'count_a', { name: 'count_a' }),
node((rows: unknown[]) => rows.length, 'people', 'count_b', { name: 'count_b' }),
node((rows: unknown[]) => rows.length, 'people', 'count_c', { name: 'count_c' }),`;
  const loads = (run: Awaited<ReturnType<typeof runProject>>) =>
    results(run).filter((result) => result.datasetName === 'people' && result.stage === 'load');
  const shared = await runProject(peopleProject({ nodes, catalogExtra: '  validation: { mode: warn }\n' }));
  assert.equal(shared.error, undefined);
  assert.deepEqual(
    loads(shared).map((result) => [result.nodeName, result.status]),
    [['count_a', 'warned']],
    'one check of the one frozen value',
  );
  const unshared = await runProject(
    peopleProject({ nodes, catalogExtra: '  validation: { mode: warn }\n  share_loads: false\n' }),
  );
  assert.deepEqual(
    loads(unshared).map((result) => result.nodeName),
    ['count_a', 'count_b', 'count_c'],
  );
});

test('a shared load that fails its schema fails every reader that gets it, not only the first', async () => {
  const nodes = `
node((rows: unknown[]) => rows.length, 'people', 'count_a', { name: 'count_a', onFailure: failed }),
node((rows: unknown[]) => rows.length, 'people', 'count_b', { name: 'count_b', onFailure: failed }),`;
  const run = await runProject(peopleProject({ nodes }), { continueOnFailure: true });
  assert.ok(run.error instanceof NodeFailuresError, String(run.error));
  assert.deepEqual(
    run.records.filter((entry) => entry.kind === 'onNodeError').map((entry) => [entry.node, entry.error]),
    [
      ['count_a', 'DatasetValidationError'],
      ['count_b', 'DatasetValidationError'],
    ],
  );
});

test('a cached dataset is checked once, as its node returns it: its readers get that frozen value unchecked again', async () => {
  const project = (cached: boolean) =>
    validationProject({
      schemas: PERSON,
      catalog: `
made:
  type: json
  filepath: data/made.json
  schema: ./src/schemas.ts#Person
${cached ? '  cached: true\n' : ''}`,
      nodes: `
node(() => [{ id: 1, name: 'Ada', age: 36 }], undefined, 'made', { name: 'make' }),
node((rows: unknown[]) => rows.length, 'made', 'count_a', { name: 'count_a' }),
node((rows: unknown[]) => rows.length, 'made', 'count_b', { name: 'count_b' }),`,
    });
  const checks = (run: Awaited<ReturnType<typeof runProject>>) =>
    results(run).map((result) => [result.nodeName, result.stage, result.status]);
  const cached = await runProject(project(true));
  assert.equal(cached.error, undefined);
  assert.deepEqual(checks(cached), [['make', 'save', 'passed']]);
  const readBack = await runProject(project(false));
  assert.equal(readBack.error, undefined);
  assert.deepEqual(checks(readBack), [
    ['make', 'save', 'passed'],
    ['count_a', 'load', 'passed'],
  ]);
});
