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
  return impls.some((impl) => impl.before.length > 0 || impl.after.length > 0) ? applyRelativeOrder(ordered) : ordered;
}

/** A stable topological sort: constraints first, pluggy's position as the tie-breaker. */
function applyRelativeOrder(ordered: HookImpl[]): HookImpl[] {
  const count = ordered.length;
  const successors: Set<number>[] = ordered.map(() => new Set());
  const indexesOf = (plugin: string) => ordered.flatMap((impl, index) => (impl.pluginName === plugin ? [index] : []));
  ordered.forEach((impl, index) => {
    for (const target of impl.before) for (const other of indexesOf(target)) if (other !== index) successors[index]!.add(other);
    for (const target of impl.after) for (const other of indexesOf(target)) if (other !== index) successors[other]!.add(index);
  });
  const indegree = new Array<number>(count).fill(0);
  for (const next of successors) for (const index of next) indegree[index]!++;
  const result: HookImpl[] = [];
  const placed = new Array<boolean>(count).fill(false);
  for (let round = 0; round < count; round++) {
    const index = indegree.findIndex((degree, i) => degree === 0 && !placed[i]);
    if (index === -1) {
      const stuck = ordered.filter((_, i) => !placed[i]);
      const first = stuck[0]!;
      throw new HookRegistrationError(
        first.pluginName,
        first.hookName,
        `The before/after constraints on hook "${first.hookName}" form a cycle between plugins ${stuck
          .map((impl) => `"${impl.pluginName}"`)
          .join(', ')}.`,
        'Remove one of the constraints so that an order exists.',
      );
    }
    placed[index] = true;
    result.push(ordered[index]!);
    for (const next of successors[index]!) indegree[next]!--;
  }
  return result;
}
