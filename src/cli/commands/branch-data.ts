import { isParameterName } from '../../io/catalog-parameters.ts';
import { defaultPlugins } from '../../plugins/default-plugins.ts';
import { createProjectHooks } from '../../project/project-hooks.ts';
import { buildCatalog } from '../../project/build-catalog.ts';
import { newRunId } from '../../session/run-id.ts';
import { DEFAULT_PIPELINE, loadSettings } from '../../project/settings.ts';
import type { BranchCopy } from '../../plugins/branch-data/index.ts';
import {
  branchCopies,
  currentGitState,
  loadBranchDataSettings,
  removeCopies,
  safeBranchName,
} from '../../plugins/branch-data/index.ts';
import { UsageError } from '../usage-error.ts';
import type { CliContext } from '../main.ts';
import { formatTable } from './pipeline.ts';

interface BranchDataOptions {
  readonly branch?: string;
  readonly env?: string;
}

/** `sluice branch-data list`: the file datasets' copies on a branch (the checked-out one by default). */
export async function branchDataListCommand(context: CliContext, options: BranchDataOptions): Promise<void> {
  const { branch, copies } = await copiesOf(context, options);
  const rows = copies.map((copy) => [copy.dataset, copy.copy, copy.exists ? 'yes' : 'no', copy.shared]);
  context.stdout.write(`Branch "${branch}":\n`);
  context.stdout.write(formatTable(['dataset', 'branch copy', 'exists', 'shared'], rows));
}

/** `sluice branch-data clean`: removes one branch's copies; shared data is never touched. */
export async function branchDataCleanCommand(
  context: CliContext,
  options: BranchDataOptions & { readonly dryRun?: boolean },
): Promise<void> {
  const { branch, copies, projectPath } = await copiesOf(context, options);
  const existing = copies.filter((copy) => copy.exists);
  const removed = options.dryRun === true ? existing : await removeCopies(existing, projectPath);
  const verb = options.dryRun === true ? 'Would remove' : 'Removed';
  if (removed.length === 0) context.stdout.write(`Branch "${branch}" has no copies to remove.\n`);
  for (const copy of removed) context.stdout.write(`${verb} ${copy.copy} (${copy.dataset})\n`);
}

async function copiesOf(
  context: CliContext,
  options: BranchDataOptions,
): Promise<{ branch: string; copies: BranchCopy[]; projectPath: string }> {
  const settings = await loadSettings(context.projectPath);
  let branch = options.branch;
  if (branch === undefined) {
    const state = currentGitState(settings.projectPath);
    if (state.kind !== 'branch') {
      throw new UsageError(
        state.kind === 'none'
          ? 'The project is not in a git repository, so it has no branch copies.'
          : `HEAD is detached (at ${state.commit}): there is no current branch.`,
        { hint: 'Name the branch: sluice branch-data list --branch <name>.' },
      );
    }
    branch = state.branch;
  }
  const { manager } = await createProjectHooks(settings, { role: 'main', builtIns: defaultPlugins });
  const runId = newRunId();
  const { catalog, context: project } = await buildCatalog({
    settings,
    hooks: manager,
    env: options.env ?? settings.defaultEnv,
    confSource: settings.confSource,
    runtimeParams: {},
    saveVersion: runId,
    loadVersions: {},
    runId,
    pipelineName: DEFAULT_PIPELINE,
  });
  if (!loadBranchDataSettings(project.config).enabled)
    context.stderr.write(
      `Note: branch data is off in environment "${project.env}": runs use the shared paths (enabled: true in conf/<env>/branch_data.yml turns it on).\n`,
    );
  const names = new Set(catalog.list().filter((name) => !isParameterName(name)));
  for (const name of settings.pipelineNames())
    for (const dataset of (await settings.pipeline(name)).datasets()) names.add(dataset);
  const copies = branchCopies(catalog, names, safeBranchName(branch), settings.projectPath);
  return { branch, copies, projectPath: settings.projectPath };
}
