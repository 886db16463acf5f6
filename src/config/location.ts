// Defined beside ConfigLocation, below config and io (both format places); re-exported for the
// config barrel and for importers that still reach it here.
export { formatLocation } from '../config-location.ts';

/** The pseudo file name runtime parameters (`--params`) are reported under. */
export const RUNTIME_PARAMS_SOURCE = '--params';
