import type { PreflightSubject } from './checks.ts';
import { checkDocComments, checkEnvironment, checkInputsExist, checkUnusedEntries } from './checks.ts';
import type { PreflightProblem } from './problem.ts';
import { checkLint, checkTypes } from './tools.ts';

/** Which of the slower or opinionated checks to run besides the data and configuration checks. */
export interface PreflightChecks {
  /** `tsc --noEmit` with the project's tsconfig.json. */
  readonly typecheck?: boolean;
  /** eslint with the project's configuration. */
  readonly lint?: boolean;
  /** Exported node functions without a doc comment. */
  readonly docs?: boolean;
  /** Catalog entries no registered pipeline uses (a warning). Default true. */
  readonly unused?: boolean;
}

/**
 * Runs every check at once and returns every problem, grouped by check: inputs that must exist,
 * environment variables credentials need, unused catalog entries, and the opt-in ones.
 */
export async function runPreflight(
  subject: PreflightSubject,
  checks: PreflightChecks = {},
): Promise<PreflightProblem[]> {
  const found = await Promise.all([
    checkInputsExist(subject),
    checkEnvironment(subject),
    checks.unused === false ? [] : checkUnusedEntries(subject),
    runSourceChecks(subject, checks),
  ]);
  return found.flat();
}

/** The opt-in checks of the project's source (docs, typecheck, lint): they need no catalog. */
export async function runSourceChecks(
  subject: Pick<PreflightSubject, 'projectPath' | 'pipeline'>,
  checks: PreflightChecks,
): Promise<PreflightProblem[]> {
  const found = await Promise.all([
    checks.docs === true ? checkDocComments(subject) : [],
    checks.typecheck === true ? checkTypes(subject.projectPath) : [],
    checks.lint === true ? checkLint(subject.projectPath) : [],
  ]);
  return found.flat();
}
