/**
 * `conf/<env>/telemetry.yml`: one block per exporter; no block, no exporter. Each setting falls
 * back to the standard environment variable when the block leaves it out, so an empty block
 * (`otlp: {}`) means "export where the environment says".
 *
 * ```yaml
 * otlp: { endpoint: http://localhost:4318 }          # OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT
 * prometheus: { port: 9464 }                          # or { pushgateway: http://localhost:9091 }
 * statsd: { host: localhost, port: 8125, prefix: sluice. }   # STATSD_HOST, STATSD_PORT, STATSD_PREFIX
 * ```
 */
import type { ConfigLoader } from '../../plugin-api/index.ts';
import { didYouMean } from '../../plugin-api/index.ts';
import { TelemetryConfigError } from './errors.ts';

export const TELEMETRY_CONFIG_KEY = 'telemetry';

/** OTLP/HTTP trace export. */
export interface OtlpSettings {
  /** The full traces URL (`…/v1/traces`). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The longest one export may take, and the longest the end of a run waits for the last spans. */
  readonly timeoutMs: number;
}

/** Prometheus: a `/metrics` endpoint while the run lasts, or pushes to a Pushgateway. */
export interface PrometheusSettings {
  /** The port of the `/metrics` endpoint (0: any free port); undefined with a pushgateway only. */
  readonly port: number | undefined;
  readonly host: string;
  /** The Pushgateway's base URL; the run's metrics are pushed when it ends. */
  readonly pushgateway: string | undefined;
  /** The Pushgateway job name. */
  readonly job: string;
  readonly timeoutMs: number;
}

/** StatsD over UDP. */
export interface StatsdSettings {
  readonly host: string;
  readonly port: number;
  /** Put before every metric name; default `sluice.`, giving `sluice.<pipeline>.<node>.*`. */
  readonly prefix: string;
}

export interface TelemetrySettings {
  readonly otlp: OtlpSettings | undefined;
  readonly prometheus: PrometheusSettings | undefined;
  readonly statsd: StatsdSettings | undefined;
}

export const NO_TELEMETRY: TelemetrySettings = { otlp: undefined, prometheus: undefined, statsd: undefined };
const DEFAULT_TIMEOUT_MS = 3000;
const BLOCKS = ['otlp', 'prometheus', 'statsd'];

type Environ = Readonly<Record<string, string | undefined>>;

/** Reads telemetry.yml with the environment's fallbacks; every error names the file and line. */
export function loadTelemetrySettings(
  config: ConfigLoader,
  environ: Environ = process.env,
): TelemetrySettings {
  if (!config.keys().includes(TELEMETRY_CONFIG_KEY)) return NO_TELEMETRY;
  const raw = config.get(TELEMETRY_CONFIG_KEY);
  const reader = new BlockReader(config);
  for (const key of Object.keys(raw))
    if (!BLOCKS.includes(key))
      throw reader.error([key], `unknown block "${key}" in telemetry.yml.${didYouMean(key, BLOCKS)}`);
  return {
    otlp:
      raw.otlp === undefined
        ? undefined
        : otlpOf(reader.block('otlp', raw.otlp, ['endpoint', 'headers', 'timeout_ms']), environ),
    prometheus:
      raw.prometheus === undefined
        ? undefined
        : prometheusOf(
            reader.block('prometheus', raw.prometheus, ['port', 'host', 'pushgateway', 'job', 'timeout_ms']),
            environ,
          ),
    statsd:
      raw.statsd === undefined
        ? undefined
        : statsdOf(reader.block('statsd', raw.statsd, ['host', 'port', 'prefix']), environ),
  };
}

function otlpOf(block: Block, environ: Environ): OtlpSettings {
  const configured = block.string('endpoint');
  const url =
    configured !== undefined
      ? tracesUrl(configured)
      : (environ.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
        (environ.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
          ? undefined
          : tracesUrl(environ.OTEL_EXPORTER_OTLP_ENDPOINT)) ??
        'http://localhost:4318/v1/traces');
  const headers =
    block.stringMap('headers') ??
    parseHeaders(environ.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? environ.OTEL_EXPORTER_OTLP_HEADERS);
  return { url, headers, timeoutMs: block.number('timeout_ms') ?? DEFAULT_TIMEOUT_MS };
}

/** The spec's rule: a base endpoint gets `/v1/traces` appended; the traces variable is used as is. */
function tracesUrl(endpoint: string): string {
  return endpoint.endsWith('/v1/traces') ? endpoint : `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

function parseHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at > 0)
      headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}

function prometheusOf(block: Block, environ: Environ): PrometheusSettings {
  const pushgateway = block.string('pushgateway') ?? environ.PROMETHEUS_PUSHGATEWAY;
  const envPort =
    environ.SLUICE_PROMETHEUS_PORT === undefined ? undefined : Number(environ.SLUICE_PROMETHEUS_PORT);
  const port = block.number('port') ?? envPort ?? (pushgateway === undefined ? 9464 : undefined);
  return {
    port,
    host: block.string('host') ?? '127.0.0.1',
    pushgateway: pushgateway?.replace(/\/+$/, ''),
    job: block.string('job') ?? 'sluice',
    timeoutMs: block.number('timeout_ms') ?? DEFAULT_TIMEOUT_MS,
  };
}

function statsdOf(block: Block, environ: Environ): StatsdSettings {
  const envPort = environ.STATSD_PORT === undefined ? undefined : Number(environ.STATSD_PORT);
  return {
    host: block.string('host') ?? environ.STATSD_HOST ?? '127.0.0.1',
    port: block.number('port') ?? envPort ?? 8125,
    prefix: block.string('prefix') ?? environ.STATSD_PREFIX ?? 'sluice.',
  };
}

/** Reads one block's settings, each error pointing at the line of the setting. */
class BlockReader {
  readonly #config: ConfigLoader;
  constructor(config: ConfigLoader) {
    this.#config = config;
  }

  error(path: readonly string[], message: string): TelemetryConfigError {
    const location = this.#config.locate(TELEMETRY_CONFIG_KEY, path);
    return new TelemetryConfigError(message, {
      ...(location === undefined ? {} : { location }),
      hint: 'See docs/telemetry.md for the settings of each block.',
    });
  }

  block(name: string, value: unknown, known: readonly string[]): Block {
    const settings = value === null ? {} : value;
    if (typeof settings !== 'object' || Array.isArray(settings))
      throw this.error([name], `"${name}" must be a mapping of settings (or {} to use the environment's).`);
    for (const key of Object.keys(settings))
      if (!known.includes(key))
        throw this.error(
          [name, key],
          `unknown setting "${key}" in the ${name} block.${didYouMean(key, known)}`,
        );
    return new Block(this, name, settings as Record<string, unknown>);
  }
}

class Block {
  constructor(
    readonly reader: BlockReader,
    readonly name: string,
    readonly settings: Record<string, unknown>,
  ) {}

  string(key: string): string | undefined {
    const value = this.settings[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value === '')
      throw this.reader.error([this.name, key], `"${key}" must be a non-empty string.`);
    return value;
  }

  number(key: string): number | undefined {
    const value = this.settings[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      throw this.reader.error(
        [this.name, key],
        `"${key}" must be a whole number of at least 0, not ${JSON.stringify(value)}.`,
      );
    return value;
  }

  stringMap(key: string): Record<string, string> | undefined {
    const value = this.settings[key];
    if (value === undefined || value === null) return undefined;
    if (
      typeof value !== 'object' ||
      Array.isArray(value) ||
      Object.values(value).some((item) => typeof item !== 'string')
    )
      throw this.reader.error([this.name, key], `"${key}" must map header names to strings.`);
    return value as Record<string, string>;
  }
}
