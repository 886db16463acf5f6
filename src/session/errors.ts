import { SluiceError } from '../errors.ts';
import { CatalogAggregateError } from '../io/catalog-errors.ts';
import { EmptyPipelineError } from '../pipeline/errors.ts';
import { MissingInputsError } from '../runner/errors.ts';
import { describeMissingInput } from '../runner/missing-inputs.ts';
import { nearest } from '../suggest.ts';

/**
 * The run could not start: the checks a session makes before `beforePipelineRun` found problems
 * (a dataset the catalog can't build, an input nothing provides, a missing parameter, a plugin's
 * `validatePipelineRun` refusal). No pipeline hook fired and no node ran; `sluice run` exits with 2.
 * Every problem found is in `problems`, so one attempt reports them all.
 */
export class RunNotStartedError extends SluiceError {
  /** What each check found: `MissingInputsError`, `CatalogAggregateError`, a plugin's error... */
  readonly problems: readonly Error[];

  constructor(problems: readonly Error[]) {
    const only = problems.length === 1 ? problems[0]! : undefined;
    const lines = problems.flatMap(problemLines);
    super(
      only !== undefined
        ? only.message
        : `The run could not start: ${lines.length} problems.\n${lines.map((line) => `  - ${line}`).join('\n')}`,
      {
        cause: problems[0],
        hint:
          only !== undefined
            ? ((only as SluiceError).hint ?? 'Nothing ran; fix the problem above and run again.')
            : 'Nothing ran; fix each problem listed above and run again.',
      },
    );
    this.problems = problems;
  }
}

/** A problem as the lines of a combined report: aggregates list one line per entry or input. */
function problemLines(problem: Error): string[] {
  if (problem instanceof MissingInputsError) return problem.inputs.map(describeMissingInput);
  if (problem instanceof CatalogAggregateError)
    return problem.errors.map((error) => withHint(error.message, error.hint));
  return [withHint(problem.message, (problem as SluiceError).hint)];
}

function withHint(message: string, hint: string | undefined): string {
  return hint === undefined ? message : `${message}\n    ${hint}`;
}

/** `--tags` named tags that no node of the pipeline has, so the run would have no node. */
export class UnknownTagsError extends EmptyPipelineError {
  /** The tags asked for. */
  readonly tags: readonly string[];

  constructor(pipelineName: string, tags: readonly string[], known: readonly string[]) {
    const asked = tags.map((tag) => `"${tag}"`).join(', ');
    const nearby = [...new Set(tags.map((tag) => nearest(tag, known)).filter((tag) => tag !== undefined))];
    const suggestion =
      nearby.length === 0 ? '' : ` Did you mean ${nearby.map((tag) => `"${tag}"`).join(' or ')}?`;
    const existing =
      known.length === 0 ? ' Its nodes have no tags.' : `${suggestion} Its tags: ${known.join(', ')}.`;
    super(
      `No node of pipeline "${pipelineName}" has the tag${tags.length === 1 ? '' : 's'} ${asked}.${existing}`,
      {
        hint: `\`sluice pipeline describe ${pipelineName}\` lists each node with its tags.`,
      },
    );
    this.tags = tags;
  }
}
