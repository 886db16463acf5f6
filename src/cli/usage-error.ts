import { SluiceError } from '../errors.ts';

/** The command line itself is wrong (an unknown flag, a bad value). Exit code 2. */
export class UsageError extends SluiceError {}
