/**
 * How a step hook is shown (`sluice inspect`, the pipeline page): a module reference as written
 * (`./src/hooks.ts#notify`), a function by its name (a `StepHookReference`, or whatever a node's
 * options hold). The step-hooks and viz plugins both show hooks, so the label is made here once.
 */
export function stepHookLabel(reference: unknown): string {
  if (typeof reference === 'string') return reference;
  return typeof reference === 'function' ? reference.name || 'anonymous function' : String(reference);
}
