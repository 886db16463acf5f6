/**
 * Keeping credentials out of everything Sluice (or a plugin) shows: terminal output, logs,
 * alerts, stored runs. Two mechanisms work together:
 *
 * - **Known secrets** are masked wherever they appear, in any message, whatever produced it. The
 *   project's secrets are the credentials values in credential positions (see
 *   {@link Redactor.fromCredentials}) that are at least {@link MIN_SECRET_LENGTH} characters long.
 * - **Credential positions** in any text are masked whatever their value: the password of a URL's
 *   userinfo (`postgres://user:***@host/db`), secret-looking query parameters (`?token=***`),
 *   connection-string password fields (`password=***`) and secret-named JSON fields
 *   (`"password":"***"`). This catches short passwords and secrets Sluice never loaded.
 *
 * Host names, user names, ports and database names are not secrets: they stay readable, so that a
 * message still says which server refused the connection.
 */

/** What a secret is replaced with. */
export const REDACTION_MASK = '***';

/**
 * Known secrets shorter than this are masked only in credential positions, not everywhere: a
 * four-letter password masked in every message would hide unrelated words ("test", "admin") and
 * protect nothing, since it can be guessed anyway.
 */
export const MIN_SECRET_LENGTH = 6;

/** Key names whose values are secrets (`password`, `api_key`, `secretAccessKey`, `token`, ...). */
const SECRET_NAME =
  /pass(?:word|wd|phrase)?|pwd|secret|token|key|auth(?!or)|bearer|signature|cookie|private|credential/i;
/** Names that look secret but name or locate something (a key file's path is not the key). */
const NOT_SECRET_NAME =
  /^(?:key_?(?:id|name|file|path|column|columns)|(?:primary|foreign|partition|sort|cache|idempotency)_?key|.*_(?:file|path))$/i;

/** Whether a credentials key or a URL query parameter with this name holds a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET_NAME.test(name);
}

/**
 * Stricter, for fields of arbitrary values and messages, where a bare `key` is usually a lookup
 * key (`key: scores`), not a secret: `api_key`, `secretKey` and `private_key` still are.
 */
function isSecretFieldName(name: string): boolean {
  return (
    isSecretName(name) &&
    (!/key/i.test(name) ||
      /(?:api|access|secret|private|client|signing|encryption|master)[_-]?key/i.test(name) ||
      /pass|pwd|secret|token|auth(?!or)|bearer|signature|cookie|credential/i.test(name))
  );
}

// The scheme's length is bounded so that a long dotted text can't make the search quadratic.
const URL_USERINFO_PASSWORD = /\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@?#'"]*):[^\s@/?#'"]+@/gi;
const SECRET_QUERY_PARAMETER = /([?&][^\s=&#?'"]+=)([^\s&#'"]+)/g;
const CONNECTION_STRING_PASSWORD = /\b(password|passwd|pwd)(\s*=\s*)('[^']*'|"[^"]*"|[^\s;&'",]+)/gi;
/**
 * The credentials of an HTTP `Authorization` header value: `Bearer <token>`, `Basic <base64>`.
 * The token must look generated (a digit or symbol in it, or 20 characters), so that English
 * ("Basic authentication failed") is left alone.
 */
const AUTHORIZATION_SCHEME =
  /\b(Bearer|Basic)(\s+)((?=[A-Za-z]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{6,}|[A-Za-z]{20,})/g;
const JSON_SECRET_FIELD = /("([^"\\]{1,64})"\s*:\s*)"(?:[^"\\]|\\.)*"/g;

/** `text` with every credential position masked, whatever its value. */
export function redactCredentialPositions(text: string): string {
  return text
    .replace(URL_USERINFO_PASSWORD, `$1:${REDACTION_MASK}@`)
    .replace(SECRET_QUERY_PARAMETER, (whole, name: string) =>
      isSecretName(name.slice(1, -1)) ? `${name}${REDACTION_MASK}` : whole,
    )
    .replace(CONNECTION_STRING_PASSWORD, `$1$2${REDACTION_MASK}`)
    .replace(AUTHORIZATION_SCHEME, `$1$2${REDACTION_MASK}`)
    .replace(JSON_SECRET_FIELD, (whole, head: string, name: string) =>
      isSecretFieldName(name) ? `${head}"${REDACTION_MASK}"` : whole,
    );
}

/**
 * Masks secrets in text, plain values and errors. Immutable; {@link Redactor.with} adds secrets.
 * A project's redactor is built once per run from its credentials and reaches plugins as
 * `context.redactor` (and `context.redact(text)`) in `afterContextCreated`, and as
 * `catalog.redactor` in every hook that receives the catalog.
 */
export class Redactor {
  /** A redactor that knows no secrets and masks credential positions only. */
  static readonly none = new Redactor();

  /** The known secrets, as given. */
  readonly #secrets: ReadonlySet<string>;
  /** Every form a known secret may take, longest first, so a secret containing another is masked whole. */
  readonly #forms: readonly string[];

  /** Masks each of `secrets` everywhere (values shorter than {@link MIN_SECRET_LENGTH} are ignored). */
  constructor(secrets: Iterable<string> = []) {
    this.#secrets = new Set([...secrets].filter((secret) => secret.length >= MIN_SECRET_LENGTH));
    const forms = new Set<string>();
    for (const secret of this.#secrets) {
      forms.add(secret);
      forms.add(encodeURIComponent(secret));
      forms.add(Buffer.from(secret).toString('base64'));
      forms.add(JSON.stringify(secret).slice(1, -1));
    }
    this.#forms = [...forms]
      .filter((form) => form.length >= MIN_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length);
  }

  /**
   * The redactor of a credentials configuration (credentials.yml, environment values included).
   * Secrets are: every value under a secret-named key (`password`, `token`, `api_key`,
   * `client_secret`, ..., and everything under a key like `tokens:`), the password and the
   * secret-named query values of every URL, the password field of every connection string and
   * the token of every `Bearer <token>`. Other values (`host`, `user`, `port`, `database`, ...)
   * are not secrets.
   *
   * `environment` (the variables `${env:...}` read, usually `process.env`) adds the value of every
   * secret-named variable (`DB_PASSWORD`, `API_TOKEN`, ...) found inside a credentials value,
   * wherever `${env:...}` put it: `header: "X-Key ${env:API_TOKEN}"` hides the token too.
   */
  static fromCredentials(
    credentials: unknown,
    options: { environment?: Readonly<Record<string, string | undefined>> } = {},
  ): Redactor {
    const secrets = new Set<string>();
    collectSecrets(credentials, false, secrets, 0);
    const environmentSecrets = Object.entries(options.environment ?? {})
      .filter(
        ([name, value]) => isSecretName(name) && value !== undefined && value.length >= MIN_SECRET_LENGTH,
      )
      .map(([, value]) => value!);
    if (environmentSecrets.length > 0) {
      const texts = new Set<string>();
      collectStrings(credentials, texts, 0);
      for (const value of environmentSecrets)
        if ([...texts].some((text) => text.includes(value))) secrets.add(value);
    }
    return new Redactor(secrets);
  }

  /** Whether any known secret is long enough to be masked everywhere. */
  get active(): boolean {
    return this.#forms.length > 0;
  }

  /** A redactor masking this one's secrets and `secrets` too. */
  with(secrets: Iterable<string> | Redactor): Redactor {
    const extra = secrets instanceof Redactor ? secrets.#secrets : secrets;
    return new Redactor([...this.#secrets, ...extra]);
  }

  /** `text` with every known secret and every credential position masked. */
  redact(text: string): string {
    let result = text;
    for (const form of this.#forms)
      if (result.includes(form)) result = result.split(form).join(REDACTION_MASK);
    return redactCredentialPositions(result);
  }

  /** Whether `text` shows a known secret or an unmasked credential position. */
  contains(text: string): boolean {
    return this.redact(text) !== text;
  }

  /**
   * A copy of `value` with every string redacted and the values of secret-named keys masked
   * whole. Class instances other than errors are returned as they are; errors as by
   * {@link redactError}.
   */
  redactValue<T>(value: T): T {
    return this.#value(value, new WeakMap()) as T;
  }

  /**
   * The error itself when it shows nothing secret; otherwise a copy of the same class (so
   * `instanceof` still works) whose message, stack, hint, other own properties and causes are
   * redacted. A cyclic cause chain is copied as a cycle.
   */
  redactError<T>(error: T): T {
    return this.#value(error, new WeakMap()) as T;
  }

  #value(value: unknown, copies: WeakMap<object, unknown>): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (typeof value === 'number' || typeof value === 'bigint')
      return this.#forms.includes(String(value)) ? REDACTION_MASK : value;
    if (value === null || typeof value !== 'object') return value;
    const known = copies.get(value);
    if (known !== undefined) return known;
    if (Array.isArray(value)) {
      if (!this.#showsSecret(value, new Set())) return value;
      const copy: unknown[] = [];
      copies.set(value, copy);
      for (const item of value) copy.push(this.#value(item, copies));
      return copy;
    }
    const isError = value instanceof Error;
    const prototype = Object.getPrototypeOf(value) as object | null;
    if (!isError && prototype !== Object.prototype && prototype !== null) return value;
    if (!this.#showsSecret(value, new Set())) return value;
    const copy = Object.create(prototype) as Record<string, unknown>;
    copies.set(value, copy);
    const own = value as Record<string, unknown>;
    for (const key of isError ? Object.getOwnPropertyNames(value) : Object.keys(value)) {
      const child = own[key];
      copy[key] =
        !isError && isSecretFieldName(key) && child !== undefined && child !== null && child !== ''
          ? REDACTION_MASK
          : this.#value(child, copies);
    }
    return copy;
  }

  /** Whether anything inside `value` would change under redaction (stops at cycles). */
  #showsSecret(value: unknown, seen: Set<object>): boolean {
    if (typeof value === 'string') return this.contains(value);
    if (typeof value === 'number' || typeof value === 'bigint') return this.#forms.includes(String(value));
    if (value === null || typeof value !== 'object' || seen.has(value)) return false;
    seen.add(value);
    if (Array.isArray(value)) return value.some((item) => this.#showsSecret(item, seen));
    const isError = value instanceof Error;
    const prototype = Object.getPrototypeOf(value) as object | null;
    if (!isError && prototype !== Object.prototype && prototype !== null) return false;
    const own = value as Record<string, unknown>;
    return (isError ? Object.getOwnPropertyNames(value) : Object.keys(value)).some(
      (key) =>
        (!isError &&
          isSecretFieldName(key) &&
          own[key] !== undefined &&
          own[key] !== null &&
          own[key] !== '') ||
        this.#showsSecret(own[key], seen),
    );
  }
}

function collectSecrets(value: unknown, secretPosition: boolean, secrets: Set<string>, depth: number): void {
  if (depth > 32) return;
  if (typeof value === 'string') {
    if (secretPosition) secrets.add(value);
    for (const part of embeddedSecrets(value)) secrets.add(part);
  } else if ((typeof value === 'number' || typeof value === 'bigint') && secretPosition) {
    secrets.add(String(value));
  } else if (Array.isArray(value)) {
    for (const item of value) collectSecrets(item, secretPosition, secrets, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      // A "credentials" group holds hosts and users too; only a secret-named leaf (or a group
      // named like `tokens:`) makes its values secret.
      const inherited = secretPosition && !/credential/i.test(key);
      collectSecrets(child, inherited || isSecretName(key), secrets, depth + 1);
    }
  }
}

function collectStrings(value: unknown, texts: Set<string>, depth: number): void {
  if (depth > 32) return;
  if (typeof value === 'string') texts.add(value);
  else if (value !== null && typeof value === 'object')
    for (const child of Object.values(value)) collectStrings(child, texts, depth + 1);
}

/** The secrets inside a URL (userinfo password, secret-named query values) or a connection string. */
function embeddedSecrets(text: string): string[] {
  const found: string[] = [];
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      if (url.password !== '') found.push(url.password, safeDecode(url.password));
      for (const [name, value] of url.searchParams) if (isSecretName(name) && value !== '') found.push(value);
    } catch {
      // Not a URL after all: the connection-string rule below may still apply.
    }
  }
  for (const match of text.matchAll(CONNECTION_STRING_PASSWORD)) {
    const raw = match[3]!;
    found.push(/^['"]/.test(raw) ? raw.slice(1, -1) : raw);
  }
  for (const match of text.matchAll(AUTHORIZATION_SCHEME)) found.push(match[3]!);
  return found.filter((part) => part !== '');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
