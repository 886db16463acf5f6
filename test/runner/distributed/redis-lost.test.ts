/**
 * Redis lost mid-run, for real: the test starts a private `redis-server` (with a password) on a
 * free port, runs `sluice run --runner distributed` and a `sluice worker` against it, and kills the
 * server with SIGKILL while a node runs. Skipped loudly without the `redis-server` program (a
 * failure under SLUICE_REQUIRE_SERVICES=1; .ci/run installs it).
 */
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { servicesRequired } from '../../support/services.ts';
import { BASIC, freshDataDir, readRecord } from '../../session/support.ts';
import { startCoordinator, startWorker, uniqueQueue, until } from './workers.ts';

interface Line {
  plugin: string;
  hook: string;
  pid: number;
  error?: string;
  message?: string;
}

function redisServerOrSkip(t: TestContext): boolean {
  if (spawnSync('redis-server', ['--version']).status === 0) return true;
  const message = 'the redis-server program is not installed (apt-get install -y redis-server)';
  if (servicesRequired) throw new Error(`${message}, and SLUICE_REQUIRE_SERVICES=1 forbids skipping.`);
  process.stderr.write(`\n!!! SKIPPED: ${message}. Install it to run "${t.name}".\n\n`);
  t.skip(message);
  return false;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A private redis-server, resolved once it accepts connections (its log says so). */
async function startRedis(port: number, password: string) {
  const server = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--requirepass',
      password,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const exited = once(server, 'exit');
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) resolve();
    });
    void exited.then(() => reject(new Error(`redis-server exited before it was ready:\n${log}`)));
  });
  return { server, exited };
}

test('Redis lost mid-run: the run fails naming the URL without its password, no stack, exit 1, onPipelineError once', async (t) => {
  if (!redisServerOrSkip(t)) return;
  const password = 'lost-redis-secret';
  const port = await freePort();
  const { server, exited: serverExited } = await startRedis(port, password);
  t.after(() => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  });
  const url = `redis://:${password}@127.0.0.1:${port}`;
  const { dataDir, recordFile } = freshDataDir(BASIC);
  const holdFile = join(dataDir, 'release-nodes');
  const queue = uniqueQueue('redis-lost');
  const env = { SLUICE_TEST_RECORD: recordFile, SLUICE_TEST_HOLD_FILE: holdFile, SLUICE_REDIS_URL: url };
  const worker = await startWorker(BASIC, queue, env);
  t.after(() => {
    writeFileSync(holdFile, '');
    if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  });
  const coordinator = startCoordinator(
    BASIC,
    queue,
    ['--pipeline', 'slow', '--params', `data_dir=${dataDir}`],
    env,
  );
  t.after(() => {
    if (coordinator.child.exitCode === null) coordinator.child.kill('SIGKILL');
  });
  const lines = () => readRecord<Line>(recordFile);
  await until(() => lines().some((line) => line.plugin === 'recorder' && line.hook === 'beforeNodeRun'));
  server.kill('SIGKILL');
  await serverExited;
  const code = await coordinator.exited;
  const output = coordinator.output();
  assert.equal(code, 1, output);
  assert.match(
    output,
    new RegExp(`Lost Redis at redis://\\*\\*\\*@127\\.0\\.0\\.1:${port} mid-run: connect ECONNREFUSED`),
  );
  assert.ok(!output.includes(password), `the password is never printed:\n${output}`);
  assert.ok(!/^\s+at /m.test(output), `no stack without --verbose:\n${output}`);
  const errors = lines().filter((line) => line.hook === 'onPipelineError');
  assert.deepEqual(
    errors.map((line) => [line.error, line.pid]),
    [['RedisLostError', coordinator.child.pid]],
    'onPipelineError once, in the coordinator',
  );
  assert.ok(!errors[0]!.message!.includes(password));
});
