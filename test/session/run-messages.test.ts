/**
 * The run-message channel (`context.post` → `onRunMessage` in the main process) in the main
 * process itself. Across worker threads it is covered end to end by the alerts plugin's parallel
 * tests (test/plugins/alerts.test.ts), whose worker deliveries reach the main summary through it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin, Session, type ProjectContext } from '../../src/index.ts';
import { BASIC, freshDataDir } from './support.ts';

test('context.post in the main process reaches every onRunMessage at once, with topic and message', async () => {
  const { dataDir } = freshDataDir(BASIC);
  const session = await Session.create({ projectPath: BASIC, runtimeParams: { data_dir: dataDir } });
  const received: [string, string, unknown][] = [];
  let context: ProjectContext | undefined;
  session.hooks.register(
    definePlugin({
      name: 'poster',
      afterContextCreated: ({ context: created }) => void (context = created),
      afterNodeRun: ({ node }) => context!.post('counts', { node: node.name }),
    }),
  );
  for (const name of ['listener-a', 'listener-b']) {
    session.hooks.register({
      name,
      onRunMessage: ({ topic, message }) => void received.push([name, topic, message]),
    });
  }
  await session.run();
  const nodes = received
    .filter(([name]) => name === 'listener-a')
    .map(([, , message]) => (message as { node: string }).node);
  assert.deepEqual(nodes, ['double', 'square', 'shift', 'total', 'describe']);
  assert.equal(received.filter(([name]) => name === 'listener-b').length, 5);
  assert.ok(received.every(([, topic]) => topic === 'counts'));
});

test('a failing onRunMessage is reported, never thrown at the poster', async () => {
  const { dataDir } = freshDataDir(BASIC);
  const session = await Session.create({ projectPath: BASIC, runtimeParams: { data_dir: dataDir } });
  let context: ProjectContext | undefined;
  session.hooks.register({
    name: 'poster',
    afterContextCreated: ({ context: created }: { context: ProjectContext }) => void (context = created),
  });
  session.hooks.register({
    name: 'broken-listener',
    onRunMessage: () => {
      throw new Error('listener broke');
    },
  });
  const { catalog } = await session.createCatalog();
  assert.ok(catalog);
  assert.doesNotThrow(() => context!.post('anything', 1));
});
