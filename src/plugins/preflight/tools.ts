/**
 * The project's own type check and lint (the brainstorm's mypy and flake8): `tsc --noEmit` with
 * the project's tsconfig.json and eslint with its own configuration, each resolved from the
 * project's node_modules and run in a child process. Every diagnostic becomes a problem at its
 * file:line.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import type { PreflightProblem } from './problem.ts';

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The file of `entry` inside the package `name`, as the project would import it; undefined when absent. */
function resolveTool(projectPath: string, name: string, entry: string): string | undefined {
  try {
    const manifest = createRequire(join(projectPath, 'package.json')).resolve(`${name}/package.json`);
    const path = join(dirname(manifest), entry);
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const TSC_LINE = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;

export async function checkTypes(projectPath: string): Promise<PreflightProblem[]> {
  const tsc = resolveTool(projectPath, 'typescript', 'bin/tsc');
  if (tsc === undefined) return [missingTool('typecheck', 'typescript', 'npm install -D typescript')];
  if (!existsSync(join(projectPath, 'tsconfig.json'))) {
    return [
      {
        check: 'typecheck',
        severity: 'error',
        message: 'the project has no tsconfig.json to type-check with.',
        hint: 'Add one (`sluice new` writes a starter), or leave out --typecheck.',
      },
    ];
  }
  const outcome = await run(
    process.execPath,
    [tsc, '--noEmit', '--pretty', 'false', '-p', 'tsconfig.json'],
    projectPath,
  );
  const problems: PreflightProblem[] = [];
  for (const line of outcome.stdout.split('\n')) {
    const match = TSC_LINE.exec(line.trim());
    if (match === null) continue;
    problems.push({
      check: 'typecheck',
      severity: 'error',
      location: { file: match[1]!, line: Number(match[2]), column: Number(match[3]) },
      message: `${match[5]} (${match[4]})`,
    });
  }
  if (problems.length === 0 && outcome.code !== 0) problems.push(toolFailed('typecheck', 'tsc', outcome));
  return problems;
}

interface EslintResult {
  readonly filePath: string;
  readonly messages: readonly {
    readonly line?: number;
    readonly column?: number;
    readonly ruleId: string | null;
    readonly message: string;
    readonly severity: number;
  }[];
}

export async function checkLint(projectPath: string): Promise<PreflightProblem[]> {
  const eslint = resolveTool(projectPath, 'eslint', 'bin/eslint.js');
  if (eslint === undefined) return [missingTool('lint', 'eslint', 'npm install -D eslint')];
  const outcome = await run(process.execPath, [eslint, '--format', 'json', '.'], projectPath);
  let results: EslintResult[];
  try {
    results = JSON.parse(outcome.stdout) as EslintResult[];
  } catch {
    return [toolFailed('lint', 'eslint', outcome)];
  }
  return results.flatMap((result) =>
    result.messages.map((message): PreflightProblem => ({
      check: 'lint',
      severity: message.severity >= 2 ? 'error' : 'warning',
      location: {
        file: relative(projectPath, result.filePath).split('\\').join('/'),
        line: message.line ?? 1,
        ...(message.column === undefined ? {} : { column: message.column }),
      },
      message: `${message.message}${message.ruleId === null ? '' : ` (${message.ruleId})`}`,
    })),
  );
}

function missingTool(check: 'typecheck' | 'lint', name: string, install: string): PreflightProblem {
  return {
    check,
    severity: 'error',
    message: `${name} is not installed in the project.`,
    hint: `Install it (${install}), or leave out --${check}.`,
  };
}

function toolFailed(check: 'typecheck' | 'lint', name: string, outcome: Outcome): PreflightProblem {
  const output = `${outcome.stdout}\n${outcome.stderr}`.trim().split('\n').slice(0, 5).join('\n');
  return {
    check,
    severity: 'error',
    message: `${name} failed (exit ${outcome.code}) without diagnostics:\n${output}`,
    hint: `Run ${name} in the project folder to see why.`,
  };
}
