import { SluiceError } from '../../plugin-api/index.ts';
import type { PreflightProblem } from './problem.ts';
import { formatProblem } from './problem.ts';

/** Preflight found errors: every one of them, listed with its file:line and hint. */
export class PreflightError extends SluiceError {
  readonly problems: readonly PreflightProblem[];

  constructor(problems: readonly PreflightProblem[]) {
    const errors = problems.filter((problem) => problem.severity === 'error');
    super(`Preflight found ${errors.length} problem(s):\n${problems.map(formatProblem).join('\n')}`, {
      hint: 'Fix each problem listed above; `sluice check` lists them without running anything.',
    });
    this.problems = problems;
  }
}
