/**
 * `conf/<env>/alerts.yml`: where alerts go, which nodes send them, and how delivery behaves.
 * Everything secret (webhook URLs, signing secrets, tokens, SMTP passwords) lives in credentials
 * and is referenced by name, so alerts.yml can be committed.
 *
 * ```yaml
 * alerters:
 *   team_slack: { type: slack, credentials: slack_webhook }
 *   ops_hook: { type: webhook, credentials: ops_webhook, events: [failure, pipeline] }
 *   oncall: { type: email, credentials: smtp, from: sluice@example.com, to: [oncall@example.com] }
 * attach: { tags: [critical], on: [failure] }
 * pipeline_alert: true
 * fail_pipeline: false
 * delivery: { retries: 2, delay_ms: 250, backoff: exponential, timeout_ms: 5000 }
 * time_budget_ms: 30000
 * ```
 *
 * `time_budget_ms` bounds how long alerts may hold a run in one process, all deliveries
 * together (retries and waits included); once spent, further alerts are counted as failed
 * without being sent. A cancelled run stops its deliveries at once.
 *
 * ```yaml
 * ```
 */
import type { ConfigLoader, ConfigLocation } from '../../plugin-api/index.ts';
import { didYouMean, isMapping } from '../../plugin-api/index.ts';
import type { AlertKind } from './alert.ts';
import { ALERT_KINDS } from './alert.ts';
import type { Alerter, AlerterType } from './alerter.ts';
import type { DeliveryPolicy } from './delivery.ts';
import { DEFAULT_DELIVERY } from './delivery.ts';
import { emailAlerter } from './email.ts';
import { AlertConfigError } from './errors.ts';
import { slackAlerter } from './slack.ts';
import { webhookAlerter } from './webhook.ts';

export const ALERTS_CONFIG_KEY = 'alerts';

/** What every alerter has besides its destination. */
export interface AlerterSettings {
  readonly name: string;
  /** Where alerts.yml declares the alerter, for errors that show up only when it sends. */
  readonly location?: ConfigLocation | undefined;
  readonly events: ReadonlySet<AlertKind>;
  readonly delivery: DeliveryPolicy;
}

/** Which nodes the alerts plugin sends alerts for, on which outcomes. */
export interface AttachSettings {
  /** `all` nodes, or `none` beyond the tagged ones. */
  readonly nodes: 'all' | 'none';
  /** Nodes with any of these tags (when `nodes` is `none`). */
  readonly tags: readonly string[];
  readonly on: ReadonlySet<NodeAlertKind>;
}

export type NodeAlertKind = Exclude<AlertKind, 'pipeline'>;

export interface AlertsConfig {
  readonly alerters: readonly Alerter[];
  readonly attach: AttachSettings;
  /** One alert at the end of a failed run, listing the failed nodes. */
  readonly pipelineAlert: boolean;
  /** Fail a run whose alerts could not all be delivered. */
  readonly failPipeline: boolean;
  /** The longest alerts may hold a run in one process, every delivery together. */
  readonly timeBudgetMs: number;
}

/** `time_budget_ms` when alerts.yml doesn't set it. */
export const DEFAULT_TIME_BUDGET_MS = 30_000;

const TOP_KEYS = ['alerters', 'attach', 'pipeline_alert', 'fail_pipeline', 'delivery', 'time_budget_ms'];
const TYPES: readonly AlerterType[] = ['slack', 'webhook', 'email'];
const COMMON_KEYS = ['type', 'credentials', 'events', 'delivery'];
const EMAIL_KEYS = ['from', 'to', 'subject_prefix', 'host', 'port', 'secure'];
const SECRET_KEYS = ['url', 'webhook_url', 'secret', 'token', 'password', 'headers', 'user'];
const DELIVERY_KEYS = ['retries', 'delay_ms', 'backoff', 'timeout_ms'];
const ATTACH_KEYS = ['nodes', 'tags', 'on'];
const NO_ALERTS: AlertsConfig = {
  alerters: [],
  attach: { nodes: 'none', tags: [], on: new Set(['failure']) },
  pipelineAlert: true,
  failPipeline: false,
  timeBudgetMs: DEFAULT_TIME_BUDGET_MS,
};

/** Reads alerts.yml and the credentials it names; every error points at the line in alerts.yml. */
export function loadAlertsConfig(config: ConfigLoader): AlertsConfig {
  if (!config.keys().includes(ALERTS_CONFIG_KEY)) return NO_ALERTS;
  const raw = config.get(ALERTS_CONFIG_KEY);
  if (Object.keys(raw).length === 0) return NO_ALERTS;
  const reader = new AlertsReader(config);
  return reader.read(raw);
}

class AlertsReader {
  readonly #config: ConfigLoader;
  #credentials: Record<string, unknown> | undefined;

  constructor(config: ConfigLoader) {
    this.#config = config;
  }

  read(raw: Record<string, unknown>): AlertsConfig {
    for (const key of Object.keys(raw)) this.#known(key, TOP_KEYS, [key], 'an alerts setting');
    const defaults =
      raw.delivery === undefined
        ? DEFAULT_DELIVERY
        : this.#delivery(raw.delivery, ['delivery'], DEFAULT_DELIVERY);
    const alerters: Alerter[] = [];
    const declared = raw.alerters ?? {};
    if (!isMapping(declared))
      throw this.#error(['alerters'], '"alerters" must map alerter names to their settings.');
    for (const [name, settings] of Object.entries(declared))
      alerters.push(this.#alerter(name, settings, defaults));
    return {
      alerters,
      attach: raw.attach === undefined ? NO_ALERTS.attach : this.#attach(raw.attach),
      pipelineAlert: this.#boolean(raw.pipeline_alert, ['pipeline_alert'], true),
      failPipeline: this.#boolean(raw.fail_pipeline, ['fail_pipeline'], false),
      timeBudgetMs: this.#budget(raw.time_budget_ms),
    };
  }

  #budget(value: unknown): number {
    if (value === undefined) return DEFAULT_TIME_BUDGET_MS;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw this.#error(
        ['time_budget_ms'],
        `"time_budget_ms" must be a number of milliseconds of at least 0, not ${JSON.stringify(value)}.`,
      );
    }
    return value;
  }

  #alerter(name: string, settings: unknown, defaults: DeliveryPolicy): Alerter {
    const path = ['alerters', name];
    if (!isMapping(settings))
      throw this.#error(path, `alerter "${name}" must be a mapping with a type and credentials.`);
    const type = settings.type;
    if (typeof type !== 'string' || !TYPES.includes(type as AlerterType)) {
      throw this.#error(
        [...path, 'type'],
        `alerter "${name}" needs a type: ${TYPES.join(', ')}${typeof type === 'string' ? `, not "${type}".${didYouMean(type, TYPES)}` : '.'}`,
      );
    }
    const allowed = type === 'email' ? [...COMMON_KEYS, ...EMAIL_KEYS] : COMMON_KEYS;
    for (const key of Object.keys(settings)) {
      if (SECRET_KEYS.includes(key)) {
        throw this.#error(
          [...path, key],
          `"${key}" doesn't belong in alerts.yml, which is committed: it may hold a secret.`,
          {
            hint: `Put it in a credentials entry (conf/local/credentials.yml) and name that entry here: credentials: <entry>.`,
          },
        );
      }
      this.#known(key, allowed, [...path, key], `a setting of ${type} alerter "${name}"`);
    }
    const common: AlerterSettings = {
      name,
      location: this.#config.locate(ALERTS_CONFIG_KEY, path),
      events: this.#events(settings.events, [...path, 'events']),
      delivery:
        settings.delivery === undefined
          ? defaults
          : this.#delivery(settings.delivery, [...path, 'delivery'], defaults),
    };
    const credentials = this.#credentialsOf(
      name,
      settings.credentials,
      [...path, 'credentials'],
      type !== 'email',
    );
    if (type === 'slack')
      return slackAlerter({
        ...common,
        url: this.#secretString(credentials, ['url', 'webhook_url'], name, settings.credentials),
      });
    if (type === 'webhook') {
      const secret = credentials.secret;
      if (secret !== undefined && (typeof secret !== 'string' || secret === ''))
        throw this.#credentialsError(name, settings.credentials, '"secret" must be a non-empty string');
      return webhookAlerter({
        ...common,
        url: this.#secretString(credentials, ['url'], name, settings.credentials),
        secret: secret as string | undefined,
        headers: this.#headers(credentials.headers, name, settings.credentials),
      });
    }
    return emailAlerter({ ...common, smtp: this.#smtp(name, settings, credentials, path) });
  }

  #smtp(
    name: string,
    settings: Record<string, unknown>,
    credentials: Record<string, unknown>,
    path: string[],
  ) {
    const pick = (key: string) => credentials[key] ?? settings[key];
    const host = pick('host');
    if (typeof host !== 'string' || host === '')
      throw this.#error(path, `email alerter "${name}" needs a host (in alerts.yml or its credentials).`);
    const secure = pick('secure') ?? false;
    const port = Number(pick('port') ?? (secure === true ? 465 : 587));
    if (!Number.isInteger(port) || port <= 0)
      throw this.#error([...path, 'port'], `the port of email alerter "${name}" must be a whole number.`);
    const to = settings.to;
    const recipients = typeof to === 'string' ? [to] : Array.isArray(to) ? to : [];
    if (
      recipients.length === 0 ||
      !recipients.every((address) => typeof address === 'string' && address.includes('@'))
    ) {
      throw this.#error(
        [...path, 'to'],
        `email alerter "${name}" needs "to": an address or a list of addresses.`,
      );
    }
    if (typeof settings.from !== 'string' || !settings.from.includes('@'))
      throw this.#error([...path, 'from'], `email alerter "${name}" needs "from": the sender's address.`);
    const user = credentials.user;
    const password = credentials.password;
    if (user !== undefined && typeof user !== 'string')
      throw this.#credentialsError(name, settings.credentials, '"user" must be a string');
    if (password !== undefined && typeof password !== 'string')
      throw this.#credentialsError(name, settings.credentials, '"password" must be a string');
    return {
      host,
      port,
      secure: secure === true,
      user: user as string | undefined,
      password: password as string | undefined,
      from: settings.from,
      to: recipients as string[],
      subjectPrefix: typeof settings.subject_prefix === 'string' ? settings.subject_prefix : '[sluice] ',
    };
  }

  #credentialsOf(
    alerter: string,
    reference: unknown,
    path: string[],
    required: boolean,
  ): Record<string, unknown> {
    if (reference === undefined && !required) return {};
    if (typeof reference !== 'string' || reference === '') {
      throw this.#error(
        path,
        `alerter "${alerter}" needs "credentials": the name of its entry in the credentials configuration.`,
        {
          hint: 'e.g. credentials: slack_webhook, with slack_webhook: { url: ... } in conf/local/credentials.yml',
        },
      );
    }
    this.#credentials ??= this.#config.get('credentials');
    const entry = this.#credentials[reference];
    if (entry === undefined) {
      throw this.#error(
        path,
        `alerter "${alerter}" names credentials "${reference}", which the credentials configuration doesn't define.${didYouMean(reference, Object.keys(this.#credentials))}`,
        {
          hint: 'Add the entry to conf/local/credentials.yml (git-ignored), or use ${env:VAR} in it to read an environment variable.',
        },
      );
    }
    if (!isMapping(entry))
      throw this.#error(
        path,
        `the credentials "${reference}" of alerter "${alerter}" must be a mapping (e.g. { url: ... }).`,
      );
    return entry;
  }

  /** A required secret string; the error names the key, never the value. */
  #secretString(
    credentials: Record<string, unknown>,
    keys: string[],
    alerter: string,
    reference: unknown,
  ): string {
    for (const key of keys) {
      const value = credentials[key];
      if (value === undefined) continue;
      if (typeof value !== 'string' || value === '')
        throw this.#credentialsError(alerter, reference, `"${key}" must be a non-empty string`);
      if (key.endsWith('url') && !/^https?:\/\//i.test(value))
        throw this.#credentialsError(alerter, reference, `"${key}" must be an http(s) URL`);
      return value;
    }
    throw this.#credentialsError(alerter, reference, `they have no "${keys[0]}"`);
  }

  #headers(value: unknown, alerter: string, reference: unknown): Record<string, string> {
    if (value === undefined) return {};
    if (!isMapping(value) || !Object.values(value).every((header) => typeof header === 'string')) {
      throw this.#credentialsError(alerter, reference, '"headers" must map header names to strings');
    }
    return value as Record<string, string>;
  }

  #credentialsError(alerter: string, reference: unknown, problem: string): AlertConfigError {
    return this.#error(
      ['alerters', alerter, 'credentials'],
      `the credentials "${String(reference)}" of alerter "${alerter}" are unusable: ${problem}.`,
      {
        hint: 'Fix the entry in the credentials configuration (its values are not shown here).',
      },
    );
  }

  #events(value: unknown, path: string[]): ReadonlySet<AlertKind> {
    if (value === undefined) return new Set(ALERT_KINDS);
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list))
      throw this.#error(path, `"events" must be a list of ${ALERT_KINDS.join(', ')}.`);
    for (const [index, event] of list.entries())
      this.#known(
        String(event),
        ALERT_KINDS,
        Array.isArray(value) ? [...path, String(index)] : path,
        'an alert event',
      );
    return new Set(list as AlertKind[]);
  }

  #attach(value: unknown): AttachSettings {
    const path = ['attach'];
    if (value === 'all' || value === 'none') return { ...NO_ALERTS.attach, nodes: value };
    if (!isMapping(value))
      throw this.#error(path, '"attach" must be all, none, or a mapping of nodes, tags and on.');
    for (const key of Object.keys(value)) this.#known(key, ATTACH_KEYS, [...path, key], 'an attach setting');
    const nodes = value.nodes ?? 'none';
    if (nodes !== 'all' && nodes !== 'none')
      throw this.#error([...path, 'nodes'], `"nodes" must be all or none, not ${JSON.stringify(nodes)}.`);
    const tags = value.tags === undefined ? [] : typeof value.tags === 'string' ? [value.tags] : value.tags;
    if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string'))
      throw this.#error([...path, 'tags'], '"tags" must be a list of tags.');
    const on = value.on === undefined ? ['failure'] : typeof value.on === 'string' ? [value.on] : value.on;
    const nodeKinds = ALERT_KINDS.filter((kind) => kind !== 'pipeline');
    if (!Array.isArray(on))
      throw this.#error([...path, 'on'], `"on" must be a list of ${nodeKinds.join(', ')}.`);
    for (const kind of on) this.#known(String(kind), nodeKinds, [...path, 'on'], 'a node outcome');
    return { nodes, tags, on: new Set(on as NodeAlertKind[]) };
  }

  #delivery(value: unknown, path: string[], defaults: DeliveryPolicy): DeliveryPolicy {
    if (!isMapping(value))
      throw this.#error(path, `"delivery" must be a mapping of ${DELIVERY_KEYS.join(', ')}.`);
    for (const key of Object.keys(value))
      this.#known(key, DELIVERY_KEYS, [...path, key], 'a delivery setting');
    const number = (key: string, min: number, whole: boolean): number | undefined => {
      const setting = value[key];
      if (setting === undefined) return undefined;
      if (
        typeof setting !== 'number' ||
        !Number.isFinite(setting) ||
        setting < min ||
        (whole && !Number.isInteger(setting))
      ) {
        throw this.#error(
          [...path, key],
          `"${key}" must be a ${whole ? 'whole ' : ''}number of at least ${min}, not ${JSON.stringify(setting)}.`,
        );
      }
      return setting;
    };
    const backoff = value.backoff;
    if (backoff !== undefined && backoff !== 'fixed' && backoff !== 'exponential') {
      throw this.#error(
        [...path, 'backoff'],
        `"backoff" must be fixed or exponential, not ${JSON.stringify(backoff)}.${didYouMean(String(backoff), ['fixed', 'exponential'])}`,
      );
    }
    return {
      retries: number('retries', 0, true) ?? defaults.retries,
      delayMs: number('delay_ms', 0, false) ?? defaults.delayMs,
      backoff: (backoff as DeliveryPolicy['backoff'] | undefined) ?? defaults.backoff,
      timeoutMs: number('timeout_ms', 1, false) ?? defaults.timeoutMs,
    };
  }

  #boolean(value: unknown, path: string[], fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') throw this.#error(path, `"${path.at(-1)}" must be true or false.`);
    return value;
  }

  #known(key: string, allowed: readonly string[], path: string[], what: string): void {
    if (!allowed.includes(key))
      throw this.#error(path, `"${key}" is not ${what}.${didYouMean(key, allowed)}`, {
        hint: `Use ${allowed.join(', ')}.`,
      });
  }

  #error(path: string[], problem: string, options: { hint?: string } = {}): AlertConfigError {
    const location: ConfigLocation | undefined = this.#config.locate(ALERTS_CONFIG_KEY, path);
    return new AlertConfigError(`In the alerts configuration: ${problem}`, {
      ...(location === undefined ? {} : { location }),
      ...options,
    });
  }
}
