import type { HookArgs } from '../hooks/plugin.ts';
import type { HookSpecs } from '../hooks/specs.ts';
import type { ANNOUNCED_HOOKS } from '../hooks/specs.ts';
import type { ProjectContext } from '../run-types/project-context.ts';

/** Sluice's specs a plugin may fire itself (see `ProjectContext.announce`). */
export type AnnouncedHookName = (typeof ANNOUNCED_HOOKS)[number];

/**
 * `context.announce`, typed: fires `hookName` with `args` in the run's main process, from any
 * process. `announce(context, 'afterDatasetValidated', { result })`.
 */
export function announce<Name extends AnnouncedHookName>(
  context: ProjectContext,
  hookName: Name,
  args: HookArgs<HookSpecs, Name>,
): void | Promise<void> {
  return context.announce(hookName, args as Readonly<Record<string, unknown>>);
}
