/**
 * The example and template projects list in their package.json the optional packages their
 * catalogs' dataset types need. The example tests can't catch a missing one: they link
 * node_modules/sluice to this checkout, so an optional package resolves from the checkout's own
 * node_modules whether or not the project lists it. The type-to-package table is the one the
 * datasets import their packages with.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import { DATASET_TYPE_PACKAGES } from '../../src/io/datasets/dataset-packages.ts';
import { REPO } from '../cli/support.ts';

const PROJECTS = ['examples/spaceflights', 'templates/starter'];

/** Every `type:` in the catalog files of every environment, wrapped ones (partitioned) included. */
function catalogTypes(project: string): Set<string> {
  const types = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'type' && typeof inner === 'string') types.add(inner);
        else visit(inner);
      }
    }
  };
  const conf = join(REPO, project, 'conf');
  for (const file of readdirSync(conf, { recursive: true, encoding: 'utf8' })) {
    if (/(^|[\\/])catalog[^\\/]*\.ya?ml$/.test(file))
      visit(parse(readFileSync(join(conf, file), 'utf8'), { merge: true }));
  }
  return types;
}

/** The optional packages `types` need that `dependencies` doesn't list. */
function missingPackages(types: Iterable<string>, dependencies: Record<string, string>): string[] {
  const needed = new Set([...types].flatMap((type) => DATASET_TYPE_PACKAGES[type] ?? []));
  return [...needed].filter((name) => dependencies[name] === undefined).sort();
}

for (const project of PROJECTS) {
  test(`${project}: package.json lists the optional packages its catalog's dataset types need`, () => {
    const types = catalogTypes(project);
    assert.ok(types.size > 0, `no dataset types found in ${project}/conf`);
    // A type this table doesn't know would be skipped silently: only built-in types are expected.
    const registry = createDatasetTypeRegistry();
    for (const type of types) assert.ok(registry.has(type), `${project}: "${type}" is not a built-in type`);
    const manifest = JSON.parse(readFileSync(join(REPO, project, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    assert.deepEqual(missingPackages(types, manifest.dependencies ?? {}), [], `${project}/package.json`);
  });
}

test('the check sees what spaceflights needs: DuckDB for parquet, exceljs for excel', () => {
  const types = catalogTypes('examples/spaceflights');
  assert.ok(types.has('parquet') && types.has('excel'), [...types].join(', '));
  assert.deepEqual(missingPackages(types, { sluice: 'file:../..', zod: '^4' }), [
    '@duckdb/node-api',
    'exceljs',
  ]);
});
