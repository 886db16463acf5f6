import type { SluicePlugin } from '../../plugin-api/index.ts';
import { definePlugin } from '../../plugin-api/index.ts';
import { BRANCH_DATA_PLUGIN_NAME, branchCopies } from './branch-copies.ts';
import type { BranchDataSettings } from './branch-data-config.ts';
import { loadBranchDataSettings } from './branch-data-config.ts';
import { branchPath, safeBranchName } from './branch-path.ts';
import type { GitState } from './git-branch.ts';
import { currentGitState } from './git-branch.ts';

/** Options of {@link branchDataPlugin}; each replaces the same setting of branch_data.yml. */
export interface BranchDataOptions {
  readonly enabled?: boolean | undefined;
  readonly mainBranches?: readonly string[] | undefined;
  /** Where the run's note goes (which datasets read from the branch). Default: stderr. */
  readonly log?: ((line: string) => void) | undefined;
}

/** What the plugin decided for this process's run. */
type Decision =
  | { readonly active: false; readonly note: string | undefined }
  | { readonly active: true; readonly branch: string; readonly safe: string };

/**
 * Branch-aware data ("steel toes"): on a git branch other than the main ones, every file dataset
 * saves to `<path>_<branch>` (before the extension; versioned folders and partition folders too)
 * and loads from there when that copy exists, else from the shared path. Teammates on different
 * branches never overwrite each other's outputs, and main's data is never touched from a branch.
 *
 * Off until `enabled: true` in conf/<env>/branch_data.yml (or the `enabled` option). On a main
 * branch it does nothing; on a detached HEAD or outside git it does nothing and says so. The
 * rewrite happens in every process that builds a catalog (workers read the same checkout, or
 * `SLUICE_BRANCH`); the note on what reads from where is printed once, by the main process.
 */
export function branchDataPlugin(options: BranchDataOptions = {}): SluicePlugin & { readonly name: string } {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  let decision: Decision = { active: false, note: undefined };
  let projectPath = '.';

  return definePlugin({
    name: BRANCH_DATA_PLUGIN_NAME,
    afterContextCreated({ context }) {
      projectPath = context.projectPath;
      const configured = loadBranchDataSettings(context.config);
      const settings: BranchDataSettings = {
        enabled: options.enabled ?? configured.enabled,
        mainBranches: options.mainBranches ?? configured.mainBranches,
      };
      decision = settings.enabled
        ? decide(currentGitState(projectPath), settings)
        : { active: false, note: undefined };
    },
    // Last, so that it suffixes the location path rules give.
    afterCatalogCreated: {
      trylast: true,
      handler({ catalog }) {
        if (!decision.active) return;
        const { branch, safe } = decision;
        catalog.rewriteLocations(BRANCH_DATA_PLUGIN_NAME, (target) =>
          target.key === 'url'
            ? undefined
            : {
                location: branchPath(target.location, safe),
                fallback: target.location,
                reason: `branch "${branch}"`,
              },
        );
      },
    },
    beforePipelineRun({ pipeline, catalog }) {
      if (!decision.active) {
        if (decision.note !== undefined) log(decision.note);
        return;
      }
      // Datasets the run produces are read back from the branch, where it saves them.
      const copies = branchCopies(catalog, pipeline.inputs(), decision.safe, projectPath);
      const fromBranch = copies.filter((copy) => copy.exists).map((copy) => copy.dataset);
      const fromShared = copies.filter((copy) => !copy.exists).map((copy) => copy.dataset);
      const list = (names: string[]) => (names.length === 0 ? 'none' : names.join(', '));
      log(
        `sluice: branch data for "${decision.branch}": outputs are saved to <path>_${decision.safe}. ` +
          `Inputs read from the branch: ${list(fromBranch)}. Inputs read from the shared copy: ${list(fromShared)}.`,
      );
    },
  });
}

function decide(state: GitState, settings: BranchDataSettings): Decision {
  if (state.kind === 'none')
    return {
      active: false,
      note: 'sluice: branch data is on, but the project is not in a git repository: datasets use their shared paths.',
    };
  if (state.kind === 'detached')
    return {
      active: false,
      note: `sluice: branch data is on, but HEAD is detached (at ${state.commit}): datasets use their shared paths. Check out a branch, or set SLUICE_BRANCH.`,
    };
  if (settings.mainBranches.includes(state.branch)) return { active: false, note: undefined };
  return { active: true, branch: state.branch, safe: safeBranchName(state.branch) };
}
