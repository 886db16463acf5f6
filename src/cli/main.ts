import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ExitCode } from './exit-codes.ts';
import type { ExitCodeValue } from './exit-codes.ts';
import { exitCodeFor, formatError } from './report-error.ts';
import { withCommandHooks } from './command-hooks.ts';
import { SLUICE_VERSION } from '../version.ts';

/** State one invocation shares between its parts. */
export interface CliContext {
  readonly projectPath: string;
  readonly verbose: boolean;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Set by `run` once the pipeline-hook bracket started, so errors after it exit 1, not 2. */
  runStarted: boolean;
}

const LIST = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== ''),
];

/**
 * The `sluice` command. Returns the exit code instead of exiting, so tests and embedders can call
 * it; `bin/sluice.js` exits with it. Heavy modules load inside each command, to start fast.
 */
export async function main(
  argv: readonly string[],
  io: { stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream } = {},
): Promise<ExitCodeValue> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = (io.stderr ?? process.stderr) as CliContext['stderr'];
  let exitCode: ExitCodeValue = ExitCode.ok;
  let context: CliContext | undefined;
  const program = new Command('sluice')
    .description('Reproducible data pipelines for TypeScript, built around lifecycle hooks.')
    .option('--project <path>', 'the project folder (holding sluice.config.ts)', '.')
    .option('--verbose', 'show stack traces and debug output', false)
    .version(SLUICE_VERSION, '-V, --version', 'print the version of Sluice')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void stdout.write(text),
      writeErr: (text) => void stderr.write(text),
    })
    .showSuggestionAfterError(true);

  const act =
    <A extends unknown[]>(
      load: () => Promise<(context: CliContext, ...args: A) => Promise<ExitCodeValue | void>>,
    ) =>
    async (...args: A) => {
      const options = program.opts<{ project: string; verbose: boolean }>();
      context = {
        projectPath: resolve(options.project),
        verbose: options.verbose,
        stdout,
        stderr,
        runStarted: false,
      };
      const run = await load();
      const commandArgs = argv.slice();
      exitCode = (await withCommandHooks(
        context,
        commandArgs,
        async () => (await run(context!, ...args)) ?? ExitCode.ok,
      )) as ExitCodeValue;
    };

  program
    .command('run')
    .description('Run a pipeline (the default one unless --pipeline names another).')
    .option('--pipeline <name>', 'a registered pipeline')
    .option('--nodes <names>', 'run only these nodes (comma-separated full names)', LIST)
    .option('--from-nodes <names>', 'run from these nodes onwards', LIST)
    .option('--to-nodes <names>', 'run up to these nodes', LIST)
    .option('--from-inputs <datasets>', 'run the nodes that consume these datasets, and what follows', LIST)
    .option('--to-outputs <datasets>', 'run what produces these datasets', LIST)
    .option('--tags <tags>', 'run only nodes with any of these tags', LIST)
    .option('--namespaces <namespaces>', 'run only nodes in these namespaces', LIST)
    .addOption(
      new Option('--runner <runner>', 'how to run the nodes').choices([
        'sequential',
        'parallel',
        'async',
        'distributed',
      ]),
    )
    .option('--queue <name>', 'the queue of `sluice worker` processes (--runner distributed)')
    .option('--async', "load and save each node's datasets concurrently", false)
    .option('--env <env>', 'the configuration environment layered over base')
    .option('--conf-source <path>', 'the configuration folder')
    .option(
      '--params <pairs>',
      'override parameters: "a.b=1,c=text"',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--load-versions <pairs>', 'load these dataset versions: "ds:version,..."', LIST)
    .option('--only-missing-outputs', 'skip nodes whose persisted outputs all exist', false)
    .option('--continue-on-failure', 'keep running nodes that do not depend on a failed one', false)
    .option(
      '--incremental',
      'skip nodes whose code, inputs and parameters are unchanged since their last run',
      false,
    )
    .option('--explain', 'with --incremental (implied): print why each node runs or is skipped', false)
    .option('--resume', 'resume the last failed or cancelled run with the same choices', false)
    .option('--no-tracking', 'do not record this run in the run store (.sluice/runs.db)')
    .addOption(
      new Option('--progress <mode>', 'the progress display')
        .choices(['auto', 'live', 'plain', 'off'])
        .default('auto'),
    )
    .action(act(async () => (await import('./commands/run.ts')).runCommand));

  program
    .command('worker')
    .description('Run nodes of distributed runs (`sluice run --runner distributed`) until stopped.')
    .option('--concurrency <n>', 'nodes to run at once', '1')
    .option('--queue <name>', 'the queue to take node jobs from (default: the project setting, else sluice)')
    .action(act(async () => (await import('./commands/worker.ts')).workerCommand));

  program
    .command('new')
    .description('Create a runnable starter project.')
    .argument('<dir>', 'the folder to create')
    .option('--name <name>', 'the package name (default: the folder name)')
    .action(act(async () => (await import('./commands/new.ts')).newCommand));

  const catalog = program.command('catalog').description('Inspect the data catalog.');
  catalog
    .command('list')
    .description('List the datasets with type, location and pipelines; flag entries that do not resolve.')
    .option('--pipeline <names>', 'only datasets of these pipelines', LIST)
    .option('--env <env>', 'the configuration environment')
    .action(act(async () => (await import('./commands/catalog.ts')).catalogListCommand));
  catalog
    .command('describe')
    .description('Show one dataset fully: type, the factory pattern that produced it, settings, pipelines.')
    .argument('<name>', 'a dataset name')
    .option('--env <env>', 'the configuration environment')
    .option('--json', 'print JSON', false)
    .action(act(async () => (await import('./commands/catalog.ts')).catalogDescribeCommand));
  catalog
    .command('resolve')
    .description("Print the catalog with factory patterns expanded for the pipelines' datasets, as YAML.")
    .option('--pipeline <names>', 'only datasets of these pipelines', LIST)
    .option('--env <env>', 'the configuration environment')
    .action(act(async () => (await import('./commands/catalog.ts')).catalogResolveCommand));

  const branchData = program
    .command('branch-data')
    .description("Show or remove a git branch's copies of the file datasets (see docs/branch-data.md).");
  branchData
    .command('list')
    .description("List each file dataset's copy on the branch (the checked-out one by default).")
    .option('--branch <name>', 'another branch than the checked-out one')
    .option('--env <env>', 'the configuration environment')
    .action(act(async () => (await import('./commands/branch-data.ts')).branchDataListCommand));
  branchData
    .command('clean')
    .description("Remove the branch's copies; shared data is never touched.")
    .option('--branch <name>', 'another branch than the checked-out one (a merged or deleted branch)')
    .option('--env <env>', 'the configuration environment')
    .option('--dry-run', 'only say what would be removed', false)
    .action(act(async () => (await import('./commands/branch-data.ts')).branchDataCleanCommand));

  const pipelines = program.command('pipeline').description('Inspect and create pipelines.');
  pipelines
    .command('list')
    .description('List the registered pipelines.')
    .action(act(async () => (await import('./commands/pipeline.ts')).pipelineListCommand));
  pipelines
    .command('describe')
    .description("List a pipeline's nodes in run order, with their inputs, outputs, tags and namespace.")
    .argument('[name]', 'a registered pipeline (default __default__)')
    .option('--json', 'print JSON', false)
    .action(act(async () => (await import('./commands/pipeline.ts')).pipelineDescribeCommand));
  pipelines
    .command('create')
    .description(
      'Add a pipeline: src/pipelines/<name>/{nodes,pipeline}.ts and a test; register it in sluice.config.ts.',
    )
    .argument('<name>', 'the pipeline name (lowercase letters, digits, _)')
    .action(act(async () => (await import('./commands/pipeline-create.ts')).pipelineCreateCommand));

  program
    .command('typegen')
    .description(
      'Write src/sluice-datasets.d.ts: the types of the datasets and parameters, for the node functions.',
    )
    .option('--env <env>', 'the configuration environment')
    .action(act(async () => (await import('./commands/typegen.ts')).typegenCommand));

  program
    .command('repl')
    .description(
      'An interactive session with the catalog, pipelines, session and context loaded (top-level await, .reload).',
    )
    .option('--env <env>', 'the configuration environment')
    .action(act(async () => (await import('./commands/repl.ts')).replCommand));

  const viz = program
    .command('viz')
    .description('Serve the pipeline page on 127.0.0.1, live while runs of the project go on.')
    .option('--port <port>', 'the port (default: a free one)')
    .option('--host <address>', 'listen on another address than 127.0.0.1 (exposes the page; warns)')
    .option('--open', 'open the page in a browser', false)
    .option('--env <env>', 'the configuration environment')
    .action(act(async () => (await import('./commands/viz.ts')).vizCommand));
  viz
    .command('build')
    .description('Write the pipeline page as one self-contained HTML file that opens from file://.')
    .option('--out <dir>', 'the folder to write index.html into', 'build/viz')
    .option('--env <env>', 'the configuration environment')
    .action(act(async () => (await import('./commands/viz.ts')).vizBuildCommand));

  const runs = program
    .command('runs')
    .description('The recorded runs (the tracking plugin writes them to .sluice/runs.db).');
  runs
    .command('list')
    .description('List recorded runs, newest first, with a metric column.')
    .option('--limit <n>', 'show at most this many runs', '20')
    .option('--metric <name>', 'the metric column (default: the first metric of the newest runs)')
    .option(
      '--status <status>',
      'only runs with this status (running, success, failed, cancelled, interrupted)',
    )
    .option('--pipeline <name>', 'only runs of this pipeline')
    .option('--json', 'print JSON', false)
    .action(act(async () => (await import('./commands/runs.ts')).runsListCommand));
  runs
    .command('show')
    .description("Show a run's params, metrics, nodes, dataset stats, artifacts and error.")
    .argument('<id>', 'a run id, or the start of one (or of its short id)')
    .option('--json', 'print JSON', false)
    .action(act(async () => (await import('./commands/runs.ts')).runsShowCommand));
  runs
    .command('compare')
    .description('Put the params and metrics of several runs side by side, marking what differs.')
    .argument('<ids...>', 'two or more run ids or prefixes')
    .option('--json', 'print JSON', false)
    .action(act(async () => (await import('./commands/runs.ts')).runsCompareCommand));
  runs
    .command('prune')
    .description('Remove the records of all but the newest runs (data files stay on disk).')
    .requiredOption('--keep <n>', 'how many of the newest runs to keep')
    .option('--json', 'print JSON', false)
    .action(act(async () => (await import('./commands/runs.ts')).runsPruneCommand));

  program
    .command('check')
    .description('Find every problem a run would meet, without running anything (exit 1 when any).')
    .option('--pipeline <name>', 'a registered pipeline (default __default__)')
    .option('--env <env>', 'the configuration environment layered over base')
    .option('--typecheck', 'also type-check the project with its tsconfig.json (tsc --noEmit)', false)
    .option('--lint', 'also lint the project with its eslint configuration', false)
    .option('--docs', 'also require a doc comment on every exported node function', false)
    .action(act(async () => (await import('./commands/check.ts')).checkCommand));

  program
    .command('info')
    .description('Show the Sluice version, the plugins found and their hooks in call order.')
    .action(act(async () => (await import('./commands/info.ts')).infoCommand));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; anything else commander rejects is a usage error, which the
      // CLI hooks hear about like any other command's outcome.
      if (error.exitCode === 0) return ExitCode.ok;
      const projectPath = resolve(program.opts<{ project?: string }>().project ?? '.');
      const rejected: CliContext = { projectPath, verbose: false, stdout, stderr, runStarted: false };
      try {
        await withCommandHooks(rejected, argv.slice(), async () => ExitCode.usage);
      } catch (hookError) {
        stderr.write(`${formatError(hookError, { verbose: false, color: false })}\n`);
      }
      return ExitCode.usage;
    }
    const verbose = context?.verbose ?? argv.includes('--verbose');
    stderr.write(
      `${formatError(error, { verbose, color: stderr.isTTY === true && !process.env.NO_COLOR })}\n`,
    );
    return exitCodeFor(error, context?.runStarted ?? false);
  }
}
