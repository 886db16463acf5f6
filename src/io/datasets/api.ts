import type { ConfigLocation, Dataset, DatasetDescription } from '../dataset.ts';
import { DatasetError } from '../dataset.ts';
import type { OptionsOwner } from './dataset-options.ts';
import { OptionReader, datasetSubject } from './dataset-options.ts';
import { isPlainObject } from '../../values.ts';
import { isSensitiveName, redactSecrets, redactSensitiveValues, redactUrl } from './redact.ts';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Scalars sent as query parameters. */
export type QueryParameters = Record<string, string | number | boolean>;

export interface ApiDatasetOptions {
  /** The endpoint, http or https. Put keys in credentials, not in the URL: messages show the URL with its query values masked. */
  url: string;
  /** The method `load()` uses. Defaults to GET. */
  method?: HttpMethod;
  /** Headers sent with every request. Values of names that look secret (Authorization, X-Api-Key...) are masked by `describe()`. */
  headers?: Record<string, string>;
  load_args?: {
    /** Query parameters added to the URL when loading. */
    query?: QueryParameters;
  };
  save_args?: {
    /** The method `save()` uses. Defaults to POST. */
    method?: HttpMethod;
    /** Query parameters added to the URL when saving. */
    query?: QueryParameters;
  };
  /** Give up on a request after this many milliseconds. Defaults to 60000. */
  timeout_ms?: number;
  /** Free-form notes for tools; never put secrets here. */
  metadata?: Record<string, unknown>;
}

/**
 * Credentials, from `conf/local/credentials.yml` (referenced by name from the catalog):
 * `{ token }` sends `Authorization: Bearer <token>`, `{ username, password }` sends Basic auth,
 * and `headers` adds headers of its own (for example an `X-Api-Key`). None of it is ever shown.
 */
export interface ApiCredentials {
  token?: string;
  username?: string;
  password?: string;
  headers?: Record<string, string>;
}

export interface ApiDatasetSettings {
  location?: ConfigLocation;
  credentials?: Record<string, unknown>;
}

/** What a failed response echoes back, at most. */
const BODY_EXCERPT = 300;

/**
 * A JSON HTTP API as a dataset (`type: api`): `load()` sends a request and parses the JSON answer,
 * `save()` sends the data as a JSON body. Uses Node's own fetch. A non-2xx answer is a
 * `DatasetError` with the status. Credentials never appear in `describe()` or in error messages,
 * and URLs in messages have their userinfo and query values masked.
 */
export class ApiDataset<T = unknown> implements Dataset<T> {
  /** Each load asks the API again: the answer may change between two nodes of a run. */
  readonly shareLoads = false;

  readonly name: string;
  readonly #owner: OptionsOwner;
  readonly #url: URL;
  readonly #loadMethod: HttpMethod;
  readonly #saveMethod: HttpMethod;
  readonly #headers: Record<string, string>;
  readonly #loadQuery: Record<string, string>;
  readonly #saveQuery: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #metadata: Record<string, unknown> | undefined;
  readonly #auth: Authentication;

  constructor(name: string, options: ApiDatasetOptions, settings: ApiDatasetSettings = {}) {
    this.name = name;
    this.#owner = { name, type: 'api', location: settings.location };
    const reader = new OptionReader(this.#owner, options);
    const url = parseUrl(reader);
    this.#loadMethod = readMethod(reader, 'method') ?? 'GET';
    this.#headers = reader.stringRecord('headers') ?? {};
    const loadArgs = reader.section('load_args');
    this.#loadQuery = loadArgs.stringRecord('query') ?? {};
    loadArgs.finish();
    const saveArgs = reader.section('save_args');
    this.#saveMethod = readMethod(saveArgs, 'method') ?? 'POST';
    this.#saveQuery = saveArgs.stringRecord('query') ?? {};
    saveArgs.finish();
    this.#timeoutMs = reader.integer('timeout_ms', { min: 1 }) ?? 60_000;
    this.#metadata = reader.mapping('metadata');
    // The catalog resolves `credentials: <name>` into settings; an inline mapping is the fallback.
    const inline = reader.raw('credentials');
    reader.finish();
    const credentials = settings.credentials ?? (isPlainObject(inline) ? inline : undefined);
    this.#auth = readAuthentication(reader, credentials, url);
    // Servers echo requests in error bodies; mask the query values that look secret there too.
    const queries = [Object.fromEntries(url.searchParams), this.#loadQuery, this.#saveQuery];
    for (const query of queries) {
      for (const [name, value] of Object.entries(query))
        if (isSensitiveName(name)) this.#auth.secrets.push(value);
    }
    url.username = '';
    url.password = '';
    this.#url = url;
  }

  async load(): Promise<T> {
    const response = await this.#send(this.#loadMethod, this.#loadQuery);
    const text = await this.#body(response, this.#loadMethod);
    if (text.trim() === '') return null as T;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw this.#error(
        `the answer to ${this.#loadMethod} ${redactUrl(response.url)} is not JSON (${(error as Error).message}): ${this.#excerpt(text)}`,
        'The api dataset reads JSON answers; check the URL and the Accept header the server expects.',
      );
    }
  }

  async save(data: T): Promise<void> {
    const body = JSON.stringify(data);
    if (body === undefined) throw this.#error(`${typeof data} cannot be sent as JSON`);
    const response = await this.#send(this.#saveMethod, this.#saveQuery, body);
    await this.#body(response, this.#saveMethod);
  }

  /** Asks the server: true when a load request answers 2xx. Costs one request. */
  async exists(): Promise<boolean> {
    try {
      const response = await this.#send(this.#loadMethod, this.#loadQuery);
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }

  release(): void {}

  describe(): DatasetDescription {
    return {
      type: 'api',
      url: redactUrl(this.#url),
      method: this.#loadMethod,
      headers: redactSensitiveValues(this.#headers),
      load_args: { query: redactSensitiveValues(this.#loadQuery) },
      save_args: { method: this.#saveMethod, query: redactSensitiveValues(this.#saveQuery) },
      timeout_ms: this.#timeoutMs,
      auth: this.#auth.kind,
      ...(this.#metadata === undefined ? {} : { metadata: this.#metadata }),
    };
  }

  async #send(method: HttpMethod, query: Record<string, string>, body?: string): Promise<Response> {
    const url = new URL(this.#url);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const headers = new Headers({ accept: 'application/json' });
    for (const [name, value] of Object.entries(this.#headers)) headers.set(name, value);
    for (const [name, value] of Object.entries(this.#auth.headers)) headers.set(name, value);
    if (body !== undefined) headers.set('content-type', 'application/json');
    try {
      return await fetch(url, {
        method,
        headers,
        body: body ?? null,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw this.#error(
        `${method} ${redactUrl(url)} failed: ${this.#reason(error)}`,
        'Check the URL and that the server is up.',
        error,
      );
    }
  }

  /** The answer's body, or a `DatasetError` with the status when it is not 2xx. */
  async #body(response: Response, method: HttpMethod): Promise<string> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.#error(
        `reading the answer to ${method} ${redactUrl(response.url)} failed: ${this.#reason(error)}`,
        undefined,
        error,
      );
    }
    if (response.ok) return text;
    const excerpt = this.#excerpt(text);
    throw this.#error(
      `${method} ${redactUrl(response.url)} answered HTTP ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}${excerpt === '' ? '' : `: ${excerpt}`}`,
      statusHint(response.status),
    );
  }

  #reason(error: unknown): string {
    if (error instanceof Error && error.name === 'TimeoutError')
      return `no answer within ${this.#timeoutMs} ms (timeout_ms)`;
    const message = error instanceof Error ? error.message : String(error);
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
    const detail =
      typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
    return this.#redact(detail === '' ? message : `${message} (${detail})`);
  }

  #excerpt(text: string): string {
    const flat = text.replace(/\s+/g, ' ').trim();
    return this.#redact(flat.length > BODY_EXCERPT ? `${flat.slice(0, BODY_EXCERPT)}...` : flat);
  }

  #redact(text: string): string {
    return redactSecrets(text, this.#auth.secrets);
  }

  #error(message: string, hint?: string, cause?: unknown): DatasetError {
    return new DatasetError(`${datasetSubject(this.#owner)}: ${message}`, {
      datasetName: this.name,
      ...(hint === undefined ? {} : { hint }),
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

interface Authentication {
  kind: 'none' | 'bearer' | 'basic' | 'headers';
  headers: Record<string, string>;
  /** Every secret value, masked wherever a message might repeat it. */
  secrets: string[];
}

function parseUrl(reader: OptionReader): URL {
  const text = reader.requiredString('url', 'https://api.example.com/v1/items');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw reader.error(
      `option "url" is not a valid URL (${redactUrl(text)})`,
      'Write the full address, for example https://api.example.com/v1/items.',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw reader.error(`option "url" must be an http or https URL, got ${url.protocol}`);
  }
  return url;
}

function readMethod(reader: OptionReader, key: string): HttpMethod | undefined {
  const value = reader.raw(key);
  if (value === undefined) return undefined;
  const upper = typeof value === 'string' ? value.toUpperCase() : value;
  if (typeof upper !== 'string' || !(HTTP_METHODS as readonly string[]).includes(upper)) {
    throw reader.invalid(key, `must be one of ${HTTP_METHODS.join(', ')}`, value);
  }
  return upper as HttpMethod;
}

/** Builds the auth headers. Errors name the credential keys involved, never their values. */
function readAuthentication(
  reader: OptionReader,
  credentials: Record<string, unknown> | undefined,
  url: URL,
): Authentication {
  const fromUrl =
    url.username !== ''
      ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
      : {};
  const given = credentials ?? fromUrl;
  const secrets: string[] = url.password === '' ? [] : [decodeURIComponent(url.password)];
  const problem = (message: string) =>
    reader.error(
      `its credentials ${message}`,
      'api credentials take token, or username and password, and optionally headers.',
    );
  const known = new Set(['token', 'username', 'password', 'headers']);
  const unknown = Object.keys(given).filter((key) => !known.has(key));
  if (unknown.length > 0) throw problem(`have unknown keys: ${unknown.join(', ')}`);
  const { token, username, password, headers: extra } = given as Record<string, unknown>;
  const headers: Record<string, string> = {};
  let kind: Authentication['kind'] = 'none';
  if (extra !== undefined) {
    if (!isPlainObject(extra) || Object.values(extra).some((value) => typeof value !== 'string')) {
      throw problem('"headers" must map header names to strings');
    }
    for (const [name, value] of Object.entries(extra as Record<string, string>)) {
      headers[name] = value;
      secrets.push(value);
    }
    kind = 'headers';
  }
  if (token !== undefined) {
    if (typeof token !== 'string' || token === '') throw problem('"token" must be a non-empty string');
    if (username !== undefined || password !== undefined)
      throw problem('set both "token" and "username"/"password"; pick one');
    headers.authorization = `Bearer ${token}`;
    secrets.push(token);
    kind = 'bearer';
  } else if (username !== undefined || password !== undefined) {
    if (typeof username !== 'string' || typeof password !== 'string')
      throw problem('need both "username" and "password", as strings');
    const encoded = Buffer.from(`${username}:${password}`).toString('base64');
    headers.authorization = `Basic ${encoded}`;
    secrets.push(password, encoded);
    kind = 'basic';
  }
  return { kind, headers, secrets };
}

function statusHint(status: number): string | undefined {
  if (status === 401 || status === 403)
    return 'Check the credentials the catalog entry names (conf/local/credentials.yml).';
  if (status === 404) return 'Check the url option.';
  if (status === 429) return 'The server is rate limiting; retry later or lower the request rate.';
  if (status >= 500) return 'The server failed; it may work on a retry.';
  return undefined;
}
