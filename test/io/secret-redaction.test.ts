/**
 * Which credentials values are secrets, and where they are masked: values in credential positions
 * (passwords, tokens, keys, URL userinfo, secret query parameters, connection-string passwords)
 * are hidden everywhere; hosts, users, ports and database names stay readable.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigLoader } from '../../src/config/index.ts';
import type { Dataset } from '../../src/io/index.ts';
import { DataCatalog, DatasetError, createDatasetTypeRegistry } from '../../src/io/index.ts';
import { Redactor, isSecretName } from '../../src/plugin-api/index.ts';
import { rejectionOf, writeProject } from '../config/project-fixture.ts';

const PASSWORD = 's3cr3t-pa55';
const TOKEN = 'ghp-7Hq2Lx9Zr4Wm';
const ENV_PASSWORD = 'from-the-env-42';

/** A realistic credentials.yml: host, user and database are not secrets; password and token are. */
const CREDENTIALS = [
  'warehouse:',
  '  host: 127.0.0.1',
  '  port: 5432',
  '  user: postgres',
  '  database: test',
  `  password: ${PASSWORD}`,
  'replica:',
  '  con: postgresql://postgres:${env:REPLICA_PASSWORD}@127.0.0.1:5433/test',
  'github:',
  `  token: ${TOKEN}`,
  '',
].join('\n');

function loadCredentials(): { loader: ConfigLoader; projectPath: string } {
  const projectPath = writeProject({
    'conf/local/credentials.yml': CREDENTIALS,
    'conf/base/catalog.yml': ['orders:', '  type: chatty', '  credentials: warehouse', ''].join('\n'),
  });
  return {
    loader: new ConfigLoader({ projectPath, environ: { REPLICA_PASSWORD: ENV_PASSWORD } }),
    projectPath,
  };
}

/** A dataset whose errors say everything about its connection, as database drivers do. */
function chattyRegistry() {
  const registry = createDatasetTypeRegistry();
  registry.register('chatty', (_options, context): Dataset => {
    const creds = context.credentials as Record<string, unknown>;
    const target = `${String(creds.user)}@${String(creds.host)}:${String(creds.port)}/${String(creds.database)}`;
    return {
      load: () => {
        throw new DatasetError(`could not connect to ${target} with password ${String(creds.password)}`, {
          datasetName: context.name,
        });
      },
      save: () => undefined,
      exists: () => false,
      release: () => undefined,
      describe: () => ({ type: 'chatty', target }),
    };
  });
  return registry;
}

describe('which credentials are secret', () => {
  it('masks the password, never the host, user, port or database (through the catalog)', async () => {
    const { loader, projectPath } = loadCredentials();
    const catalog = await DataCatalog.fromConfig({
      catalogConfig: loader.get('catalog'),
      credentials: loader.get('credentials'),
      projectPath,
      registry: chattyRegistry(),
    });
    const error = await rejectionOf(() => catalog.load('orders'));
    assert.equal(error.message, 'could not connect to postgres@127.0.0.1:5432/test with password ***');
    assert.deepEqual(catalog.describe('orders'), { type: 'chatty', target: 'postgres@127.0.0.1:5432/test' });
  });

  it('masks password, token and env-provided URL password in any text; leaves common words alone', () => {
    const { loader } = loadCredentials();
    const redactor = Redactor.fromCredentials(loader.get('credentials'));
    const text = [
      `Login failed for postgres at 127.0.0.1:5432 (database test): ${PASSWORD}`,
      `replica postgresql://postgres:${ENV_PASSWORD}@127.0.0.1:5433/test, bare ${ENV_PASSWORD}`,
      `GET https://api.github.com/user with token ${TOKEN}, encoded ${encodeURIComponent(PASSWORD)}`,
      `basic ${Buffer.from(PASSWORD).toString('base64')}`,
    ].join('\n');
    const shown = redactor.redact(text);
    for (const secret of [PASSWORD, TOKEN, ENV_PASSWORD]) assert.equal(shown.includes(secret), false, shown);
    assert.equal(
      shown,
      [
        'Login failed for postgres at 127.0.0.1:5432 (database test): ***',
        'replica postgresql://postgres:***@127.0.0.1:5433/test, bare ***',
        'GET https://api.github.com/user with token ***, encoded ***',
        'basic ***',
      ].join('\n'),
    );
  });

  it('masks credential positions whatever the value, even a short one it never loaded', () => {
    const shown = Redactor.none.redact(
      [
        'mysql://root:pw@db.local/app',
        'https://x.example/cb?code=1&access_token=abc&page=2',
        'host=127.0.0.1 user=postgres password=pw dbname=test',
        'Server=db;Database=test;User Id=sa;Password=Pw1;',
        '{"user":"postgres","password":"pw","api_key":"k1","key":"orders"}',
      ].join('\n'),
    );
    assert.equal(
      shown,
      [
        'mysql://root:***@db.local/app',
        'https://x.example/cb?code=1&access_token=***&page=2',
        'host=127.0.0.1 user=postgres password=*** dbname=test',
        'Server=db;Database=test;User Id=sa;Password=***;',
        '{"user":"postgres","password":"***","api_key":"***","key":"orders"}',
      ].join('\n'),
    );
  });

  it('masks short secrets only in credential positions, so "test" or "admin" survive elsewhere', () => {
    const redactor = Redactor.fromCredentials({ db: { user: 'admin', password: 'test' } });
    assert.equal(redactor.active, false);
    assert.equal(
      redactor.redact('test failed for admin: postgres://admin:test@h/test'),
      'test failed for admin: postgres://admin:***@h/test',
    );
  });

  it('names: password, token, api_key, client_secret, tokens are secret; host, user, key_file are not', () => {
    for (const name of [
      'password',
      'PGPASSWORD',
      'token',
      'api_key',
      'clientSecret',
      'private_key',
      'sslkey',
    ])
      assert.equal(isSecretName(name), true, name);
    for (const name of ['host', 'port', 'user', 'username', 'database', 'dbname', 'key_file', 'author'])
      assert.equal(isSecretName(name), false, name);
    const redactor = Redactor.fromCredentials({
      ci: { tokens: ['tok-aaaaaaaa', 'tok-bbbbbbbb'], region: 'eu-west-1' },
    });
    assert.equal(redactor.redact('tok-aaaaaaaa tok-bbbbbbbb eu-west-1'), '*** *** eu-west-1');
  });
});

describe('Redactor on values and errors', () => {
  const redactor = Redactor.fromCredentials({ db: { password: PASSWORD } });

  it('copies a value with secrets masked and secret-named fields hidden, leaving clean values as they are', () => {
    const clean = { host: '127.0.0.1', key: 'orders' };
    assert.equal(redactor.redactValue(clean), clean);
    assert.deepEqual(
      redactor.redactValue({ note: `pw ${PASSWORD}`, password: 'short', nested: [PASSWORD] }),
      {
        note: 'pw ***',
        password: '***',
        nested: ['***'],
      },
    );
  });

  it('copies an error of the same class, with message, stack and a cyclic cause chain redacted', () => {
    const outer = new DatasetError(`connect with ${PASSWORD}`, { datasetName: 'orders' });
    const inner = new Error(`inner ${PASSWORD}`, { cause: outer });
    (outer as { cause?: unknown }).cause = inner;
    const safe = redactor.redactError(outer);
    assert.ok(safe instanceof DatasetError);
    assert.notEqual(safe, outer);
    assert.equal(safe.message, 'connect with ***');
    assert.equal(safe.stack?.includes(PASSWORD), false);
    const cause = safe.cause as Error;
    assert.equal(cause.message, 'inner ***');
    assert.equal(cause.cause, safe, 'the cycle is kept, not unrolled');
    const untouched = new Error('nothing secret');
    assert.equal(redactor.redactError(untouched), untouched);
  });

  it('adds secrets with `with`', () => {
    assert.equal(redactor.with(['webhook-path-xyz']).redact(`${PASSWORD} webhook-path-xyz`), '*** ***');
  });
});

describe('secrets that environment interpolation put into credentials', () => {
  it('hides a secret-named variable wherever ${env:...} put it, and Bearer tokens', () => {
    const projectPath = writeProject({
      'conf/local/credentials.yml': [
        'reports_api:',
        '  header: "X-Reports ${env:REPORTS_API_TOKEN}"',
        '  authorization: "Bearer ${env:OTHER_BEARER}"',
        '  host: ${env:REPORTS_HOST}',
        '',
      ].join('\n'),
    });
    const environment = {
      REPORTS_API_TOKEN: 'rpt-5e5e5e5e5e',
      OTHER_BEARER: 'brr-1234567890',
      REPORTS_HOST: 'reports.internal',
    };
    const loader = new ConfigLoader({ projectPath, environ: environment });
    const redactor = Redactor.fromCredentials(loader.get('credentials'), { environment });
    assert.equal(
      redactor.redact('rpt-5e5e5e5e5e and brr-1234567890 at reports.internal'),
      '*** and *** at reports.internal',
    );
    assert.equal(Redactor.none.redact('Authorization: Bearer abc.def-123'), 'Authorization: Bearer ***');
    assert.equal(Redactor.none.redact('Basic authentication failed'), 'Basic authentication failed');
  });
});
