import { SluiceError } from '../errors.ts';

/** The run store could not be opened or read. */
export class RunStoreError extends SluiceError {}

/** No run has this id or prefix. */
export class RunNotFoundError extends RunStoreError {
  constructor(readonly idOrPrefix: string) {
    super(`No recorded run matches "${idOrPrefix}".`, {
      hint: 'List the recorded runs with `sluice runs list`, and give a run id or the start of one.',
    });
  }
}

/** A run id prefix that more than one run starts with. */
export class AmbiguousRunIdError extends RunStoreError {
  constructor(
    readonly idOrPrefix: string,
    readonly candidates: readonly string[],
  ) {
    const shown = candidates.slice(0, 5).join(', ');
    const more = candidates.length > 5 ? ` and ${candidates.length - 5} more` : '';
    super(`Run id "${idOrPrefix}" is ambiguous: it matches ${candidates.length} runs (${shown}${more}).`, {
      hint: 'Give more characters of the run id.',
    });
  }
}
