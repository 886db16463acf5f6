import { start } from 'node:repl';
import type { REPLServer } from 'node:repl';
import type { DataCatalog } from '../../io/catalog.ts';
import type { Pipeline } from '../../pipeline/pipeline.ts';
import { loadSettings } from '../../project/settings.ts';
import type { ProjectContext } from '../../run-types/project-context.ts';
import { Session } from '../../session/session.ts';
import type { CliContext } from '../main.ts';

/** What the REPL puts in scope. */
export interface ReplScope {
  readonly session: Session;
  readonly context: ProjectContext;
  readonly catalog: DataCatalog;
  /** Every registered pipeline by name. */
  readonly pipelines: Readonly<Record<string, Pipeline>>;
}

/** Opens the project as a run would: settings, hooks, context and catalog, every pipeline imported. */
async function openProject(context: CliContext, options: { env?: string }): Promise<ReplScope> {
  const settings = await loadSettings(context.projectPath);
  const session = await Session.create({
    settings,
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  const built = await session.createCatalog();
  const pipelines: Record<string, Pipeline> = {};
  for (const name of settings.pipelineNames().sort()) pipelines[name] = await settings.pipeline(name);
  return { session, context: built.context, catalog: built.catalog, pipelines };
}

/**
 * `sluice repl` (the counterpart of `kedro ipython`): Node's REPL with the project's `catalog`,
 * `pipelines`, `session` and `context` in scope, top-level `await` (`await catalog.load('x')`),
 * and `.reload` to open the project again after editing its code or configuration. Reads from
 * stdin, so it can be driven by a script: `echo "await catalog.load('x')" | sluice repl`.
 */
export async function replCommand(context: CliContext, options: { env?: string }): Promise<void> {
  let scope = await openProject(context, options);
  const interactive = (process.stdin as { isTTY?: boolean }).isTTY === true;
  const out = (line: string) => void context.stdout.write(`${line}\n`);
  out(banner(scope));
  const server: REPLServer = start({
    prompt: 'sluice> ',
    input: process.stdin,
    output: context.stdout,
    terminal: interactive,
    useGlobal: false,
  });
  const expose = () => {
    for (const [key, value] of Object.entries(scope)) {
      Object.defineProperty(server.context, key, {
        value,
        configurable: true,
        enumerable: true,
        writable: true,
      });
    }
  };
  expose();
  server.defineCommand('reload', {
    help: 'Open the project again (code, configuration and catalog), as after a restart',
    action() {
      this.clearBufferedCommand();
      openProject(context, options).then(
        (opened) => {
          scope = opened;
          expose();
          out(`reloaded: ${banner(scope)}`);
          this.displayPrompt();
        },
        (error: unknown) => {
          out(`reload failed: ${error instanceof Error ? error.message : String(error)}`);
          this.displayPrompt();
        },
      );
    },
  });
  await new Promise<void>((resolve) => server.on('exit', () => resolve()));
}

function banner(scope: ReplScope): string {
  const datasets = scope.catalog.list().filter((name) => !name.startsWith('params:')).length;
  return `sluice repl: ${scope.session.projectPath} (env ${scope.session.env}); in scope: catalog (${datasets} datasets), pipelines (${Object.keys(scope.pipelines).join(', ')}), session, context. .reload reopens the project, .exit leaves.`;
}
