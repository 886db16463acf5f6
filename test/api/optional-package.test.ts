/**
 * The heavy integrations are optional peer dependencies: a feature whose package is missing fails
 * with a `MissingPackageError` that names the package, the feature and the install command. The
 * loader is pointed at a package that doesn't exist (a real failed import, no mock); package.json
 * is checked to declare every optional package the way the loader assumes.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SluiceError } from '../../src/errors.ts';
import {
  importOptional,
  MissingPackageError,
  missingPackageName,
  optionalPackages,
} from '../../src/optional-package.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const ABSENT = 'sluice-test-absent-package';

interface Manifest {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
}
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Manifest;

test('a missing package fails the feature with the package, the feature and the npm install command', async () => {
  const feature = 'Dataset "shuttles" (excel, conf/base/catalog.yml:21:3)';
  const error = await importOptional(
    // A variable specifier: TypeScript would reject a literal one it can't resolve.
    () => import(ABSENT),
    [ABSENT],
    feature,
  ).then(
    () => assert.fail('the import of a package that does not exist succeeded'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof MissingPackageError);
  assert.ok(error instanceof SluiceError);
  assert.deepEqual(error.packages, [ABSENT]);
  assert.equal(error.feature, feature);
  assert.equal(error.installCommand, `npm install "${ABSENT}"`);
  assert.equal(
    error.message,
    `${feature} needs the package ${ABSENT}, an optional dependency of Sluice that this project hasn't installed: run \`npm install "${ABSENT}"\`.`,
  );
  assert.equal(error.hint, `Run \`npm install "${ABSENT}"\` in the project folder.`);
  assert.equal((error.cause as NodeJS.ErrnoException).code, 'ERR_MODULE_NOT_FOUND');
});

test('a group of packages is installed together, each at the range Sluice is tested with', () => {
  const error = new MissingPackageError(
    ['bullmq', 'ioredis'],
    'The distributed runner (--runner distributed)',
  );
  assert.equal(
    error.installCommand,
    `npm install "bullmq@${manifest.peerDependencies.bullmq}" "ioredis@${manifest.peerDependencies.ioredis}"`,
  );
  assert.match(
    error.message,
    /^The distributed runner \(--runner distributed\) needs the packages bullmq, ioredis, /,
  );
});

test('only the named packages count as missing: anything else that fails is thrown as it is', async () => {
  // A package the feature doesn't name (say, a dependency of the optional package) is not "install X".
  const other = await importOptional(() => import(ABSENT), ['pg'], 'feature').catch(
    (thrown: unknown) => thrown,
  );
  assert.ok(!(other instanceof MissingPackageError));
  assert.equal((other as NodeJS.ErrnoException).code, 'ERR_MODULE_NOT_FOUND');
  const broken = new Error('the native binding failed to load');
  await assert.rejects(
    importOptional(() => Promise.reject(broken), ['pg'], 'feature'),
    (thrown) => thrown === broken,
  );
  // An installed package loads.
  const yaml = await importOptional(() => import('yaml'), ['yaml'], 'feature');
  assert.equal(typeof yaml.parse, 'function');
});

test('missingPackageName reads the package out of ESM and CommonJS resolution errors', () => {
  const esm = (specifier: string) =>
    Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/dist/x.js`), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
  assert.equal(missingPackageName(esm('pg')), 'pg');
  assert.equal(missingPackageName(esm('@duckdb/node-api')), '@duckdb/node-api');
  assert.equal(
    missingPackageName(esm('@opentelemetry/sdk-trace-base/build/x.js')),
    '@opentelemetry/sdk-trace-base',
  );
  const cjs = Object.assign(new Error("Cannot find module 'exceljs'"), { code: 'MODULE_NOT_FOUND' });
  assert.equal(missingPackageName(cjs), 'exceljs');
  // A missing file of Sluice's own is not a package to install.
  assert.equal(missingPackageName(esm('/app/dist/gone.js')), undefined);
  assert.equal(missingPackageName(new Error("Cannot find package 'pg'")), undefined, 'no code, no claim');
});

test('package.json: every optional package is an optional peer, kept in devDependencies, not a dependency', () => {
  const optional = Object.keys(manifest.peerDependencies).sort();
  assert.deepEqual(optional, [
    '@duckdb/node-api',
    '@opentelemetry/api',
    '@opentelemetry/core',
    '@opentelemetry/exporter-trace-otlp-http',
    '@opentelemetry/resources',
    '@opentelemetry/sdk-trace-base',
    'bullmq',
    'exceljs',
    'hot-shots',
    'ioredis',
    'nodemailer',
    'pg',
    'prom-client',
  ]);
  for (const name of optional) {
    assert.equal(manifest.peerDependenciesMeta[name]?.optional, true, `${name} is optional`);
    assert.equal(
      manifest.devDependencies[name],
      manifest.peerDependencies[name],
      `${name} is a devDependency`,
    );
    assert.equal(manifest.dependencies[name], undefined, `${name} is not a dependency`);
  }
  assert.deepEqual(optionalPackages(), manifest.peerDependencies);
});

test('every import of an optional package in src/ is a type import or goes through importOptional', () => {
  const optional = Object.keys(manifest.peerDependencies);
  const offenders: string[] = [];
  for (const file of listSources(join(REPO, 'src'))) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/import\('([^']+)'\)/g)) {
      const specifier = match[1]!;
      const at = match.index;
      const before = source.slice(Math.max(0, at - 80), at);
      if (optional.includes(specifier) && !/importOptional\(\s*\(\) => $/.test(before))
        offenders.push(`${file}: import('${specifier}') outside importOptional`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('no module statically reachable from an entry point imports an optional package (except for types)', () => {
  // Some modules (the OpenTelemetry tracer, the BullMQ transport) import optional packages
  // statically; that is safe only while nothing loads them except through importOptional's
  // dynamic import. So walk every non-type static import from the entry points and require that
  // none of the modules reached imports an optional package.
  const optional = Object.keys(manifest.peerDependencies);
  const isOptional = (specifier: string) =>
    optional.some((name) => specifier === name || specifier.startsWith(`${name}/`));
  const entries = ['src/index.ts', 'src/plugin-api/index.ts', 'src/dataset-api/index.ts', 'src/cli/main.ts'];
  const reached = new Map<string, string>(); // module -> the module that imported it first
  const queue = entries.map((entry) => join(REPO, entry));
  for (const entry of queue) reached.set(entry, '(entry point)');
  const offenders: string[] = [];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const specifier of staticImports(readFileSync(file, 'utf8'))) {
      if (isOptional(specifier)) {
        offenders.push(`${relative(REPO, file)} imports ${specifier} (reached via ${reached.get(file)})`);
      } else if (specifier.startsWith('.')) {
        const target = join(dirname(file), specifier);
        if (!reached.has(target)) {
          reached.set(target, relative(REPO, file));
          queue.push(target);
        }
      }
    }
  }
  assert.deepEqual(offenders, []);
  // The walk must see the modules that load the heavy ones, and not the heavy ones themselves.
  const seen = [...reached.keys()].map((file) => relative(REPO, file));
  for (const loader of [
    'src/plugins/telemetry/tracing-plugin.ts',
    'src/plugins/telemetry/metrics-plugin.ts',
    'src/runner/distributed/load-transport.ts',
    'src/io/datasets/duckdb-instance.ts',
  ])
    assert.ok(seen.includes(loader), `${loader} is reached`);
  for (const heavy of ['tracing-runtime.ts', 'run-tracer.ts', 'run-metrics.ts', 'bullmq-transport.ts'])
    assert.ok(!seen.some((file) => file.endsWith(`/${heavy}`)), `${heavy} is not statically reached`);
});

/** The specifiers of a module's static imports and re-exports, type-only ones left out. */
function staticImports(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+'([^']+)';/gm))
    specifiers.push(match[1]!);
  for (const match of source.matchAll(/^import\s+'([^']+)';/gm)) specifiers.push(match[1]!);
  return specifiers;
}

function listSources(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}
