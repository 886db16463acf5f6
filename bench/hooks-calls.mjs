/**
 * Instructions per async hook call, for valgrind (bench/hooks-instructions.sh runs it): makes `calls`
 * awaited calls of one variant against the compiled package, so that the difference between two
 * counts of calls is the cost of the calls alone, warm. Plain JavaScript: no loader under valgrind.
 * Usage: node bench/hooks-calls.mjs <variant> <calls>; SLUICE_DIST=<dir> measures another build.
 */
import tapable from 'tapable';

const dist = process.env.SLUICE_DIST ?? new URL('../dist', import.meta.url).pathname;
const { HookManager } = await import(`${dist}/plugin-api/index.js`);
const [variant, calls] = [process.argv[2], Number(process.argv[3])];
const args = { node: 'n', runId: 'r' };
let sink = 0;
const noop = (a) => {
  if (a.node.length === 0) sink++;
};
const asyncNoop = async (a) => {
  if (a.node.length === 0) sink++;
};

/** `beforeNodeRun` with ten implementations, the i-th being `pick(i)`. */
function tenImplementations(pick, firstResult = false) {
  const manager = new HookManager([{ name: 'beforeNodeRun', args: ['node', 'runId'], firstResult }]);
  for (let i = 0; i < 10; i++) manager.register({ name: `p${i}`, beforeNodeRun: pick(i) });
  return manager.hook.beforeNodeRun;
}

const variants = {
  /** Ten async implementations. */
  sluiceAsync: () => {
    const caller = tenImplementations(() => asyncNoop);
    return () => caller.call(args);
  },
  /** tapable's AsyncSeriesHook with the same ten. */
  tapableAsync: () => {
    const hook = new tapable.AsyncSeriesHook(['args']);
    for (let i = 0; i < 10; i++) hook.tapPromise(`p${i}`, asyncNoop);
    return () => hook.promise(args);
  },
  /** One async implementation among ten, in the middle of the call order. */
  sluiceMixed: () => {
    const caller = tenImplementations((i) => (i === 5 ? asyncNoop : noop));
    return () => caller.call(args);
  },
  /** The same on a first-result hook where nothing answers: all ten run, as in a list hook. */
  sluiceFirstMixed: () => {
    const caller = tenImplementations((i) => (i === 5 ? asyncNoop : noop), true);
    return () => caller.call(args);
  },
  /** The budget: ten sync implementations, then one awaited async function. */
  syncPlusAwait: () => {
    const caller = tenImplementations(() => noop);
    return async () => {
      caller.call(args);
      await asyncNoop(args);
    };
  },
};

const body = variants[variant]();
for (let i = 0; i < calls; i++) await body();
if (sink < 0) console.log(sink);
