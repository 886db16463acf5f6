import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HookCallEnd, HookCallStart, HookImplementationTiming } from '../../src/hooks/index.ts';
import { HookManager } from '../../src/hooks/index.ts';
import type { AnyHookCaller } from '../../src/hooks/hook-caller.ts';
import { callerControl } from '../../src/hooks/hook-caller.ts';
import { addPlain, addWrapper, list, makeManager } from './helpers.ts';

/** The function a caller's `call` runs now: `call` itself keeps its identity across changes. */
const compiled = (caller: AnyHookCaller) => callerControl.compiled(caller);

const SECRET = 'hunter2-SECRET-value-8b1f';

// ---- monitors ----

test('a monitor sees before and after each call, with hook name, plugin names in call order, and the args', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { returns: 'A' });
  addPlain(manager, calls, 'b', { tryfirst: true });
  addWrapper(manager, calls, 'w');
  const starts: HookCallStart[] = [];
  const ends: HookCallEnd[] = [];
  manager.addMonitor({ before: (event) => void starts.push(event), after: (event) => void ends.push(event) });
  const args = { x: 1 };
  manager.hook.h.call(args);
  assert.equal(starts.length, 1);
  assert.equal(starts[0]!.hookName, 'h');
  assert.deepEqual(starts[0]!.pluginNames, ['w', 'b', 'a']);
  assert.equal(starts[0]!.args, args);
  assert.equal(ends.length, 1);
  const end = ends[0]!;
  assert.equal(end.hookName, 'h');
  assert.equal(end.failed, false);
  assert.deepEqual(list(end.result), ['A']);
  assert.equal(end.error, undefined);
  assert.equal(typeof end.durationMs, 'number');
  assert.ok(end.durationMs >= 0);
});

test('before runs before the implementations and after runs after them', () => {
  const manager = makeManager();
  const events: string[] = [];
  addPlain(manager, events, 'impl');
  manager.addMonitor({ before: () => void events.push('before'), after: () => void events.push('after') });
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(events, ['before', 'impl', 'after']);
});

test('after reports a thrown error with failed: true, and the error still escapes', () => {
  const manager = makeManager();
  const error = new Error('impl failed');
  manager.register(
    {
      h: () => {
        throw error;
      },
    },
    'bad',
  );
  const ends: HookCallEnd[] = [];
  manager.addMonitor({ after: (event) => void ends.push(event) });
  assert.throws(
    () => manager.hook.h.call({ x: 1 }),
    (reason) => reason === error,
  );
  assert.equal(ends.length, 1);
  assert.equal(ends[0]!.failed, true);
  assert.equal(ends[0]!.error, error);
  assert.equal('result' in ends[0]!, false);
});

test('for an async call, after fires once the promise settles, with the resolved result', async () => {
  const manager = makeManager();
  let resolve!: (value: string) => void;
  manager.register({ h: () => new Promise<string>((res) => (resolve = res)) }, 'slow');
  const ends: HookCallEnd[] = [];
  manager.addMonitor({ after: (event) => void ends.push(event) });
  const pending = manager.hook.h.call({ x: 1 });
  await new Promise((done) => setTimeout(done, 20));
  assert.equal(ends.length, 0);
  resolve('late');
  await pending;
  assert.equal(ends.length, 1);
  assert.deepEqual(list(ends[0]!.result), ['late']);
  assert.equal(ends[0]!.failed, false);
  assert.ok(ends[0]!.durationMs >= 10, `durationMs ${ends[0]!.durationMs}`);
});

test('for an async rejection, after reports the error and the call still rejects with it', async () => {
  const manager = makeManager();
  const error = new Error('async failed');
  manager.register(
    {
      h: async () => {
        throw error;
      },
    },
    'bad',
  );
  const ends: HookCallEnd[] = [];
  manager.addMonitor({ after: (event) => void ends.push(event) });
  await assert.rejects(
    async () => manager.hook.h.call({ x: 1 }),
    (reason) => reason === error,
  );
  assert.equal(ends.length, 1);
  assert.equal(ends[0]!.failed, true);
  assert.equal(ends[0]!.error, error);
});

test('a firstResult call reports its single result', () => {
  const manager = makeManager({ firstResult: true });
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { returns: 'answer' });
  const ends: HookCallEnd[] = [];
  manager.addMonitor({ after: (event) => void ends.push(event) });
  manager.hook.h.call({ x: 1 });
  assert.equal(ends[0]!.result, 'answer');
});

test('several monitors are called in the order they were added', () => {
  const manager = makeManager();
  const events: string[] = [];
  manager.addMonitor({
    before: () => void events.push('m1.before'),
    after: () => void events.push('m1.after'),
  });
  manager.addMonitor({
    before: () => void events.push('m2.before'),
    after: () => void events.push('m2.after'),
  });
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(events, ['m1.before', 'm2.before', 'm1.after', 'm2.after']);
});

test('a monitor sees plugins registered after it was added, and every hook of the manager', () => {
  const manager = new HookManager<{ h(args: { x: number }): unknown; g(args: object): unknown }>([
    { name: 'h', args: ['x'] },
    { name: 'g', args: [] },
  ]);
  const starts: HookCallStart[] = [];
  manager.addMonitor({ before: (event) => void starts.push(event) });
  manager.register({ h: () => 1, g: () => 2 }, 'late');
  manager.call('h', { x: 1 });
  manager.call('g', {});
  assert.deepEqual(
    starts.map((event) => [event.hookName, [...event.pluginNames]]),
    [
      ['h', ['late']],
      ['g', ['late']],
    ],
  );
});

test('a monitor sees calls of hooks without implementations', () => {
  const manager = makeManager();
  const starts: HookCallStart[] = [];
  manager.addMonitor({ before: (event) => void starts.push(event) });
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(starts[0]!.pluginNames, []);
});

test('a monitor sees historic calls and their replays', () => {
  const manager = makeManager({ historic: true });
  const starts: HookCallStart[] = [];
  manager.addMonitor({ before: (event) => void starts.push(event) });
  manager.hook.h.callHistoric({ x: 1 });
  manager.register({ h: () => undefined }, 'late');
  assert.deepEqual(
    starts.map((event) => [...event.pluginNames]),
    [[], ['late']],
  );
});

test('the function addMonitor returns removes the monitor; calling it twice is harmless', () => {
  const manager = makeManager();
  let seen = 0;
  let other = 0;
  const remove = manager.addMonitor({ after: () => void seen++ });
  manager.addMonitor({ after: () => void other++ });
  manager.hook.h.call({ x: 1 });
  remove();
  remove();
  manager.hook.h.call({ x: 1 });
  assert.equal(seen, 1);
  assert.equal(other, 2);
});

test('a manager without monitors pays nothing: after removal the call function is the unmonitored one again', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { returns: 1 });
  addPlain(manager, calls, 'b');
  const bare = compiled(manager.hook.h);
  const remove = manager.addMonitor({ before: () => undefined, after: () => undefined });
  const monitored = compiled(manager.hook.h);
  assert.notEqual(monitored, bare);
  assert.notEqual(monitored.toString(), bare.toString());
  remove();
  const restored = compiled(manager.hook.h);
  assert.notEqual(restored, monitored);
  // The function is recompiled, so compare what it is: the same generated code as before.
  assert.equal(restored.toString(), bare.toString());
  assert.equal(restored.name, bare.name);
  assert.deepEqual(list(restored({ x: 1 })), [1]);
});

test('the same holds for a hook with no implementations, for wrappers and for the loop path', () => {
  const empty = makeManager();
  const wrapped = makeManager();
  const many = makeManager();
  const calls: string[] = [];
  addPlain(wrapped, calls, 'p');
  addWrapper(wrapped, calls, 'w');
  for (let i = 0; i < 70; i++) addPlain(many, calls, `p${i}`);
  for (const manager of [empty, wrapped, many]) {
    const bare = compiled(manager.hook.h).toString();
    const tracer = manager.trace();
    assert.notEqual(compiled(manager.hook.h).toString(), bare);
    tracer.stop();
    assert.equal(compiled(manager.hook.h).toString(), bare);
  }
});

test("a removed monitor is not called by a later-registered plugin's calls either", () => {
  const manager = makeManager();
  let seen = 0;
  const remove = manager.addMonitor({ before: () => void seen++ });
  remove();
  manager.register({ h: () => 1 }, 'late');
  manager.hook.h.call({ x: 1 });
  assert.equal(seen, 0);
});

// ---- per-implementation timings and tracing ----

test('an implementation monitor gets one timing per implementation, wrappers flagged', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p');
  addWrapper(manager, calls, 'w');
  const timings: HookImplementationTiming[] = [];
  manager.addMonitor({ implementation: (timing) => void timings.push(timing) });
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(
    timings.map(({ hookName, pluginName, wrapper, failed }) => ({ hookName, pluginName, wrapper, failed })),
    [
      { hookName: 'h', pluginName: 'p', wrapper: false, failed: false },
      { hookName: 'h', pluginName: 'w', wrapper: true, failed: false },
    ],
  );
  for (const timing of timings) assert.ok(timing.durationMs >= 0);
});

test('trace() records hook name, plugin names, duration and failure of every call', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  addPlain(manager, calls, 'b');
  const tracer = manager.trace();
  manager.hook.h.call({ x: 1 });
  tracer.stop();
  assert.equal(tracer.calls.length, 1);
  const record = tracer.calls[0]!;
  assert.deepEqual(Object.keys(record).sort(), ['durationMs', 'failed', 'hookName', 'pluginNames']);
  assert.equal(record.hookName, 'h');
  assert.deepEqual(record.pluginNames, ['b', 'a']);
  assert.equal(record.failed, false);
  assert.ok(record.durationMs >= 0);
  assert.deepEqual(
    tracer.implementations.map((timing) => timing.pluginName),
    ['b', 'a'],
  );
});

test('trace() records failures, in calls and per implementation', () => {
  const manager = makeManager();
  manager.register(
    {
      h: () => {
        throw new Error('boom');
      },
    },
    'bad',
  );
  const tracer = manager.trace();
  assert.throws(() => manager.hook.h.call({ x: 1 }));
  tracer.stop();
  assert.equal(tracer.calls[0]!.failed, true);
  assert.equal(tracer.implementations[0]!.failed, true);
  assert.equal(tracer.implementations[0]!.pluginName, 'bad');
});

test('trace() times async implementations to when they settle', async () => {
  const manager = makeManager();
  manager.register({ h: () => new Promise((done) => setTimeout(done, 25)) }, 'slow');
  const tracer = manager.trace();
  await manager.hook.h.call({ x: 1 });
  tracer.stop();
  assert.ok(tracer.calls[0]!.durationMs >= 15, `call ${tracer.calls[0]!.durationMs}`);
  assert.ok(tracer.implementations[0]!.durationMs >= 15, `impl ${tracer.implementations[0]!.durationMs}`);
});

test('trace({ implementations: false }) records calls only', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  const tracer = manager.trace({ implementations: false });
  manager.hook.h.call({ x: 1 });
  tracer.stop();
  assert.equal(tracer.calls.length, 1);
  assert.deepEqual(tracer.implementations, []);
});

test('tracer.stop() stops recording', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  const tracer = manager.trace();
  manager.hook.h.call({ x: 1 });
  tracer.stop();
  manager.hook.h.call({ x: 1 });
  assert.equal(tracer.calls.length, 1);
  assert.equal(tracer.implementations.length, 1);
});

test('tracing never records argument values, results or error messages', async () => {
  const manager = new HookManager<{ h(args: { x: unknown; token: string }): unknown }>([
    { name: 'h', args: ['x', 'token'] },
  ]);
  manager.register({ h: ({ token }: { token: string }) => ({ echoed: token }) }, 'echo');
  manager.register({ h: { wrapper: true, handler: (_args: object, next: () => unknown) => next() } }, 'wrap');
  const failing = new HookManager<{ h(args: { token: string }): unknown }>([{ name: 'h', args: ['token'] }]);
  failing.register({ h: async ({ token }: { token: string }) => token }, 'async');
  failing.register(
    {
      h: ({ token }: { token: string }) => {
        throw new Error(`bad token ${token}`);
      },
    },
    'thrower',
  );

  const tracer = manager.trace();
  const failingTracer = failing.trace();
  manager.hook.h.call({ x: { nested: SECRET }, token: SECRET });
  assert.throws(() => failing.hook.h.call({ token: SECRET }), /bad token/);
  failing.unregister('thrower');
  await failing.hook.h.call({ token: SECRET });
  tracer.stop();
  failingTracer.stop();

  for (const recorder of [tracer, failingTracer]) {
    assert.ok(recorder.calls.length > 0);
    assert.ok(recorder.implementations.length > 0);
    assert.equal(JSON.stringify(recorder.calls).includes(SECRET), false);
    assert.equal(JSON.stringify(recorder.implementations).includes(SECRET), false);
    assert.equal(JSON.stringify(recorder.profile()).includes(SECRET), false);
    assert.equal(recorder.formatProfile().includes(SECRET), false);
  }
});

test('profile() has a "*" row per hook and a row per hook and plugin, with counts, totals, means, maxima and failures', () => {
  const manager = new HookManager<{ h(args: { x: number }): unknown; g(args: { x: number }): unknown }>([
    { name: 'h', args: ['x'] },
    { name: 'g', args: ['x'] },
  ]);
  let fail = false;
  manager.register({ h: () => undefined, g: () => undefined }, 'a');
  manager.register(
    {
      h: () => {
        if (fail) throw new Error('x');
      },
    },
    'b',
  );
  const tracer = manager.trace();
  manager.call('h', { x: 1 });
  manager.call('h', { x: 1 });
  fail = true;
  assert.throws(() => manager.call('h', { x: 1 }));
  manager.call('g', { x: 1 });
  tracer.stop();

  const rows = tracer.profile();
  const byKey = new Map(rows.map((row) => [`${row.hookName}/${row.pluginName}`, row]));
  assert.deepEqual([...byKey.keys()].sort(), ['g/*', 'g/a', 'h/*', 'h/a', 'h/b']);
  assert.equal(byKey.get('h/*')!.calls, 3);
  assert.equal(byKey.get('h/*')!.failures, 1);
  // 'a' runs after 'b' (LIFO), so the failing third call never reached it.
  assert.equal(byKey.get('h/a')!.calls, 2);
  assert.equal(byKey.get('h/b')!.calls, 3);
  assert.equal(byKey.get('h/b')!.failures, 1);
  assert.equal(byKey.get('g/*')!.calls, 1);
  assert.equal(byKey.get('g/a')!.failures, 0);
  for (const row of rows) {
    assert.ok(Math.abs(row.meanMs - row.totalMs / row.calls) < 1e-9);
    assert.ok(row.maxMs <= row.totalMs + 1e-9);
    assert.ok(row.maxMs >= row.meanMs - 1e-9);
  }
  const totals = rows.map((row) => row.totalMs);
  assert.deepEqual(
    totals,
    [...totals].sort((a, b) => b - a),
  );
  const hTotal = tracer.calls
    .filter((call) => call.hookName === 'h')
    .reduce((sum, call) => sum + call.durationMs, 0);
  assert.ok(Math.abs(byKey.get('h/*')!.totalMs - hTotal) < 1e-9);
});

test('profile() puts the slowest plugin first', async () => {
  const manager = makeManager();
  // 'fast' runs first (last registered); 'slow' then waits 30 ms longer than 'fast' took, so it is
  // the slower one even when a loaded machine stretches 'fast'.
  const fastTook = () => tracer.implementations.find((timing) => timing.pluginName === 'fast')!.durationMs;
  manager.register({ h: () => new Promise((done) => setTimeout(done, fastTook() + 30)) }, 'slow');
  manager.register({ h: () => undefined }, 'fast');
  const tracer = manager.trace();
  await manager.hook.h.call({ x: 1 });
  tracer.stop();
  const plugins = tracer.profile().filter((row) => row.pluginName !== '*');
  assert.equal(plugins[0]!.pluginName, 'slow');
});

test('profile() of a tracer that saw nothing is empty, and formatProfile() is just the header', () => {
  const manager = makeManager();
  const tracer = manager.trace();
  tracer.stop();
  assert.deepEqual(tracer.profile(), []);
  assert.deepEqual(tracer.formatProfile().split('\n').length, 1);
  assert.match(tracer.formatProfile(), /^hook\s+plugin\s+calls\s+total ms\s+mean ms\s+max ms\s+failed$/);
});

test('formatProfile() is an aligned table with one line per profile row', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a-plugin-with-a-long-name');
  addPlain(manager, calls, 'b');
  const tracer = manager.trace();
  for (let i = 0; i < 3; i++) manager.hook.h.call({ x: i });
  tracer.stop();
  const lines = tracer.formatProfile().split('\n');
  assert.equal(lines.length, 1 + tracer.profile().length);
  assert.ok(lines[0]!.startsWith('hook'));
  assert.equal(new Set(lines.map((line) => line.length)).size, 1, lines.join('\n'));
  assert.ok(lines.some((line) => line.includes('a-plugin-with-a-long-name')));
  assert.ok(lines.slice(1).every((line) => /\s3\s/.test(line)));
});
