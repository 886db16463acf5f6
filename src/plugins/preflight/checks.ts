import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ConfigLocation, DataCatalog, Pipeline } from '../../plugin-api/index.ts';
import { isParameterName } from '../../plugin-api/index.ts';
import type { PreflightProblem } from './problem.ts';

/** What the checks look at: the project's files, its catalog, the run's pipeline and every pipeline. */
export interface PreflightSubject {
  readonly projectPath: string;
  /** The configuration folder (relative to the project) and the run environment over `base`. */
  readonly confSource: string;
  readonly env: string;
  readonly catalog: DataCatalog;
  /** The pipeline the run (or the check) selects. */
  readonly pipeline: Pipeline;
  /** Every registered pipeline, to tell an unused catalog entry from one another pipeline uses. */
  readonly pipelines: readonly Pipeline[];
  readonly environ: Readonly<Record<string, string | undefined>>;
}

/**
 * Inputs of the pipeline that no node of it produces and that the catalog persists must exist:
 * a file on disk, a table in the database. Memory inputs nothing feeds are the run's own check.
 */
export async function checkInputsExist(subject: PreflightSubject): Promise<PreflightProblem[]> {
  const { catalog, pipeline } = subject;
  const names = [...pipeline.inputs()].filter(
    (name) => !isParameterName(name) && catalog.has(name) && !catalog.isEphemeral(name),
  );
  const outcomes = await Promise.all(
    names.map(async (name): Promise<PreflightProblem | undefined> => {
      const readers = pipeline.consumersOf(name).map((node) => node.name);
      const description = catalog.describe(name) as Record<string, unknown>;
      const where =
        typeof description.filepath === 'string'
          ? `, ${relativeTo(subject.projectPath, description.filepath)}`
          : typeof description.table === 'string'
            ? `, table ${description.table}`
            : '';
      const subjectText = `input "${name}" (${catalog.typeOf(name)}${where})`;
      const location = catalog.location(name);
      try {
        if (await catalog.exists(name)) return undefined;
      } catch (error) {
        return {
          check: 'inputs',
          severity: 'error',
          location,
          message: `${subjectText} can't be checked: ${(error as Error).message.split('\n')[0]}`,
          hint: 'Check its settings and credentials, and that its database is reachable.',
        };
      }
      return {
        check: 'inputs',
        severity: 'error',
        location,
        message: `${subjectText} doesn't exist, and no node of the pipeline produces it (read by ${readers.join(', ')}).`,
        hint: 'Put the data there, fix the path, or run the pipeline that produces it first.',
      };
    }),
  );
  return outcomes.filter((problem): problem is PreflightProblem => problem !== undefined);
}

/** Catalog entries that no registered pipeline reads or writes: a warning, since tools may use them. */
export function checkUnusedEntries(subject: PreflightSubject): PreflightProblem[] {
  const used = new Set(subject.pipelines.flatMap((pipeline) => [...pipeline.datasets()]));
  return subject.catalog
    .list()
    .filter(
      (name) => !isParameterName(name) && !used.has(name) && subject.catalog.location(name) !== undefined,
    )
    .map((name) => ({
      check: 'unused' as const,
      severity: 'warning' as const,
      location: subject.catalog.location(name),
      message: `catalog entry "${name}" is used by no registered pipeline.`,
      hint: 'Remove it, or add the node that reads or writes it.',
    }));
}

const ENV_REFERENCE = /\$\{env:\s*([A-Za-z_][A-Za-z0-9_]*)\s*(,[^}]*)?\}/g;

/** One `${env:VAR}` that has no default and names a variable the environment lacks. */
export interface MissingVariable {
  readonly name: string;
  readonly location: ConfigLocation;
}

/**
 * `${env:VAR}` in the credentials files of `base` and the run environment, without a default,
 * naming a variable the environment lacks: each one at its line, all at once (loading the
 * configuration stops at the first).
 */
export function missingVariables(
  subject: Pick<PreflightSubject, 'projectPath' | 'confSource' | 'env' | 'environ'>,
): MissingVariable[] {
  const missing: MissingVariable[] = [];
  for (const env of ['base', subject.env]) {
    const folder = join(subject.projectPath, subject.confSource, env);
    for (const file of filesUnder(folder)) {
      if (!/credentials/.test(relative(folder, file)) || !/\.(ya?ml|json)$/.test(file)) continue;
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((text, index) => {
        if (text.trimStart().startsWith('#')) return;
        for (const match of text.matchAll(ENV_REFERENCE)) {
          const name = match[1]!;
          if (match[2] !== undefined || subject.environ[name] !== undefined) continue;
          const location = {
            file: relativeTo(subject.projectPath, file),
            line: index + 1,
            column: (match.index ?? 0) + 1,
          };
          missing.push({ name, location });
        }
      });
    }
  }
  return missing;
}

export function checkEnvironment(
  subject: Pick<PreflightSubject, 'projectPath' | 'confSource' | 'env' | 'environ'>,
): PreflightProblem[] {
  return missingVariables(subject).map(({ name, location }) => ({
    check: 'env',
    severity: 'error',
    location,
    message: `the environment variable ${name} is not set, and \${env:${name}} has no default.`,
    hint: `Set ${name} in the environment of the run, or give a default: \${env:${name}, <default>}.`,
  }));
}

/**
 * interrogate for nodes: the pipeline's node functions that the project exports from its source
 * (src/) without a doc comment (`/** ... *\/`) right above them.
 */
export function checkDocComments(
  subject: Pick<PreflightSubject, 'projectPath' | 'pipeline'>,
): PreflightProblem[] {
  const wanted = new Set(
    subject.pipeline.nodes
      .map((node) => node.func.name)
      .filter((name) => name !== '' && !name.startsWith('bound ')),
  );
  const problems: PreflightProblem[] = [];
  for (const file of filesUnder(join(subject.projectPath, 'src'))) {
    if (!/\.[mc]?tsx?$/.test(file) || /\.d\.ts$/.test(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, index) => {
      const match =
        /^export\s+(?:async\s+)?(?:function\s*\*?\s*([A-Za-z_$][\w$]*)|const\s+([A-Za-z_$][\w$]*)\s*=)/.exec(
          text,
        );
      const name = match?.[1] ?? match?.[2];
      if (name === undefined || !wanted.has(name) || hasDocComment(lines, index)) return;
      problems.push({
        check: 'docs',
        severity: 'error',
        location: { file: relativeTo(subject.projectPath, file), line: index + 1 },
        message: `node function ${name} is exported without a doc comment.`,
        hint: 'Say in a /** ... */ comment above it what the node computes and what its inputs must be.',
      });
    });
  }
  return problems;
}

function hasDocComment(lines: readonly string[], index: number): boolean {
  let above = index - 1;
  while (above >= 0 && (lines[above]!.trim() === '' || lines[above]!.trim().startsWith('@'))) above--;
  if (above < 0 || !lines[above]!.trim().endsWith('*/')) return false;
  while (above >= 0 && !lines[above]!.includes('/*')) above--;
  return above >= 0 && lines[above]!.includes('/**');
}

function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.parentPath.includes('node_modules'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function relativeTo(projectPath: string, path: string): string {
  const inside = relative(projectPath, path);
  return inside.startsWith('..') ? path : inside.split('\\').join('/');
}
