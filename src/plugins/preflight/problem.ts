import type { ConfigLocation } from '../../plugin-api/index.ts';
import { formatLocation } from '../../plugin-api/index.ts';

/** The checks `sluice check` and the preflight plugin run, by name. */
export type PreflightCheckName =
  | 'project'
  | 'inputs'
  | 'catalog'
  | 'credentials'
  | 'env'
  | 'unused'
  | 'parameters'
  | 'references'
  | 'docs'
  | 'typecheck'
  | 'lint';

/** One thing preflight found: an error fails the check, a warning is shown and passes. */
export interface PreflightProblem {
  readonly check: PreflightCheckName;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly location?: ConfigLocation | undefined;
  readonly hint?: string | undefined;
}

/** `error   conf/base/catalog.yml:4:3  message` and the hint on the next line. */
export function formatProblem(problem: PreflightProblem): string {
  const where = formatLocation(problem.location);
  const message =
    where === '' || problem.message.startsWith(where) ? problem.message : `${where}: ${problem.message}`;
  const lines = message.split('\n');
  const head = `${problem.severity === 'error' ? 'error  ' : 'warning'} [${problem.check}] ${lines[0]}`;
  const rest = lines.slice(1).map((line) => `        ${line}`);
  const hint = problem.hint === undefined ? [] : [`        hint: ${problem.hint}`];
  return [head, ...rest, ...hint].join('\n');
}
