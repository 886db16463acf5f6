import type { SluicePlugin } from '../plugin-api/index.ts';
import { alertsPlugin } from './alerts/index.ts';
import { stepHooksPlugin } from './step-hooks/index.ts';
import { vizPlugin } from './viz/index.ts';
import { trackingPlugin } from './tracking/index.ts';

/**
 * The built-in plugins every project gets, fresh for each hook manager (they keep per-run state).
 * A project turns one off with `disableHooksForPlugins: ['<name>']`, or replaces it by listing
 * its own instance (same name) in `hooks`.
 */
export function defaultPlugins(): (SluicePlugin & { readonly name: string })[] {
  return [stepHooksPlugin(), alertsPlugin(), trackingPlugin(), vizPlugin()];
}
