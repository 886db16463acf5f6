import type { HookImpl } from './implementation.ts';
import { HookRegistrationError } from './errors.ts';

/**
 * The call order of one hook's implementations, following pluggy: wrappers first (outermost
 * first), then non-wrappers. Within each class: `tryfirst` ones last-registered-first, then plain
 * ones last-registered-first, then `trylast` ones in registration order. `before`/`after`
 * constraints then move implementations relative to named plugins, keeping everything else in
 * pluggy's order; they never cross the wrapper line.
 */
export function callOrder(impls: readonly HookImpl[]): { wrappers: HookImpl[]; plain: HookImpl[] } {
  return {
    wrappers: orderClass(impls.filter((impl) => impl.wrapper)),
    plain: orderClass(impls.filter((impl) => !impl.wrapper)),
  };
}

function orderClass(impls: HookImpl[]): HookImpl[] {
  const newestFirst = (a: HookImpl, b: HookImpl) => b.sequence - a.sequence;
  const ordered = [
    ...impls.filter((impl) => impl.tryfirst).sort(newestFirst),
    ...impls.filter((impl) => !impl.tryfirst && !impl.trylast).sort(newestFirst),
    ...impls.filter((impl) => impl.trylast).sort((a, b) => a.sequence - b.sequence),
  ];
  return impls.some((impl) => impl.before.length > 0 || impl.after.length > 0)
    ? applyRelativeOrder(ordered)
    : ordered;
}

/**
 * Keeps pluggy's order except where a constraint forbids it: each implementation is placed at its
 * pluggy position, right after whatever it must follow (pulled forward, recursively). So `Z before
 * X` moves Z just ahead of X and leaves everything between them where it was.
 */
function applyRelativeOrder(ordered: HookImpl[]): HookImpl[] {
  const mustFollow: Set<number>[] = ordered.map(() => new Set());
  const indexesOf = (plugin: string) =>
    ordered.flatMap((impl, index) => (impl.pluginName === plugin ? [index] : []));
  ordered.forEach((impl, index) => {
    for (const target of impl.before)
      for (const other of indexesOf(target)) if (other !== index) mustFollow[other]!.add(index);
    for (const target of impl.after)
      for (const other of indexesOf(target)) if (other !== index) mustFollow[index]!.add(other);
  });
  const result: HookImpl[] = [];
  const state = new Array<'new' | 'visiting' | 'placed'>(ordered.length).fill('new');
  const place = (index: number, path: number[]): void => {
    if (state[index] === 'placed') return;
    if (state[index] === 'visiting')
      throw cycleError([...path.slice(path.indexOf(index)), index].map((i) => ordered[i]!));
    state[index] = 'visiting';
    for (const earlier of [...mustFollow[index]!].sort((a, b) => a - b)) place(earlier, [...path, index]);
    state[index] = 'placed';
    result.push(ordered[index]!);
  };
  for (let index = 0; index < ordered.length; index++) place(index, []);
  return result;
}

function cycleError(cycle: HookImpl[]): HookRegistrationError {
  const first = cycle[0]!;
  return new HookRegistrationError(
    first.pluginName,
    first.hookName,
    `The before/after constraints on hook "${first.hookName}" form a cycle: ${cycle.map((impl) => `"${impl.pluginName}"`).join(' -> ')}.`,
    'Remove one of the constraints so that an order exists.',
  );
}
