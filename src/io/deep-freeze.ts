/**
 * Freezing plain data in place, so that a value handed from one node to the next can be shared
 * instead of copied: a consumer that writes to it gets a TypeError (ES modules are strict mode)
 * instead of silently changing what the producer and the other consumers see.
 */

/** Roots already frozen all the way down: handing the same value on again costs one lookup. */
const frozenTrees = new WeakSet<object>();

/**
 * Freezes `value` and every plain object and array reachable from it through plain objects and
 * arrays, and returns it. Class instances (Arrow tables, typed arrays, Map, Set, Date) are left as
 * they are: typed arrays can't be frozen, and freezing a Map doesn't stop `set`. An object that is
 * already frozen is not descended into, so a frozen row reused by a later node costs one check.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || !isPlainData(value)) return value;
  if (frozenTrees.has(value)) return value;
  // A stack rather than recursion: a deep structure (a long linked list) can't overflow it.
  const pending: object[] = [Object.freeze(value)];
  while (pending.length > 0) {
    const next = pending.pop() as Record<string, unknown> | unknown[];
    if (Array.isArray(next)) {
      for (let index = 0; index < next.length; index++) freezeChild(next[index], pending);
    } else {
      for (const key in next) freezeChild(next[key], pending);
    }
  }
  frozenTrees.add(value);
  return value;
}

/** True when `value` was frozen by `deepFreeze` (or is not something it would freeze). */
export function isDeeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || !isPlainData(value)) return true;
  return frozenTrees.has(value);
}

/**
 * Freezes `value` like `deepFreeze` when everything reachable from it is plain data (plain objects,
 * arrays, primitives), and returns true; returns false, at the first class instance found, when
 * some part can't be made read-only (a `Date`, a `Map`, a typed array). What was frozen before the
 * walk stopped stays frozen: give the caller a value of its own then.
 */
export function freezePlainData(value: unknown): boolean {
  if (typeof value === 'function') return false;
  if (typeof value !== 'object' || value === null) return true;
  if (!isPlainData(value)) return false;
  if (frozenTrees.has(value)) return true;
  const pending: object[] = [Object.freeze(value)];
  while (pending.length > 0) {
    const next = pending.pop() as Record<string, unknown> | unknown[];
    if (Array.isArray(next)) {
      for (let index = 0; index < next.length; index++)
        if (!freezePlainChild(next[index], pending)) return false;
    } else {
      for (const key in next) if (!freezePlainChild(next[key], pending)) return false;
    }
  }
  frozenTrees.add(value);
  return true;
}

function freezePlainChild(child: unknown, pending: object[]): boolean {
  if (typeof child === 'function') return false;
  if (typeof child !== 'object' || child === null) return true;
  if (!isPlainData(child)) return false;
  if (!Object.isFrozen(child)) pending.push(Object.freeze(child));
  return true;
}

function freezeChild(child: unknown, pending: object[]): void {
  if (typeof child !== 'object' || child === null || Object.isFrozen(child) || !isPlainData(child)) return;
  pending.push(Object.freeze(child));
}

/** What `deepFreezeNoting` found, by root: nothing but plain data, or something else too. */
const plainTrees = new WeakSet<object>();
const impureTrees = new WeakSet<object>();

/**
 * Freezes `value` as `deepFreeze` does (plain objects and arrays all the way down, class instances
 * left as they are) and returns true when it found nothing but plain data: objects, arrays and
 * primitives. Unlike `deepFreeze`, it also looks inside objects frozen before (rows of a memory
 * dataset, a value someone froze only at its top), which may hold a `Date` or objects left
 * unfrozen; each once, so a cycle ends. One walk that allocates nothing per unfrozen object, for
 * values on the hot path of a run (a `cached` dataset's saved value). The answer for a root is
 * remembered: everything reachable from it is frozen, so it can't change.
 */
export function deepFreezeNoting(value: unknown): boolean {
  if (typeof value === 'function') return false;
  if (typeof value !== 'object' || value === null) return true;
  if (!isPlainData(value)) return false;
  if (plainTrees.has(value)) return true;
  if (impureTrees.has(value)) return false;
  const walk: NotingWalk = { plain: true, pending: [Object.freeze(value)], seenFrozen: undefined };
  while (walk.pending.length > 0) {
    const next = walk.pending.pop() as Record<string, unknown> | unknown[];
    if (Array.isArray(next)) {
      for (let index = 0; index < next.length; index++) freezeChildNoting(next[index], walk);
    } else {
      for (const key in next) freezeChildNoting(next[key], walk);
    }
  }
  frozenTrees.add(value);
  (walk.plain ? plainTrees : impureTrees).add(value);
  return walk.plain;
}

interface NotingWalk {
  plain: boolean;
  readonly pending: object[];
  /** Objects frozen before the walk that it has looked inside, made when it meets the first. */
  seenFrozen: WeakSet<object> | undefined;
}

function freezeChildNoting(child: unknown, walk: NotingWalk): void {
  if (typeof child === 'function') {
    walk.plain = false;
    return;
  }
  if (typeof child !== 'object' || child === null) return;
  if (!isPlainData(child)) {
    walk.plain = false;
    return;
  }
  if (!Object.isFrozen(child)) {
    walk.pending.push(Object.freeze(child));
    return;
  }
  if (plainTrees.has(child)) return;
  const seen = (walk.seenFrozen ??= new WeakSet());
  if (seen.has(child)) return;
  seen.add(child);
  walk.pending.push(child);
}

/** Plain objects and arrays: what structured data from a parser or a node is made of. */
export function isPlainData(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === Array.prototype || prototype === null;
}
