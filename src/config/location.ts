export { formatLocation } from '../location.ts';

/** The pseudo file name runtime parameters (`--params`) are reported under. */
export const RUNTIME_PARAMS_SOURCE = '--params';
