/**
 * `conf/<env>/branch_data.yml`: per-branch copies of file datasets ("steel toes").
 *
 * ```yaml
 * enabled: true
 * main_branches: [main, master]     # branches that use the shared paths (default: main, master)
 * ```
 */
import type { ConfigLoader } from '../../plugin-api/index.ts';
import { didYouMean } from '../../plugin-api/index.ts';
import { BranchDataConfigError } from './errors.ts';

export const BRANCH_DATA_CONFIG_KEY = 'branch_data';
const KEYS = ['enabled', 'main_branches'];
export const DEFAULT_MAIN_BRANCHES: readonly string[] = ['main', 'master'];

export interface BranchDataSettings {
  readonly enabled: boolean;
  readonly mainBranches: readonly string[];
}

export function loadBranchDataSettings(config: ConfigLoader): BranchDataSettings {
  const none = { enabled: false, mainBranches: DEFAULT_MAIN_BRANCHES };
  if (!config.keys().includes(BRANCH_DATA_CONFIG_KEY)) return none;
  const raw = config.get(BRANCH_DATA_CONFIG_KEY);
  const fail = (key: string, message: string) => {
    const location = config.locate(BRANCH_DATA_CONFIG_KEY, [key]);
    return new BranchDataConfigError(message, {
      ...(location === undefined ? {} : { location }),
      hint: 'See docs/branch-data.md.',
    });
  };
  for (const key of Object.keys(raw))
    if (!KEYS.includes(key))
      throw fail(key, `unknown setting "${key}" in branch_data.yml.${didYouMean(key, KEYS)}`);
  const enabled = raw.enabled ?? false;
  if (typeof enabled !== 'boolean') throw fail('enabled', '"enabled" must be true or false.');
  const main = raw.main_branches ?? DEFAULT_MAIN_BRANCHES;
  if (!Array.isArray(main) || main.some((branch) => typeof branch !== 'string'))
    throw fail('main_branches', '"main_branches" must be a list of branch names.');
  return { enabled, mainBranches: main as string[] };
}
