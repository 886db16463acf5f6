import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { generatingCallSites, useGeneratedCallSites } from '../../src/hooks/generated-call-sites.ts';
import { readSamples, sampleMismatches } from './conformance-samples.ts';
import { addPlain, list, makeManager } from './helpers.ts';

const samplesScript = fileURLToPath(new URL('./conformance-samples.ts', import.meta.url));

/** Runs `node ...args` to exit and returns its exit code and output. */
function runNode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test("under --disallow-code-generation-from-strings, every hook-order sample gives pluggy's answer on the plain loops", async () => {
  const probe = await runNode([
    '--disallow-code-generation-from-strings',
    '-e',
    "try { new Function('return 1'); console.log('allowed') } catch { console.log('disallowed') }",
  ]);
  assert.equal(probe.stdout.trim(), 'disallowed', 'the flag must forbid new Function in the child');

  const { code, stdout, stderr } = await runNode([
    '--disallow-code-generation-from-strings',
    '--import',
    'tsx',
    samplesScript,
  ]);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as { generated: boolean; cases: number; mismatches: string[] };
  assert.equal(report.generated, false);
  assert.ok(report.cases >= 80, `expected the samples and the historic cases, got ${report.cases}`);
  assert.deepEqual(report.mismatches, []);
});

test('the plain loops and the generated call sites give the same answers to every hook-order sample', async () => {
  const samples = readSamples();
  assert.equal(generatingCallSites(), true, 'this process allows code generation');
  assert.deepEqual(await sampleMismatches(samples), []);
  const previous = useGeneratedCallSites(false);
  try {
    assert.equal(generatingCallSites(), false);
    assert.deepEqual(await sampleMismatches(samples), []);
  } finally {
    useGeneratedCallSites(previous);
  }
});

test('the plain loops serve more implementations than are worth generating code for', () => {
  const manager = makeManager();
  const calls: string[] = [];
  for (let i = 0; i < 70; i++) addPlain(manager, calls, `p${i}`, { returns: i });
  const result = list(manager.hook.h.call({ x: 1 })) as number[];
  assert.deepEqual(
    result,
    Array.from({ length: 70 }, (_, i) => 69 - i),
  );
});

/** Counts the functions compiled from strings while `body` runs. */
function codeCompiledDuring(body: () => void): number {
  const original = globalThis.Function;
  let compiled = 0;
  globalThis.Function = new Proxy(original, {
    construct(target, args: string[]) {
      compiled++;
      return Reflect.construct(target, args) as object;
    },
  });
  try {
    body();
  } finally {
    globalThis.Function = original;
  }
  return compiled;
}

test('registering compiles the hook once; callExtra and historic replays compile nothing', () => {
  const manager = makeManager();
  const calls: string[] = [];
  assert.equal(
    codeCompiledDuring(() => addPlain(manager, calls, 'a')),
    1,
    'registration compiles the call site (so the counting works)',
  );
  assert.equal(
    codeCompiledDuring(() => {
      for (let i = 0; i < 3; i++) manager.hook.h.callExtra([() => void calls.push('extra')], { x: 1 });
    }),
    0,
  );
  assert.deepEqual(calls, ['extra', 'a', 'extra', 'a', 'extra', 'a']);

  const historic = makeManager({ historic: true });
  historic.hook.h.callHistoric({ x: 1 });
  historic.hook.h.callHistoric({ x: 2 });
  const seen: number[] = [];
  const compiled = codeCompiledDuring(() =>
    historic.register({ h: ({ x }: { x: number }) => void seen.push(x) }, 'late'),
  );
  assert.deepEqual(seen, [1, 2]);
  assert.equal(compiled, 1, 'only the registration itself compiles; the two replays do not');
});
