import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { deserialize } from 'node:v8';
import { DelayedError, Queue, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { RunCancelledError } from '../errors.ts';
import {
  CoordinatorLostError,
  DistributedRunnerError,
  RedisLostError,
  RedisUnreachableError,
} from './errors.ts';
import { RedisExchangeStore } from './redis-exchange-store.ts';
import { BATCH_FIELD, RedisJobReply } from './redis-job-reply.ts';
import { cancelChannel, KEY_PREFIX, runKey, workersKey } from './redis-keys.ts';
import { redactUrl } from '../../io/datasets/redact.ts';
import type {
  CoordinatorTransport,
  NodeJob,
  NodeJobHandler,
  RunChannel,
  RunMessage,
  WorkerCapacity,
  WorkerTransport,
} from './transport.ts';

/** BullMQ's keys live under `sluice:q:<queue>:...`, apart from Sluice's own run and worker keys. */
const BULLMQ_PREFIX = `${KEY_PREFIX}:q`;

/** How the BullMQ transport talks to Redis and paces its checks. */
export interface BullmqTransportOptions {
  readonly redisUrl: string;
  readonly queue: string;
  readonly exchangeLimitBytes: number;
  /** How long a run's keys live if nobody removes them. */
  readonly runTtlMs: number;
  /** A worker's heartbeat key lives this long; it renews it three times as often. */
  readonly workerHeartbeatMs: number;
  /** A coordinator's heartbeat key lives this long; it renews it three times as often. */
  readonly coordinatorHeartbeatMs: number;
}

/** How often a worker looks at the heartbeats of the coordinators whose runs it served. */
const COORDINATOR_CHECK_MS = 1000;

/**
 * BullMQ's stall settings for node jobs. A worker renews its job's lock every `lockDuration / 2`;
 * a job whose lock lapsed (its worker died, or a synchronous node held the event loop that long)
 * goes back to the queue at the next stall check, at most `maxStalledCount` times. Shorter gives
 * faster recovery from a lost machine, but a synchronous node longer than `lockDuration` would be
 * handed to a second worker while the first still runs it (docs/distributed.md).
 */
export interface StallSettings {
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly maxStalledCount: number;
}

export const DEFAULT_STALL_SETTINGS: StallSettings = {
  lockDurationMs: 30_000,
  stalledIntervalMs: 15_000,
  maxStalledCount: 3,
};

/**
 * Opens a connection and checks that Redis answers, failing fast with `RedisUnreachableError`
 * (naming the URL without its credentials) instead of retrying forever, as ioredis would.
 */
export async function connectRedis(url: string, options: RedisOptions = {}): Promise<Redis> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED, a DNS failure, NOAUTH) says more than the rejected
  // connect ("Connection is closed").
  let socketError: unknown;
  probe.on('error', (error) => (socketError ??= error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    probe.disconnect();
    throw new RedisUnreachableError(redactUrl(url), socketError ?? error);
  }
  probe.disconnect();
  const redis = new Redis(url, options);
  // Errors surface through the commands that fail; an unhandled 'error' event would only print noise.
  redis.on('error', () => {});
  return redis;
}

/** The value of a run's `lost` key once its coordinator claimed the outcome (`RunChannel.claimOutcome`). */
const CLAIMED_BY_COORDINATOR = 'coordinator';

/**
 * The coordinator's side on BullMQ. Node jobs go on the queue `sluice:q:<queue>`; each run gets a
 * Redis stream (`sluice:run:<runId>:messages`) that workers append to and the coordinator reads
 * with a blocking XREAD. A stream rather than BullMQ's QueueEvents or job progress: it is the
 * run's own (runs never see each other's traffic, nor the queue's own events), it keeps every
 * message in order (relayed events before the node's completion, as on the parallel runner), it
 * carries V8-serialised batches (run messages keep Dates and Maps), and a reader that reconnects
 * resumes from the last id it saw instead of losing what was sent meanwhile.
 */
export class BullmqCoordinatorTransport implements CoordinatorTransport {
  readonly queue: string;
  readonly exchange: RedisExchangeStore;
  readonly #redis: Redis;
  readonly #bullQueue: Queue;
  readonly #options: BullmqTransportOptions;
  /** What the connection last said about its socket (ECONNREFUSED...): says more than a failed command. */
  #socketError: Error | undefined;
  /** Redis failed mid-run: the run's last steps skip it rather than wait on reconnections. */
  #redisLost = false;

  private constructor(redis: Redis, options: BullmqTransportOptions) {
    this.queue = options.queue;
    this.#redis = redis;
    this.#options = options;
    redis.on('error', (error: Error) => (this.#socketError = error));
    redis.on('ready', () => (this.#socketError = undefined));
    this.exchange = new RedisExchangeStore(redis, {
      limitBytes: options.exchangeLimitBytes,
      ttlMs: options.runTtlMs,
    });
    this.#bullQueue = new Queue(options.queue, { connection: redis, prefix: BULLMQ_PREFIX });
    this.#bullQueue.on('error', () => {});
  }

  static async open(options: BullmqTransportOptions): Promise<BullmqCoordinatorTransport> {
    // Commands fail after a few tries when Redis goes away, so the run ends with an error rather than waiting.
    const redis = await connectRedis(options.redisUrl, { maxRetriesPerRequest: 2 });
    return new BullmqCoordinatorTransport(redis, options);
  }

  /** Redis failed mid-run: the error names the URL (without credentials). */
  #lost(error: unknown): Error {
    if (error instanceof DistributedRunnerError) return error;
    this.#redisLost = true;
    return new RedisLostError(redactUrl(this.#options.redisUrl), this.#socketError ?? error);
  }

  async openRun(runId: string, receive: (message: RunMessage) => void): Promise<RunChannel> {
    const { runTtlMs } = this.#options;
    const stream = runKey(runId, 'messages');
    const heartbeat = runKey(runId, 'coordinator');
    const lostKey = runKey(runId, 'lost');
    // The stream exists before any job, so that workers append with NOMKSTREAM and never
    // recreate it (without expiry) after the run removed it.
    await this.#redis.multi().xadd(stream, '*', 'open', '1').pexpire(stream, runTtlMs).exec();
    // The coordinator's heartbeat: the workers' run-failure sensor watches it.
    const { coordinatorHeartbeatMs } = this.#options;
    const beat = () =>
      this.#redis.set(heartbeat, String(process.pid), 'PX', coordinatorHeartbeatMs).catch(() => {});
    await beat();
    const beating = setInterval(() => void beat(), coordinatorHeartbeatMs / 3);
    /** Jobs out (enqueued, not yet answered), by job id: the queue may fail one on its own. */
    const out = new Map<string, string>();
    const jobIds = new Map<string, string>();
    const answer = (message: RunMessage) => {
      if (message.type === 'done' || message.type === 'failed') {
        const jobId = jobIds.get(message.nodeName);
        if (jobId !== undefined) out.delete(jobId);
      }
      receive(message);
    };
    const reader = this.#redis.duplicate({ maxRetriesPerRequest: null });
    reader.on('error', () => {});
    let closed = false;
    const reading = (async () => {
      let lastId = '0';
      while (!closed) {
        let batch: [Buffer, [Buffer, Buffer[]][]][] | null;
        try {
          batch = (await reader.xreadBuffer('BLOCK', 1000, 'STREAMS', stream, lastId)) as typeof batch;
        } catch (error) {
          if (closed) return;
          throw error;
        }
        for (const [, entries] of batch ?? []) {
          for (const [id, fields] of entries) {
            lastId = id.toString();
            if (fields[0]?.toString() !== BATCH_FIELD || fields[1] === undefined) continue;
            for (const message of deserialize(fields[1]) as RunMessage[]) answer(message);
          }
        }
      }
    })();
    reading.catch(() => {});
    const queue = this.#bullQueue;
    const redis = this.#redis;
    const exchange = this.exchange;
    const workers = workersKey(this.queue);
    const failedJobs = queue.toKey('failed');
    const lostRedis = (error: unknown) => this.#lost(error);
    return {
      enqueue: async (job: NodeJob) => {
        // BullMQ job ids may not hold ':'; run ids don't, and nodes are numbered within the run.
        const jobId = `${runId}.${jobIds.size + 1}`;
        jobIds.set(job.nodeName, jobId);
        out.set(jobId, job.nodeName);
        try {
          await queue.add(job.nodeName, job, {
            jobId,
            attempts: 1,
            removeOnComplete: true,
            removeOnFail: { age: Math.ceil(runTtlMs / 1000) },
          });
        } catch (error) {
          out.delete(jobId);
          throw lostRedis(error);
        }
      },
      withdraw: async (nodeName, includeRetries) => {
        const jobId = jobIds.get(nodeName);
        if (jobId === undefined) return undefined;
        const job = (await queue.getJob(jobId)) as Job<NodeJob> | undefined;
        if (job === undefined || !['waiting', 'delayed', 'prioritized'].includes(await job.getState()))
          return undefined;
        // A job waiting for its retry belongs to a node that started: it runs on, as a running
        // node does, unless the run was cancelled.
        const resume = job.data.resume;
        if (resume !== undefined && !includeRetries) return undefined;
        try {
          await job.remove();
          out.delete(jobId);
          return { resume };
        } catch {
          return undefined; // a worker took it meanwhile
        }
      },
      workers: async () => {
        let lostBy: string | null;
        let capacity: WorkerCapacity;
        try {
          lostBy = await redis.get(lostKey);
          capacity = await liveWorkers(redis, workers, this.queue);
          // A job BullMQ failed on its own (its worker died more than maxStalledCount times, or
          // could not even report) never reaches the run's stream: look for the jobs out among
          // the queue's failed ones, once per check rather than following every queue event.
          await reportJobsTheQueueFailed(redis, queue, failedJobs, out, answer);
        } catch (error) {
          throw lostRedis(error);
        }
        // A worker reported this run lost (this process stalled or was cut off from Redis longer
        // than its heartbeat lives): nothing it waits for will come, and onPipelineError fired there.
        if (lostBy !== null && lostBy !== CLAIMED_BY_COORDINATOR)
          throw new CoordinatorLostError(runId, this.queue, lostBy);
        return capacity;
      },
      cancel: async () => {
        await redis.publish(cancelChannel(this.queue), runId);
      },
      claimOutcome: async () => {
        // Redis is gone: no worker can report the run either, so this process does.
        if (this.#redisLost) return undefined;
        try {
          const won = await redis.set(lostKey, CLAIMED_BY_COORDINATOR, 'PX', runTtlMs, 'NX');
          if (won === 'OK') return undefined;
          const reporter = await redis.get(lostKey);
          return reporter === CLAIMED_BY_COORDINATOR || reporter === null ? undefined : reporter;
        } catch {
          return undefined;
        }
      },
      close: async () => {
        closed = true;
        clearInterval(beating);
        reader.disconnect();
        await reading.catch(() => {});
        // Without Redis the run's keys can't be removed now; they expire after runTtlMs.
        if (this.#redisLost) return;
        // The `lost` key stays until it expires: a worker that saw the heartbeat lapse as the run
        // ended finds the outcome claimed and reports nothing.
        await Promise.allSettled([redis.del(stream, heartbeat), exchange.clear(runId)]);
      },
    };
  }

  async close(): Promise<void> {
    // With Redis gone BullMQ's close may wait on its connection: it is dropped right after anyway.
    await Promise.race([
      this.#bullQueue.close(),
      new Promise((resolve) => setTimeout(resolve, 1000).unref()),
    ]);
    this.#redis.disconnect();
  }
}

/** Answers `failed` for the jobs out that the queue failed by itself, with BullMQ's reason. */
async function reportJobsTheQueueFailed(
  redis: Redis,
  queue: Queue,
  failedJobs: string,
  out: Map<string, string>,
  answer: (message: RunMessage) => void,
): Promise<void> {
  if (out.size === 0) return;
  const ids = [...out.keys()];
  const scores = (await redis.pipeline(ids.map((id) => ['zscore', failedJobs, id])).exec()) ?? [];
  for (const [index, [error, score]] of scores.entries()) {
    if (error !== null || score === null) continue;
    const jobId = ids[index]!;
    const nodeName = out.get(jobId);
    if (nodeName === undefined) continue;
    const job = await queue.getJob(jobId);
    answer({
      type: 'failed',
      nodeName,
      error: {
        name: 'DistributedRunnerError',
        message: `The queue gave up on node "${nodeName}": ${job?.failedReason ?? 'no reason recorded'}`,
        stack: undefined,
        hint: 'A worker running it died (or lost Redis) too many times; see maxStalledCount in docs/distributed.md.',
      },
    });
  }
}

/** The workers whose heartbeat key still lives (it holds their concurrency); the others are forgotten. */
async function liveWorkers(redis: Redis, set: string, queue: string): Promise<WorkerCapacity> {
  const ids = await redis.smembers(set);
  if (ids.length === 0) return { alive: 0, slots: 0 };
  const beats = await redis.mget(ids.map((id) => workersKey(queue, id)));
  const dead = ids.filter((_, index) => beats[index] === null);
  if (dead.length > 0) await redis.srem(set, ...dead);
  const live = beats.filter((beat): beat is string => beat !== null);
  return { alive: live.length, slots: live.reduce((sum, beat) => sum + (Number(beat) || 1), 0) };
}

/** How many bytes of the memory datasets it stored a worker keeps, for its later nodes to read. */
const WORKER_KEPT_BYTES = 32 * 1024 * 1024;

/** How many cancelled runs a worker remembers (a job of one taken after the cancel is refused). */
const CANCELLED_RUNS_KEPT = 256;

/** A run a worker served lately: a job of it (to report the run lost) and its cancellation. */
interface ServedRun {
  readonly job: NodeJob;
  readonly cancel: AbortController;
  /**
   * The way back to the run that every job of it in this process shares. A project's plugin is
   * one object for all the copies this process opens (one per slot), so it may post through
   * another copy's channel: shared, what it sent still leaves before the `done` that follows.
   */
  reply?: RedisJobReply;
}

/**
 * The worker's side on BullMQ: a BullMQ Worker on the queue, a heartbeat the coordinators see, and
 * a subscription to the queue's cancel channel, on which coordinators announce cancelled runs.
 */
export class BullmqWorkerTransport implements WorkerTransport {
  readonly queue: string;
  readonly exchange: RedisExchangeStore;
  readonly id: string;
  readonly #redis: Redis;
  readonly #options: BullmqTransportOptions;
  readonly #stall: StallSettings;
  #worker: Worker | undefined;
  /** The BullMQ worker's own connection: BullMQ leaves a connection it was given open on close. */
  #workerConnection: Redis | undefined;
  #subscriber: Redis | undefined;
  #beating: NodeJS.Timeout | undefined;
  #concurrency = 1;
  /** The runs this worker served lately, by run id: whose coordinators it watches. */
  readonly #served = new Map<string, ServedRun>();
  /** Runs cancelled while this worker listened, oldest first. */
  readonly #cancelled = new Set<string>();
  #watching: NodeJS.Timeout | undefined;
  #watch: Promise<void> = Promise.resolve();

  private constructor(redis: Redis, options: BullmqTransportOptions, stall: StallSettings) {
    this.queue = options.queue;
    this.#redis = redis;
    this.#options = options;
    this.#stall = stall;
    this.id = `${hostname()}.${process.pid}.${randomBytes(3).toString('hex')}`;
    this.exchange = new RedisExchangeStore(redis, {
      limitBytes: options.exchangeLimitBytes,
      ttlMs: options.runTtlMs,
      keepWrittenBytes: WORKER_KEPT_BYTES,
    });
  }

  static async open(
    options: BullmqTransportOptions,
    stall: StallSettings = DEFAULT_STALL_SETTINGS,
  ): Promise<BullmqWorkerTransport> {
    // A node's loads and its batch of messages leave in one write when issued together.
    const redis = await connectRedis(options.redisUrl, { enableAutoPipelining: true });
    return new BullmqWorkerTransport(redis, options, stall);
  }

  async consume(
    handler: NodeJobHandler,
    concurrency: number,
    onCoordinatorLost?: (job: NodeJob) => Promise<void>,
  ): Promise<void> {
    const redis = this.#redis;
    const connection = redis.duplicate({ maxRetriesPerRequest: null, enableAutoPipelining: false });
    connection.on('error', () => {});
    this.#workerConnection = connection;
    const subscriber = redis.duplicate({ maxRetriesPerRequest: null, enableAutoPipelining: false });
    subscriber.on('error', () => {});
    subscriber.on('message', (_channel: string, runId: string) => this.#cancel(runId));
    await subscriber.subscribe(cancelChannel(this.queue));
    this.#subscriber = subscriber;
    const worker = new Worker<NodeJob>(
      this.queue,
      async (job: Job<NodeJob>, token?: string) => {
        const run = this.#serve(job.data);
        // A reply whose batch failed (Redis lost) fails every later send; the next job starts afresh.
        if (run.reply === undefined || run.reply.failed)
          run.reply = new RedisJobReply(redis, this.exchange, job.data.runId);
        const { reply } = run;
        const handBack = await handler(job.data, reply, run.cancel.signal, {
          redelivered: job.stalledCounter > 0,
        });
        if (handBack === undefined) return;
        // The retry goes back on the queue, delayed by the policy's wait, and frees this slot.
        // The attempt to run is written first: a worker lost between the two leaves the job
        // active, and stall recovery then runs that attempt at once rather than the first again.
        // BullMQ's own attempts stay 1 (moveToDelayed skips the count): the node's retry policy,
        // asked where the node runs, decides.
        await job.updateData({ ...job.data, resume: handBack.resume });
        await job.moveToDelayed(Date.now() + handBack.delayMs, token);
        throw new DelayedError();
      },
      {
        connection,
        prefix: BULLMQ_PREFIX,
        concurrency,
        lockDuration: this.#stall.lockDurationMs,
        stalledInterval: this.#stall.stalledIntervalMs,
        maxStalledCount: this.#stall.maxStalledCount,
        autorun: false,
      },
    );
    worker.on('error', () => {});
    this.#worker = worker;
    this.#concurrency = concurrency;
    await this.#beat();
    this.#beating = setInterval(() => void this.#beat().catch(() => {}), this.#options.workerHeartbeatMs / 3);
    void worker.run().catch(() => {});
    await worker.waitUntilReady();
    this.#watching = setInterval(() => {
      this.#watch = this.#watch.then(() => this.#watchCoordinators(onCoordinatorLost)).catch(() => {});
    }, COORDINATOR_CHECK_MS);
  }

  #serve(job: NodeJob): ServedRun {
    let run = this.#served.get(job.runId);
    if (run === undefined) {
      run = { job, cancel: new AbortController() };
      if (this.#cancelled.has(job.runId)) run.cancel.abort(new RunCancelledError());
      this.#served.set(job.runId, run);
    }
    return run;
  }

  /** A coordinator cancelled its run: the run's nodes here see their signal abort. */
  #cancel(runId: string): void {
    this.#cancelled.add(runId);
    if (this.#cancelled.size > CANCELLED_RUNS_KEPT)
      this.#cancelled.delete(this.#cancelled.values().next().value!);
    this.#served.get(runId)?.cancel.abort(new RunCancelledError());
  }

  /**
   * The run-failure sensor (the seed's): a run whose message stream still exists but whose
   * coordinator's heartbeat expired lost its coordinator mid-run. One worker, by a Redis lock
   * (which the coordinator takes too as its run ends), removes the run's queued jobs, reports it
   * (`onCoordinatorLost`), and removes the run's keys.
   */
  async #watchCoordinators(onCoordinatorLost?: (job: NodeJob) => Promise<void>): Promise<void> {
    const redis = this.#redis;
    for (const [runId, { job }] of [...this.#served]) {
      const [stream, heartbeat] = await Promise.all([
        redis.exists(runKey(runId, 'messages')),
        redis.exists(runKey(runId, 'coordinator')),
      ]);
      if (stream === 0) {
        this.#served.delete(runId); // the run ended
        continue;
      }
      if (heartbeat === 1) continue;
      this.#served.delete(runId);
      const won = await redis.set(runKey(runId, 'lost'), this.id, 'PX', this.#options.runTtlMs, 'NX');
      if (won !== 'OK') continue;
      await this.#removeQueuedJobs(runId);
      try {
        await onCoordinatorLost?.(job);
      } finally {
        await Promise.allSettled([redis.del(runKey(runId, 'messages')), this.exchange.clear(runId)]);
      }
    }
  }

  async #removeQueuedJobs(runId: string): Promise<void> {
    const queue = new Queue(this.queue, { connection: this.#redis, prefix: BULLMQ_PREFIX });
    try {
      const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
      for (const job of jobs) {
        if (!job.id?.startsWith(`${runId}.`)) continue;
        await job.remove().catch(() => {}); // taken meanwhile: it runs and reports to no one
      }
    } finally {
      await queue.close();
    }
  }

  async #beat(): Promise<void> {
    await this.#redis
      .multi()
      .set(workersKey(this.queue, this.id), String(this.#concurrency), 'PX', this.#options.workerHeartbeatMs)
      .sadd(workersKey(this.queue), this.id)
      .exec();
  }

  async close(): Promise<void> {
    clearInterval(this.#beating);
    clearInterval(this.#watching);
    await this.#watch;
    // BullMQ's close waits for the running jobs to finish; nothing new is taken meanwhile.
    await this.#worker?.close();
    this.#workerConnection?.disconnect();
    this.#subscriber?.disconnect();
    await Promise.allSettled([
      this.#redis.del(workersKey(this.queue, this.id)),
      this.#redis.srem(workersKey(this.queue), this.id),
    ]);
    this.#redis.disconnect();
  }
}

export function assertQueueName(queue: string): string {
  if (!/^[\w.-]+$/.test(queue))
    throw new DistributedRunnerError(`Invalid queue name "${queue}": use letters, digits, ".", "-" and "_".`);
  return queue;
}
