import { formatLocation } from '../config-location.ts';
import type { ConfigLocation } from './dataset.ts';
import { DatasetError } from './dataset.ts';

/** What a catalog error is about, all optional: the more is known, the more the message names. */
export interface CatalogErrorDetails {
  datasetName?: string | undefined;
  /** The dataset's `type` as written in the catalog. */
  datasetType?: string | undefined;
  /** Where the catalog declares the dataset (or the pattern that matched it). */
  location?: ConfigLocation | undefined;
  hint?: string | undefined;
  cause?: unknown;
}

/**
 * A catalog entry can't be turned into a dataset, or a catalog operation failed. The message
 * starts with the subject, `Dataset "companies" (type csv, conf/base/catalog.yml:3:1):`, and the
 * hint says what to do. Messages never hold credentials.
 */
export class CatalogError extends DatasetError {
  readonly datasetType: string | undefined;
  readonly location: ConfigLocation | undefined;

  constructor(message: string, details: CatalogErrorDetails = {}) {
    super(`${subjectOf(details)}${message}`, {
      ...(details.datasetName === undefined ? {} : { datasetName: details.datasetName }),
      ...(details.hint === undefined ? {} : { hint: details.hint }),
      ...(details.cause === undefined ? {} : { cause: details.cause }),
    });
    this.datasetType = details.datasetType;
    this.location = details.location;
  }
}

/**
 * Several catalog entries are wrong at once, all reported together so that one run finds them
 * all: `invalid` when the configuration is checked, `unbuildable` from `materialize`.
 */
export class CatalogAggregateError extends CatalogError {
  readonly errors: readonly CatalogError[];

  constructor(errors: readonly CatalogError[], problem: 'invalid' | 'unbuildable') {
    const lines = errors.map(
      (error) => `  - ${error.message}${error.hint === undefined ? '' : `\n    ${error.hint}`}`,
    );
    const count = `${errors.length} catalog ${errors.length === 1 ? 'entry' : 'entries'}`;
    super(
      `${count} ${problem === 'invalid' ? (errors.length === 1 ? 'is' : 'are') + ' invalid' : "can't be built"}:\n${lines.join('\n')}`,
      {
        hint: 'Fix each entry listed above.',
      },
    );
    this.errors = errors;
  }
}

function subjectOf(details: CatalogErrorDetails): string {
  if (details.datasetName === undefined) return '';
  const facts = [
    ...(details.datasetType === undefined ? [] : [`type ${details.datasetType}`]),
    ...(details.location === undefined ? [] : [formatLocation(details.location)]),
  ];
  return `Dataset "${details.datasetName}"${facts.length === 0 ? '' : ` (${facts.join(', ')})`}: `;
}
