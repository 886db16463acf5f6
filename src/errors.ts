/**
 * The root of every error Sluice throws on purpose. Catching `SluiceError` separates "the user's
 * project or input is wrong" (with a message that says what to do) from bugs and foreign errors.
 */
export class SluiceError extends Error {
  /** A short hint that tells the user what to do next; the CLI prints it under the message. */
  readonly hint: string | undefined;

  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** Wraps anything thrown that isn't an Error, so hooks and messages always get an Error. */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
