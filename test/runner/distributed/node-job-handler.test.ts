/**
 * The worker's job handler without Redis: a job answered through an in-memory reply.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeJobHandler } from '../../../src/runner/distributed/node-job-handler.ts';
import type { JobReply, RunMessage } from '../../../src/runner/distributed/transport.ts';
import { NO_BUILT_IN_PLUGINS } from '../../../src/project/built-in-plugins.ts';
import { MapExchangeStore } from './in-process-transport.ts';
import { BASIC } from '../../session/support.ts';

test('a job of a run already cancelled fails with RunCancelledError without opening the project or running', async () => {
  const sent: RunMessage[] = [];
  const reply: JobReply = {
    exchange: new MapExchangeStore(),
    send: async (message) => void sent.push(message),
  };
  const cancelled = new AbortController();
  cancelled.abort();
  const handler = nodeJobHandler({ projectPath: BASIC, builtIns: NO_BUILT_IN_PLUGINS });
  await handler(
    {
      runId: 'run-1',
      nodeName: 'double',
      // A fingerprint no project has: the handler must refuse before it would compare it.
      fingerprint: 'never-compared',
      project: {
        projectPath: '/elsewhere',
        env: 'local',
        confSource: 'conf',
        runtimeParams: {},
        pipelineName: '__default__',
        loadVersions: {},
      },
      saveVersion: 'run-1',
      isAsync: false,
      relay: false,
    },
    reply,
    cancelled.signal,
  );
  assert.equal(sent.length, 1);
  const [message] = sent;
  assert.equal(message!.type, 'failed');
  assert.equal(message!.type === 'failed' && message!.error.name, 'RunCancelledError');
});
