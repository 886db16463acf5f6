/**
 * Hook dispatch speed: calls per second of one hook with 1 and 10 no-op implementations, for the
 * Sluice manager, a bare `for` loop over the functions (the floor) and tapable's SyncHook, plus
 * the async path. Prints a table and a final JSON line. Run: `npm run build && npm run bench:hooks`
 * (it measures the compiled package, as users run it). Wall clock swings with the machine's load:
 * bench/hooks-instructions.sh counts the instructions of the async variants instead.
 */
import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import tapable from 'tapable';
import { HookManager } from '../dist/plugin-api/index.js';

type Args = { node: string; runId: string };
type Specs = { beforeNodeRun(args: Args): void };

const args: Args = { node: 'n', runId: 'r' };
const ROUNDS = 5;
const DURATION_MS = 300;

/** Best rate over several timed rounds of `body` called in a tight loop (calls/s). */
function rate(body: () => unknown): number {
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let calls = 0;
    const began = performance.now();
    let elapsed = 0;
    while (elapsed < DURATION_MS) {
      for (let i = 0; i < 10_000; i++) body();
      calls += 10_000;
      elapsed = performance.now() - began;
    }
    best = Math.max(best, (calls / elapsed) * 1000);
  }
  return best;
}

async function asyncRate(body: () => Promise<unknown>): Promise<number> {
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let calls = 0;
    const began = performance.now();
    let elapsed = 0;
    while (elapsed < DURATION_MS) {
      for (let i = 0; i < 1_000; i++) await body();
      calls += 1_000;
      elapsed = performance.now() - began;
    }
    best = Math.max(best, (calls / elapsed) * 1000);
  }
  return best;
}

/** A no-op that the optimiser can't drop: it reads the argument. */
let sink = 0;
const noop = (a: Args) => {
  if (a.node.length === 0) sink++;
};
const asyncNoop = async (a: Args) => {
  if (a.node.length === 0) sink++;
};

function sluiceManager(count: number, impl: (a: Args) => unknown): HookManager<Specs> {
  const manager = new HookManager<Specs>([{ name: 'beforeNodeRun', args: ['node', 'runId'] }]);
  for (let i = 0; i < count; i++)
    manager.register({ name: `p${i}`, beforeNodeRun: impl as (a: Args) => void });
  return manager;
}

function bareLoop(count: number): () => void {
  const fns = Array.from({ length: count }, () => noop);
  return () => {
    for (let i = 0; i < fns.length; i++) fns[i]!(args);
  };
}

function tapableHook(count: number) {
  const hook = new tapable.SyncHook<[Args]>(['args']);
  for (let i = 0; i < count; i++) hook.tap(`p${i}`, noop);
  return hook;
}

/** One measurement, run in a fresh process so that no other variant's JIT state skews it. */
async function measure(variant: string, count: number): Promise<number> {
  switch (variant) {
    case 'sluice': {
      const caller = sluiceManager(count, noop).hook.beforeNodeRun;
      return rate(() => caller.call(args));
    }
    case 'loop':
      return rate(bareLoop(count));
    case 'tapable': {
      const hook = tapableHook(count);
      return rate(() => hook.call(args));
    }
    case 'sluiceAsync': {
      const caller = sluiceManager(count, asyncNoop).hook.beforeNodeRun;
      return asyncRate(() => caller.call(args) as Promise<unknown>);
    }
    case 'loopAsync': {
      const fns = Array.from({ length: count }, () => asyncNoop);
      return asyncRate(async () => {
        for (let i = 0; i < fns.length; i++) await fns[i]!(args);
      });
    }
    case 'sluiceMixed': {
      // One async implementation among sync ones, in the middle of the call order.
      const manager = new HookManager<Specs>([{ name: 'beforeNodeRun', args: ['node', 'runId'] }]);
      for (let i = 0; i < count; i++)
        manager.register({
          name: `p${i}`,
          beforeNodeRun: (i === count >> 1 ? asyncNoop : noop) as (a: Args) => void,
        });
      const caller = manager.hook.beforeNodeRun;
      return asyncRate(() => caller.call(args) as Promise<unknown>);
    }
    case 'sluiceSyncPlusAwait': {
      // The same call with every implementation sync, plus one awaited async function: the budget.
      const caller = sluiceManager(count, noop).hook.beforeNodeRun;
      return asyncRate(async () => {
        caller.call(args);
        await asyncNoop(args);
      });
    }
    case 'tapableAsync': {
      const hook = new tapable.AsyncSeriesHook<[Args]>(['args']);
      for (let i = 0; i < count; i++) hook.tapPromise(`p${i}`, asyncNoop);
      return asyncRate(() => hook.promise(args));
    }
  }
  throw new Error(`unknown variant ${variant}`);
}

if (process.argv[2] === '--child') {
  process.send!(await measure(process.argv[3]!, Number(process.argv[4])));
  process.exit(0);
}

function inChild(variant: string, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', variant, String(count)], {
      execArgv: ['--import', 'tsx'],
    });
    child.once('message', (value) => resolve(value as number));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`${variant}${count} exited with ${code}`)));
  });
}

const results: Record<string, number> = {};
for (const count of [1, 10]) {
  for (const variant of [
    'sluice',
    'loop',
    'tapable',
    'sluiceAsync',
    'loopAsync',
    'tapableAsync',
    'sluiceMixed',
    'sluiceSyncPlusAwait',
  ]) {
    results[`${variant}${count}`] = await inChild(variant, count);
  }
}

const millions = (value: number) => `${(value / 1e6).toFixed(2)}M`;
console.log(
  `hook dispatch, calls/s (best of ${ROUNDS} x ${DURATION_MS} ms, each in its own process), ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
);
console.log('impls  path   sluice     bare loop  tapable    sluice/loop');
for (const count of [1, 10]) {
  for (const path of ['sync', 'async'] as const) {
    const key = (name: string) => `${name}${path === 'async' ? 'Async' : ''}${count}`;
    const [s, l, t] = [results[key('sluice')]!, results[key('loop')]!, results[key('tapable')]!];
    console.log(
      `${String(count).padStart(5)}  ${path.padEnd(5)}  ${millions(s).padStart(9)}  ${millions(l).padStart(9)}  ${millions(t).padStart(9)}  ${(s / l).toFixed(2).padStart(11)}`,
    );
  }
}
for (const count of [1, 10]) {
  const [mixed, budget] = [results[`sluiceMixed${count}`]!, results[`sluiceSyncPlusAwait${count}`]!];
  console.log(
    `${String(count).padStart(5)}  one async among sync: ${millions(mixed)} calls/s; all sync + one await: ${millions(budget)} (${(mixed / budget).toFixed(2)}x)`,
  );
}
console.log(
  `async, 10 implementations: sluice ${millions(results.sluiceAsync10!)} vs tapable AsyncSeriesHook ${millions(results.tapableAsync10!)} calls/s (${(results.sluiceAsync10! / results.tapableAsync10!).toFixed(2)}x); load ${loadavg()[0]!.toFixed(2)}`,
);
if (sink < 0) console.log(sink);
console.log(
  JSON.stringify({
    sluice10: Math.round(results.sluice10!),
    loop10: Math.round(results.loop10!),
    tapable10: Math.round(results.tapable10!),
    ...Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(v)])),
  }),
);
