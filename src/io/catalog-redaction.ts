import type { Dataset, DatasetDescription, MaybePromise } from './dataset.ts';

const MASK = '***';
/** Shorter values ("us", "1") would mask half of every message and protect nothing. */
const MIN_SECRET_LENGTH = 4;
/** Keys whose values are never shown, whatever they hold. */
const SECRET_KEYS = new Set([
  'credentials',
  'password',
  'secret',
  'token',
  'api_key',
  'access_key',
  'secret_key',
]);

/**
 * Keeps credentials out of everything the catalog shows: error messages, descriptions and
 * listings. Every value of the credentials configuration counts as a secret (user names and hosts
 * too, which is conservative on purpose), plus the password and query values of URLs among them.
 */
export class SecretRedactor {
  readonly #secrets: readonly string[];

  constructor(credentials: Readonly<Record<string, unknown>>) {
    const secrets = new Set<string>();
    collectSecrets(credentials, secrets);
    // Longest first, so that a secret containing another is masked whole.
    this.#secrets = [...secrets].sort((a, b) => b.length - a.length);
  }

  /** True when there is anything to hide. */
  get active(): boolean {
    return this.#secrets.length > 0;
  }

  text(text: string): string {
    let result = text;
    for (const secret of this.#secrets) if (result.includes(secret)) result = result.split(secret).join(MASK);
    return result;
  }

  contains(text: string): boolean {
    return this.#secrets.some((secret) => text.includes(secret));
  }

  /** A copy of `value` with secrets masked in every string and secret-named keys masked whole. */
  value<T>(value: T): T {
    return this.#value(value, 0) as T;
  }

  #value(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.text(value);
    if ((typeof value === 'number' || typeof value === 'bigint') && this.contains(String(value))) return MASK;
    if (value === null || typeof value !== 'object' || depth > 20) return value;
    if (Array.isArray(value)) return value.map((item) => this.#value(item, depth + 1));
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [
        key,
        SECRET_KEYS.has(key.toLowerCase()) && child !== undefined && child !== null
          ? MASK
          : this.#value(child, depth + 1),
      ]),
    );
  }

  /**
   * The error itself when it shows no secret; otherwise a copy (same class, so `instanceof` still
   * works) whose message, stack, hint and causes are masked.
   */
  error(error: unknown, depth = 0): unknown {
    if (!(error instanceof Error) || !this.active || depth > 5 || !this.#errorShowsSecret(error, depth))
      return error;
    const copy = Object.create(Object.getPrototypeOf(error) as object) as Error & Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(error)) {
      const original = (error as unknown as Record<string, unknown>)[key];
      copy[key] =
        key === 'cause'
          ? this.error(original, depth + 1)
          : typeof original === 'string'
            ? this.text(original)
            : this.#value(original, 0);
    }
    return copy;
  }

  #errorShowsSecret(error: Error, depth: number): boolean {
    const own = error as unknown as Record<string, unknown>;
    const texts = Object.getOwnPropertyNames(error)
      .map((key) => own[key])
      .filter((value): value is string => typeof value === 'string');
    if (texts.some((text) => this.contains(text))) return true;
    return error.cause instanceof Error && depth < 5 && this.#errorShowsSecret(error.cause, depth + 1);
  }
}

/**
 * Wraps a dataset that was given credentials so that nothing it throws or describes shows them.
 * Sync results stay sync, so memory-speed datasets keep their fast path.
 */
export function guardDataset(dataset: Dataset, redactor: SecretRedactor): Dataset {
  if (!redactor.active) return dataset;
  const guard = <T>(call: () => MaybePromise<T>): MaybePromise<T> => {
    let result: MaybePromise<T>;
    try {
      result = call();
    } catch (error) {
      throw redactor.error(error);
    }
    return result instanceof Promise
      ? result.catch((error: unknown) => Promise.reject(redactor.error(error)))
      : result;
  };
  const guarded: Dataset = {
    load: () => guard(() => dataset.load()),
    save: (data) => guard(() => dataset.save(data)),
    exists: () => guard(() => dataset.exists()),
    release: () => guard(() => dataset.release()),
    describe: (): DatasetDescription => redactor.value(dataset.describe()),
    ...(dataset.ephemeral === undefined ? {} : { ephemeral: dataset.ephemeral }),
  };
  return guarded;
}

function collectSecrets(value: unknown, secrets: Set<string>): void {
  if (typeof value === 'string') {
    addSecret(value, secrets);
    for (const part of urlSecrets(value)) addSecret(part, secrets);
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    addSecret(String(value), secrets);
  } else if (Array.isArray(value)) {
    for (const item of value) collectSecrets(item, secrets);
  } else if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) collectSecrets(child, secrets);
  }
}

function addSecret(secret: string, secrets: Set<string>): void {
  if (secret.length < MIN_SECRET_LENGTH) return;
  secrets.add(secret);
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) secrets.add(encoded);
}

/** Passwords and query values inside connection URLs (`postgres://user:pw@host/db?sslkey=...`). */
function urlSecrets(text: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return [];
  try {
    const url = new URL(text);
    const parts = [decodeURIComponent(url.password), url.password, ...url.searchParams.values()];
    return parts.filter((part) => part !== '');
  } catch {
    return [];
  }
}
