/**
 * Log lines are a way out of the process too: a step hook whose error quotes a credential, and a
 * plugin failing on a run message with one, are logged with the secret masked.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Session } from '../../src/index.ts';
import { writeProject } from './step-hooks-support.ts';

const PASSWORD = 's3cr3t-pa55';

test('step-hook failures and run-message failures are logged without the credentials', async () => {
  const projectPath = writeProject({
    'sluice.config.ts': `
      import { defineConfig, definePlugin, node, Pipeline, stepHooksPlugin } from '{{sluice}}';
      const lines = ((globalThis as Record<string, unknown>).__secretLogLines ??= []) as string[];
      let url = '';
      let password = '';
      let post: (topic: string, message: unknown) => void = () => {};
      const careless = definePlugin({
        name: 'careless',
        afterContextCreated({ context }) {
          post = context.post;
        },
        afterCatalogCreated({ confCreds }) {
          ({ con: url, password } = confCreds.warehouse as { con: string; password: string });
          post('lineage', 'start');
        },
        onRunMessage() {
          throw new Error('lineage receiver cannot reach ' + url + ' with ' + password);
        },
      });
      const notify = () => {
        throw new Error('notify failed for ' + url + ' with ' + password);
      };
      export default defineConfig({
        hooks: [careless, stepHooksPlugin({ log: (line) => lines.push(line) })],
        pipelines: { __default__: new Pipeline([node(() => 1, undefined, 'one', { name: 'one', onSuccess: notify })]) },
      });
    `,
    'conf/local/credentials.yml': [
      'warehouse:',
      `  password: ${PASSWORD}`,
      `  con: postgresql://postgres:${PASSWORD}@127.0.0.1:5432/test`,
      '',
    ].join('\n'),
  });
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    written.push(String(chunk));
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    const session = await Session.create({ projectPath, log: () => {} });
    await session.run();
  } finally {
    process.stderr.write = write;
  }
  const lines = (globalThis as Record<string, unknown>).__secretLogLines as string[];
  const stepHookLine = lines.find((line) => line.includes('notify failed'));
  assert.ok(stepHookLine, lines.join('\n'));
  assert.match(
    stepHookLine,
    /notify failed for postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:5432\/test with \*\*\*$/,
  );
  const messageLine = written.find((line) => line.includes('lineage receiver'));
  assert.ok(messageLine, written.join(''));
  assert.match(
    messageLine,
    /cannot reach postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:5432\/test with \*\*\*$/m,
  );
  assert.equal([...lines, ...written].join('\n').includes(PASSWORD), false);
});
