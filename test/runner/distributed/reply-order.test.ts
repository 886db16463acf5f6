/**
 * A worker process's replies to one run leave in the order they were sent, whichever job's reply
 * carried them. A project's plugin is one object for every copy of the project a multi-slot worker
 * opens, so a plugin that keeps `context.post` from `afterContextCreated` posts through whichever
 * copy opened last, that is through another job's reply: its message must still reach the run
 * before the `done` of the node it posted from. On the real Redis (skipped loudly without one; a
 * failure under SLUICE_REQUIRE_SERVICES=1).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BullmqTransportOptions } from '../../../src/runner/distributed/bullmq-transport.ts';
import {
  BullmqCoordinatorTransport,
  BullmqWorkerTransport,
} from '../../../src/runner/distributed/bullmq-transport.ts';
import type { JobReply, NodeJob, RunMessage } from '../../../src/runner/distributed/transport.ts';
import { serviceOrSkip } from '../../support/services.ts';
import { uniqueQueue } from './workers.ts';

function jobOf(runId: string, nodeName: string): NodeJob {
  return {
    runId,
    nodeName,
    fingerprint: 'unused',
    project: {
      projectPath: '/unused',
      env: 'local',
      confSource: 'conf',
      runtimeParams: {},
      pipelineName: '__default__',
      loadVersions: {},
    },
    saveVersion: runId,
    isAsync: false,
    relay: false,
  };
}

// A lost message would wait forever: the generous timeout turns that into a failure.
test(
  'a message sent through an earlier job’s reply reaches the run before the later job’s done',
  { timeout: 120_000 },
  async (t) => {
    if (!(await serviceOrSkip(t, 'Redis', '127.0.0.1', 6379))) return;
    const options: BullmqTransportOptions = {
      redisUrl: 'redis://127.0.0.1:6379',
      queue: uniqueQueue('reply-order'),
      exchangeLimitBytes: 1024 * 1024,
      runTtlMs: 60_000,
      workerHeartbeatMs: 3000,
      // Long enough that a stalled test process never looks like a lost coordinator to the worker.
      coordinatorHeartbeatMs: 60_000,
    };
    const coordinator = await BullmqCoordinatorTransport.open(options);
    const worker = await BullmqWorkerTransport.open(options);
    const runId = `reply-order-${process.pid}-${Date.now()}`;
    const received: RunMessage[] = [];
    let wake: (() => void) | undefined;
    const receivedCount = async (count: number) => {
      while (received.length < count) await new Promise<void>((resolve) => (wake = resolve));
    };
    const channel = await coordinator.openRun(runId, (message) => {
      received.push(message);
      wake?.();
    });
    try {
      let firstReply: JobReply | undefined;
      await worker.consume(async (job, reply) => {
        if (job.nodeName === 'first') firstReply = reply;
        // As the plugin does: posted without waiting, then the node's done.
        else void firstReply!.send({ type: 'run-message', topic: 'check', message: job.nodeName });
        await reply.send({ type: 'done', nodeName: job.nodeName });
        return undefined;
      }, 2);
      await channel.enqueue(jobOf(runId, 'first'));
      await receivedCount(1);
      await channel.enqueue(jobOf(runId, 'second'));
      await receivedCount(3);
      assert.deepEqual(
        received.map((message) =>
          message.type === 'run-message'
            ? `posted from ${String(message.message)}`
            : `${message.type} ${'nodeName' in message ? message.nodeName : ''}`,
        ),
        ['done first', 'posted from second', 'done second'],
      );
    } finally {
      await channel.close();
      await worker.close();
      await coordinator.close();
    }
  },
);
