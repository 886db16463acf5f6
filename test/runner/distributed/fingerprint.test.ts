/** The project fingerprint: what makes a worker's copy of a project the coordinator's, and what doesn't. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectFingerprint } from '../../../src/runner/distributed/fingerprint.ts';
import { BASIC } from '../../session/support.ts';

function copyOfBasic(): string {
  const copy = mkdtempSync(join(tmpdir(), 'sluice-fingerprint-'));
  cpSync(BASIC, copy, { recursive: true });
  return copy;
}

const fingerprint = (projectPath: string, env = 'local') =>
  projectFingerprint({ projectPath, confSource: 'conf', env });

test('two copies of a project in different folders have the same fingerprint', async () => {
  assert.equal(await fingerprint(copyOfBasic()), await fingerprint(copyOfBasic()));
  assert.match(await fingerprint(BASIC), /^[0-9a-f]{16}$/);
});

test('code, settings and the run environment configuration change it', async () => {
  const base = await fingerprint(copyOfBasic());
  const code = copyOfBasic();
  writeFileSync(join(code, 'src', 'nodes.ts'), '// changed\n', { flag: 'a' });
  const settings = copyOfBasic();
  writeFileSync(join(settings, 'sluice.config.ts'), '// changed\n', { flag: 'a' });
  const parameters = copyOfBasic();
  writeFileSync(join(parameters, 'conf', 'base', 'parameters.yml'), 'factor: 3\noffset:\n  value: 10\n');
  const local = copyOfBasic();
  writeFileSync(join(local, 'conf', 'local', 'parameters.yml'), 'factor: 3\n');
  for (const changed of [code, settings, parameters, local])
    assert.notEqual(await fingerprint(changed), base, changed);
});

test('data, dependencies, caches and other environments do not', async () => {
  const base = await fingerprint(copyOfBasic());
  const copy = copyOfBasic();
  writeFileSync(join(copy, 'data', 'numbers.json'), '[9, 9]');
  for (const folder of ['node_modules/x', '.sluice/cache', 'conf/prod'])
    mkdirSync(join(copy, folder), { recursive: true });
  writeFileSync(join(copy, 'node_modules', 'x', 'index.js'), 'export {}');
  writeFileSync(join(copy, '.sluice', 'cache', 'bundle.mjs'), 'export {}');
  writeFileSync(join(copy, 'conf', 'prod', 'credentials.yml'), 'db: { password: other }');
  writeFileSync(join(copy, 'package-lock.json'), '{}');
  assert.equal(await fingerprint(copy), base);
  assert.notEqual(await fingerprint(copy, 'prod'), base, 'but a run in prod reads conf/prod');
});
