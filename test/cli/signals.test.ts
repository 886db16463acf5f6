/**
 * SIGINT and SIGTERM against a main thread that is busy with synchronous work, with a real
 * `sluice run` child process: before the run starts (reading configuration), a signal ends Sluice
 * at once; during a synchronous node, a second Ctrl-C stops it at once instead of waiting for the
 * node to return. The busy stretches last ten minutes, so a test that passes did not wait for
 * them; the generous timeouts are only there for a loaded machine.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { BIN, cleanEnv, ensureBuilt, linkSluice, tempDir, write } from './support.ts';

before(() => ensureBuilt());

// Ten minutes of synchronous computation: the main thread runs no other JavaScript meanwhile. It
// also ends when the test process is gone (sluice is reparented), so a cancelled test leaves no
// spinning orphan behind.
const SPIN = `const end = Date.now() + 600_000;
  const testProcess = process.ppid;
  while (Date.now() < end && process.ppid === testProcess) {
    // spin
  }`;

/** A project whose one node spins for ten minutes; with SPIN_IN_CONFIG=1, so does afterContextCreated. */
function spinningProject(): string {
  const project = join(tempDir('signals'), 'project');
  write(join(project, 'package.json'), JSON.stringify({ name: 'spin', type: 'module', private: true }));
  write(join(project, 'conf', 'base', 'parameters.yml'), 'label: spin\n');
  write(join(project, 'conf', 'base', 'catalog.yml'), '{}\n');
  write(
    join(project, 'sluice.config.ts'),
    `import { defineConfig } from 'sluice';

export default defineConfig({
  hooks: [
    {
      name: 'probe',
      // Runs between reading parameters and reading the catalog: a synchronous configuration stage.
      afterContextCreated() {
        process.stderr.write('probe: reading configuration\\n');
        if (process.env.SPIN_IN_CONFIG === '1') {
          ${SPIN}
        }
      },
    },
  ],
  pipelines: { __default__: () => import('./src/pipeline.ts').then((m) => m.spin) },
});
`,
  );
  write(
    join(project, 'src', 'pipeline.ts'),
    `import { node, Pipeline } from 'sluice';

export function spinFor(label: string): string {
  process.stderr.write('spin: started\\n');
  ${SPIN}
  return label;
}

export const spin = new Pipeline([node(spinFor, 'params:label', 'result', { name: 'spin' })]);
`,
  );
  linkSluice(project);
  return project;
}

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs `sluice run` in its own process group, as a shell runs a foreground job, and calls `step`
 * with all of stderr after each chunk; `step` sends signals. Resolves once every process holding
 * the child's stderr has exited.
 */
function runSpinning(
  project: string,
  env: Record<string, string>,
  step: (
    stderr: string,
    signalGroup: (signal: NodeJS.Signals) => void,
    signalPid: (signal: NodeJS.Signals) => void,
  ) => void,
): Promise<Ended> {
  const child = spawn(process.execPath, [BIN, 'run', '--progress', 'plain'], {
    cwd: project,
    env: cleanEnv(env),
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const pid = child.pid!;
  // If this test file is cancelled (a timeout), its ten-minute spinners must not outlive it.
  const killGroup = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killGroup);
  let stderr = '';
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const signalGroup = (signal: NodeJS.Signals) => process.kill(-pid, signal);
  const signalPid = (signal: NodeJS.Signals) => child.kill(signal);
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (exited === undefined) step(stderr, signalGroup, signalPid);
  });
  child.once('exit', (code, signal) => (exited = { code, signal }));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ ...(exited ?? { code, signal }), stderr }));
  }).finally(() => {
    // Whatever happened, leave nothing of this test running: the group is the child and its watchdog.
    process.off('exit', killGroup);
    killGroup();
  }) as Promise<Ended>;
}

describe('signals while the main thread is busy', { concurrency: true, timeout: 240_000 }, () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} while configuration is read ends Sluice at once (nothing ran, nothing to finish)`, async () => {
      let sent = false;
      const ended = await runSpinning(spinningProject(), { SPIN_IN_CONFIG: '1' }, (stderr, _group, toPid) => {
        if (!sent && stderr.includes('probe: reading configuration\n')) {
          sent = true;
          toPid(signal);
        }
      });
      assert.ok(sent, `the configuration stage was reached\n${ended.stderr}`);
      assert.equal(
        ended.signal,
        signal,
        `ended by the signal itself, not after the stage\n${JSON.stringify(ended)}`,
      );
      assert.doesNotMatch(ended.stderr, /spin: started/);
    });
  }

  test('a second Ctrl-C stops a synchronous node at once: the watchdog kills Sluice (SIGKILL, status 137)', async () => {
    let sent = 0;
    const ended = await runSpinning(spinningProject(), {}, (stderr, toGroup) => {
      if (sent === 0 && stderr.includes('spin: started\n')) {
        sent++;
        toGroup('SIGINT');
      } else if (sent === 1 && /Received SIGINT while a node runs synchronously/.test(stderr)) {
        // The first Ctrl-C reached the watchdog (it says so, since Sluice itself can't): press again.
        sent++;
        toGroup('SIGINT');
      }
    });
    assert.equal(sent, 2, `both signals were sent\n${ended.stderr}`);
    assert.equal(ended.signal, 'SIGKILL', `Sluice was killed mid-node\n${JSON.stringify(ended)}`);
    assert.match(
      ended.stderr,
      /^Received SIGINT again: stopping at once \(SIGKILL, exit status 137\) while a node runs synchronously\./m,
    );
    assert.doesNotMatch(ended.stderr, /✓ spin/, 'the node did not finish');
  });

  test('a SIGTERM to the process group during a synchronous node, twice, also stops it', async () => {
    let sent = 0;
    const ended = await runSpinning(spinningProject(), {}, (stderr, toGroup) => {
      if (sent === 0 && stderr.includes('spin: started\n')) {
        sent++;
        toGroup('SIGTERM');
      } else if (sent === 1 && /Received SIGTERM while a node runs synchronously/.test(stderr)) {
        sent++;
        toGroup('SIGTERM');
      }
    });
    assert.equal(ended.signal, 'SIGKILL', JSON.stringify(ended));
  });
});
