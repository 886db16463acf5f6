import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigLoader } from '../../src/config/index.ts';
import type { Dataset, DatasetFactoryContext } from '../../src/io/index.ts';
import { CatalogError, DataCatalog, DatasetError, createDatasetTypeRegistry } from '../../src/io/index.ts';
import { rejectionOf, writeProject } from '../config/project-fixture.ts';

const PASSWORD = 'S3cr3t-Pa55word!';
const URL_PASSWORD = 'Pw-In-Url-999';
const QUERY_KEY = 'QueryKey-777';
const ENV_TOKEN = 'EnvToken-abc123';
const SECRETS = [PASSWORD, URL_PASSWORD, QUERY_KEY, ENV_TOKEN, encodeURIComponent(PASSWORD)];

/** Everything a user or a log could ever see of an error: message, hint, stack, causes. */
function everythingShown(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 5) return String(error);
  const own = error as Error & { hint?: string; errors?: unknown[] };
  return [
    String(error),
    error.message,
    own.hint ?? '',
    error.stack ?? '',
    JSON.stringify(error, Object.getOwnPropertyNames(error)),
    ...(own.errors ?? []).map((inner) => everythingShown(inner, depth + 1)),
    everythingShown(error.cause, depth + 1),
  ].join('\n');
}

function assertNoSecret(text: string, where: string): void {
  for (const secret of SECRETS)
    assert.equal(text.includes(secret), false, `${where} shows the secret ${secret}:\n${text}`);
}

/** A dataset type that does everything wrong with its credentials: echoes them in describe and errors. */
function leakyRegistry(seen: DatasetFactoryContext[]) {
  const registry = createDatasetTypeRegistry();
  registry.register('leaky', (options, context) => {
    seen.push(context);
    const credentials = context.credentials ?? {};
    const dataset: Dataset = {
      load: () => {
        throw new DatasetError(`connection refused for ${JSON.stringify(credentials)}`, {
          datasetName: context.name,
          hint: `password was ${String(credentials.password)}`,
          cause: new Error(`inner: ${String(credentials.url)}`),
        });
      },
      save: async () => {
        throw new Error(`could not write with ${String(credentials.password)}`);
      },
      exists: () => false,
      release: () => {},
      describe: () => ({
        type: 'leaky',
        ...options,
        echoed: credentials,
        note: `pw=${String(credentials.password)}`,
      }),
    };
    return dataset;
  });
  registry.register('fails_to_build', (_options, context) => {
    throw new Error(
      `bad login ${String(context.credentials?.password)} at ${String(context.credentials?.url)}`,
    );
  });
  return registry;
}

async function leakyCatalog(
  seen: DatasetFactoryContext[] = [],
): Promise<{ catalog: DataCatalog; loader: ConfigLoader }> {
  const projectPath = writeProject({
    'conf/local/credentials.yml': [
      'db:',
      '  user: analyst',
      `  password: "${PASSWORD}"`,
      `  url: "postgres://analyst:${URL_PASSWORD}@db.internal:5432/x?sslkey=${QUERY_KEY}"`,
      'api:',
      '  token: ${env:API_TOKEN}',
      '',
    ].join('\n'),
    'conf/base/catalog.yml': [
      'leaky_db:',
      '  type: leaky',
      '  table: orders',
      '  credentials: db',
      'leaky_api:',
      '  type: leaky',
      '  credentials: api',
      'nested:',
      '  type: leaky',
      '  dataset:',
      '    type: json',
      '    credentials: db',
      'broken:',
      '  type: fails_to_build',
      '  credentials: db',
      'typo:',
      '  type: leaky',
      '  credentials: dbb',
      '',
    ].join('\n'),
  });
  const loader = new ConfigLoader({ projectPath, environ: { API_TOKEN: ENV_TOKEN } });
  const catalog = await DataCatalog.fromConfig({
    catalogConfig: loader.get('catalog'),
    credentials: loader.get('credentials'),
    projectPath,
    registry: leakyRegistry(seen),
    locate: (key, path) => loader.locate(key, path),
  });
  return { catalog, loader };
}

describe('credentials', () => {
  it('resolves credentials by name into the factory context, not the options', async () => {
    const seen: DatasetFactoryContext[] = [];
    const { catalog, loader } = await leakyCatalog(seen);
    assert.equal(loader.get('credentials').api !== undefined, true);
    await catalog.materialize(['leaky_db', 'leaky_api', 'nested']);
    const byName = new Map(seen.map((context) => [context.name, context]));
    assert.equal(byName.get('leaky_db')?.credentials?.password, PASSWORD);
    assert.equal(byName.get('leaky_api')?.credentials?.token, ENV_TOKEN);
    assert.equal(byName.get('nested')?.credentials, undefined);
  });

  it('never shows a credential in errors, hints, causes, stacks, descriptions or listings', async () => {
    const { catalog } = await leakyCatalog();
    const shown: string[] = [];

    const materializeError = await rejectionOf(() =>
      catalog.materialize(['leaky_db', 'leaky_api', 'nested', 'broken', 'typo']),
    );
    shown.push(everythingShown(materializeError));
    assert.match(
      materializeError.message,
      /Dataset "broken" \(type fails_to_build, conf\/base\/catalog\.yml:13:1\): it can't be created: bad login \*\*\* at postgres:\/\/analyst:\*\*\*@db\.internal:5432\/x\?sslkey=\*\*\*$/m,
    );

    const loadError = await rejectionOf(() => catalog.load('leaky_db'));
    assert.ok(loadError instanceof DatasetError, 'the masked copy keeps its class');
    assert.equal((loadError as DatasetError).datasetName, 'leaky_db');
    shown.push(everythingShown(loadError));
    assert.match(loadError.message, /connection refused/);

    const syncError = (() => {
      try {
        catalog.get('leaky_db').load();
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    assert.ok(syncError instanceof Error);
    shown.push(everythingShown(syncError));
    shown.push(everythingShown(await rejectionOf(async () => catalog.get('leaky_api').save(1))));
    shown.push(everythingShown(await rejectionOf(() => catalog.save('leaky_db', 1))));

    for (const name of [...catalog.list(), 'broken', 'typo', 'nested'])
      shown.push(JSON.stringify(catalog.describe(name)));
    shown.push(JSON.stringify(catalog.list()), JSON.stringify(catalog.filter({ type: 'leaky' })));
    shown.push(
      JSON.stringify(catalog.get('leaky_db').describe()),
      JSON.stringify(catalog.get('nested').describe()),
    );

    for (const [index, text] of shown.entries()) assertNoSecret(text, `output #${index}`);
    assert.match(JSON.stringify(catalog.describe('leaky_db')), /"note":"pw=\*\*\*"/);
  });

  it('names the dataset, file and line of a missing credentials name, suggesting names only', async () => {
    const { catalog } = await leakyCatalog();
    const error = await rejectionOf(() => catalog.load('typo'));
    assert.ok(error instanceof CatalogError);
    assert.equal(
      error.message,
      'Dataset "typo" (type leaky, conf/base/catalog.yml:18:3): its credentials "dbb" are not in the credentials configuration. Did you mean "db"?',
    );
    assert.match(error.hint ?? '', /conf\/local\/credentials\.yml\. Configured credentials: api, db\./);
    assertNoSecret(everythingShown(error), 'missing credentials error');
  });

  it('explains how to add credentials when none are configured', async () => {
    const registry = createDatasetTypeRegistry();
    const catalog = await DataCatalog.fromConfig({
      catalogConfig: { orders: { type: 'json', filepath: 'x.json', credentials: 'db' } },
      projectPath: process.cwd(),
      registry,
    });
    const error = await rejectionOf(() => catalog.materialize(['orders']));
    assert.match(error.message, /its credentials "db" are not in the credentials configuration/);
    assert.match(error.message, /No credentials are configured/);
  });
});
