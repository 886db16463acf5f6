import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addPlain, list, makeManager } from './helpers.ts';

test('a call function kept across registrations calls the current implementations', () => {
  const manager = makeManager();
  const calls: string[] = [];
  const call = manager.hook.h.call;
  const subsetCall = manager.subsetCaller('h', ['skipped']).call;
  addPlain(manager, calls, 'a', { returns: 'A' });
  addPlain(manager, calls, 'skipped', { returns: 'S' });
  assert.deepEqual(list(call({ x: 1 })), ['S', 'A']);
  assert.deepEqual(list(subsetCall({ x: 1 })), ['A']);
  manager.unregister('a');
  assert.deepEqual(list(call({ x: 1 })), ['S']);
  assert.equal(manager.hook.h.call, call, 'call keeps its identity');
});

test('a kept call function sees monitors added later', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  const call = manager.hook.h.call;
  const seen: string[] = [];
  manager.addMonitor({ before: ({ hookName }) => void seen.push(hookName) });
  call({ x: 1 });
  assert.deepEqual(seen, ['h']);
});

test("a caller's own members are its name, spec and call; the manager's controls are not reachable", () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  const caller = manager.hook.h;
  assert.deepEqual(Object.keys(caller).sort(), ['call', 'name', 'spec']);
  for (const internal of ['setImpls', 'impls', 'replayHistory', 'refresh']) {
    assert.equal(internal in caller, false, `${internal} must not be a member`);
  }
  // @ts-expect-error setImpls is not part of the type either
  assert.equal(caller.setImpls, undefined);
  assert.throws(() => {
    (caller as { active: boolean }).active = false;
  }, TypeError);
  assert.equal(caller.active, true);
});
