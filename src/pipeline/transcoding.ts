/**
 * Transcoding: one dataset read and written through different formats, written `name@format`
 * (`cars@spark`, `cars@pandas`). For dependencies every `name@format` is the dataset `name`.
 */
import { NodeDefinitionError } from './errors.ts';

/** The character that separates a dataset name from its transcoding format. */
export const TRANSCODING_SEPARATOR = '@';

/**
 * Splits `name@format` into `[name, format]`; a plain name gives `[name, '']`.
 *
 * @throws {@link NodeDefinitionError} when the name holds more than one separator.
 */
export function splitTranscoding(datasetName: string): [base: string, format: string] {
  const at = datasetName.indexOf(TRANSCODING_SEPARATOR);
  if (at === -1) return [datasetName, ''];
  if (datasetName.indexOf(TRANSCODING_SEPARATOR, at + 1) !== -1) {
    throw new NodeDefinitionError(
      `Dataset name "${datasetName}" holds more than one "${TRANSCODING_SEPARATOR}". ` +
        `Write at most one, as in "cars@pandas".`,
    );
  }
  return [datasetName.slice(0, at), datasetName.slice(at + 1)];
}

/** The dataset a (possibly transcoded) name refers to: `cars@spark` → `cars`. */
export function stripTranscoding(datasetName: string): string {
  const at = datasetName.indexOf(TRANSCODING_SEPARATOR);
  return at === -1 ? datasetName : datasetName.slice(0, at);
}

/** Whether the name carries a transcoding format. */
export function isTranscoded(datasetName: string): boolean {
  return datasetName.includes(TRANSCODING_SEPARATOR);
}
