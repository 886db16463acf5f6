/**
 * conf/<env>/telemetry.yml: no block, no exporter; each setting falls back to the standard
 * environment variables; mistakes name the file and line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigLoader, TelemetryConfigError } from '../../src/index.ts';
import { loadTelemetrySettings } from '../../src/plugins/telemetry/telemetry-config.ts';
import { writeProject } from './step-hooks-support.ts';

function settings(yml: string, environ: Record<string, string> = {}) {
  const root = writeProject({ 'conf/base/telemetry.yml': yml });
  return loadTelemetrySettings(new ConfigLoader({ projectPath: root }), environ);
}

test('no block, no exporter', () => {
  assert.deepEqual(settings(''), { otlp: undefined, prometheus: undefined, statsd: undefined });
  assert.equal(settings('statsd: {}\n').otlp, undefined, 'environment variables alone turn nothing on');
});

test('empty blocks take the standard environment variables', () => {
  const environ = {
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
    OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D,tenant=t1',
    STATSD_HOST: 'statsd.internal',
    STATSD_PORT: '9125',
    STATSD_PREFIX: 'etl.',
    PROMETHEUS_PUSHGATEWAY: 'http://gateway:9091/',
  };
  const read = settings('otlp: {}\nstatsd: {}\nprometheus: {}\n', environ);
  assert.deepEqual(read.otlp, {
    url: 'http://collector:4318/v1/traces',
    headers: { 'x-api-key': 'abc=', tenant: 't1' },
    timeoutMs: 3000,
  });
  assert.deepEqual(read.statsd, { host: 'statsd.internal', port: 9125, prefix: 'etl.' });
  assert.deepEqual(read.prometheus, {
    port: undefined,
    host: '127.0.0.1',
    pushgateway: 'http://gateway:9091',
    job: 'sluice',
    timeoutMs: 3000,
  });
  const traces = settings('otlp: {}\n', {
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
  });
  assert.equal(traces.otlp?.url, 'http://traces:4318/custom', 'the traces variable is used as is, and wins');
});

test('the file wins over the environment; defaults without either', () => {
  const read = settings(
    'otlp: { endpoint: "http://file:4318" }\nstatsd: { port: 8200 }\nprometheus: { port: 9500 }\n',
    {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318',
      STATSD_PORT: '9999',
    },
  );
  assert.equal(read.otlp?.url, 'http://file:4318/v1/traces');
  assert.deepEqual(read.statsd, { host: '127.0.0.1', port: 8200, prefix: 'sluice.' });
  assert.equal(read.prometheus?.port, 9500);
  assert.equal(settings('otlp: {}\n').otlp?.url, 'http://localhost:4318/v1/traces');
  assert.equal(settings('prometheus: {}\n').prometheus?.port, 9464);
});

test('mistakes name the file and line', () => {
  assert.throws(
    () => settings('statsd:\n  host: localhost\n  prot: 8125\n'),
    (error: unknown) =>
      error instanceof TelemetryConfigError &&
      /^conf\/base\/telemetry\.yml:3:\d+: unknown setting "prot" in the statsd block\. Did you mean "port"\?/.test(
        error.message,
      ),
  );
  assert.throws(() => settings('jaeger: {}\n'), /telemetry\.yml:1:\d+: unknown block "jaeger"/);
  assert.throws(() => settings('prometheus: { port: -1 }\n'), /"port" must be a whole number of at least 0/);
});
