/**
 * The project's redactor on the public hook API: a plugin gets it from `afterContextCreated`
 * (before the catalog exists, so it loads the credentials itself) and from the catalog, and both
 * are the same redactor, built once per run from the project's credentials.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Session } from '../../src/index.ts';
import type { DataCatalog, ProjectContext } from '../../src/index.ts';
import { writeProject } from './step-hooks-support.ts';

const PASSWORD = 's3cr3t-pa55';
const TOKEN = 'tk-0123456789ab';

test('a plugin redacts with context.redact in afterContextCreated and with catalog.redactor later', async () => {
  const projectPath = writeProject({
    'sluice.config.ts': `
      import { defineConfig, node, Pipeline } from '{{sluice}}';
      export default defineConfig({ pipelines: { __default__: new Pipeline([node(() => 1, undefined, 'one', { name: 'one' })]) } });
    `,
    'conf/base/catalog.yml': '{}\n',
    'conf/local/credentials.yml': [
      'warehouse:',
      '  host: 127.0.0.1',
      '  user: postgres',
      '  database: test',
      `  password: ${PASSWORD}`,
      'api:',
      `  token: ${TOKEN}`,
      '',
    ].join('\n'),
  });
  const message = `postgres@127.0.0.1/test refused ${PASSWORD}; token ${TOKEN}`;
  const seen: { early?: string; context?: ProjectContext; catalog?: DataCatalog } = {};
  const session = await Session.create({ projectPath, log: () => {} });
  session.hooks.register({
    name: 'observer',
    afterContextCreated({ context }: { context: ProjectContext }) {
      seen.early = context.redact(message);
      seen.context = context;
    },
    afterCatalogCreated({ catalog }: { catalog: DataCatalog }) {
      seen.catalog = catalog;
    },
  });
  await session.run();
  assert.equal(seen.early, 'postgres@127.0.0.1/test refused ***; token ***');
  assert.equal(seen.catalog!.redactor, seen.context!.redactor, 'one redactor per run');
  assert.equal(seen.catalog!.redactor.redact(message), seen.early);
});
