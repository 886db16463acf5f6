import assert from 'node:assert/strict';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import { DatasetError } from '../../src/io/dataset.ts';
import { ApiDataset } from '../../src/io/datasets/api.ts';
import { errorOf } from './support/temp-dir.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server on a free port; `respond` decides each answer, every request is recorded. */
async function startServer(t: TestContext, respond: (request: Received, response: ServerResponse) => void) {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
      received.push(entry);
      respond(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, received };
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

const TOKEN = 'tok-7f3a9c1e5b2d';

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('api GET load sends the query and the bearer token, and parses the JSON answer', async (t) => {
  const { base, received } = await startServer(t, (_, response) =>
    json(response, 200, { items: [{ id: 1 }, { id: 2 }] }),
  );
  const registry = createDatasetTypeRegistry();
  const dataset = await registry.get('api')(
    {
      url: `${base}/v1/shuttles`,
      headers: { 'X-Client': 'sluice' },
      load_args: { query: { page: 2, active: true } },
    },
    { name: 'shuttles_api', projectPath: '/unused', credentials: { token: TOKEN } },
  );
  assert.deepEqual(await dataset.load(), { items: [{ id: 1 }, { id: 2 }] });
  assert.equal(received.length, 1);
  assert.equal(received[0]!.method, 'GET');
  assert.equal(received[0]!.url, '/v1/shuttles?page=2&active=true');
  assert.equal(received[0]!.headers.authorization, `Bearer ${TOKEN}`);
  assert.equal(received[0]!.headers['x-client'], 'sluice');
  assert.equal(received[0]!.headers.accept, 'application/json');
});

test('api POST save sends the data as a JSON body with basic auth', async (t) => {
  const { base, received } = await startServer(t, (_, response) => {
    response.writeHead(201);
    response.end();
  });
  const dataset = new ApiDataset(
    'upload',
    { url: `${base}/v1/results`, save_args: { query: { run: 'r1' } } },
    { credentials: { username: 'pilot', password: 'hunter22-secret' } },
  );
  await dataset.save({ rows: [1, 2, 3], model: 'ridge' });
  assert.equal(received[0]!.method, 'POST');
  assert.equal(received[0]!.url, '/v1/results?run=r1');
  assert.equal(received[0]!.headers['content-type'], 'application/json');
  assert.equal(
    received[0]!.headers.authorization,
    `Basic ${Buffer.from('pilot:hunter22-secret').toString('base64')}`,
  );
  assert.deepEqual(JSON.parse(received[0]!.body), { rows: [1, 2, 3], model: 'ridge' });

  const put = new ApiDataset('upload', {
    url: `${base}/v1/results/7`,
    save_args: { method: 'put' as 'PUT' },
  });
  await put.save([1]);
  assert.equal(received[1]!.method, 'PUT');
});

test('api non-2xx answers are DatasetErrors with the status, and never repeat a credential', async (t) => {
  const { base } = await startServer(t, (request, response) => {
    // A careless server that echoes the request's credentials back in its error body.
    json(response, request.url?.startsWith('/missing') ? 404 : 401, {
      error: 'denied',
      youSent: request.headers.authorization,
      query: request.url,
    });
  });
  const secretQueryValue = 'sk_live_querysecret';
  const dataset = new ApiDataset(
    'private_api',
    { url: `${base}/v1/private?api_key=${secretQueryValue}` },
    { credentials: { token: TOKEN }, location: { file: 'conf/base/catalog.yml', line: 12 } },
  );
  const error = await errorOf(() => dataset.load());
  assert.ok(error instanceof DatasetError);
  assert.equal(error.datasetName, 'private_api');
  assert.match(
    error.message,
    /^Dataset "private_api" \(api, conf\/base\/catalog.yml:12\): GET http:\/\/127\.0\.0\.1:\d+\/v1\/private\?api_key=\*\*\* answered HTTP 401 Unauthorized: /,
  );
  assert.match(error.hint ?? '', /credentials/);
  const everything = `${error.message} ${error.hint} ${error.stack}`;
  assert.ok(!everything.includes(TOKEN), `token leaked: ${everything}`);
  assert.ok(!everything.includes(secretQueryValue), `query secret leaked: ${everything}`);
  assert.match(error.message, /Bearer \*\*\*/, 'the echoed header is masked, not dropped');

  const missing = new ApiDataset(
    'missing',
    { url: `${base}/missing` },
    { credentials: { username: 'pilot', password: 'hunter22-secret' } },
  );
  const notFound = await errorOf(() => missing.save({ a: 1 }));
  assert.match(notFound.message, /POST http:\/\/127\.0\.0\.1:\d+\/missing answered HTTP 404 Not Found/);
  assert.ok(!notFound.message.includes('hunter22-secret'));
  assert.ok(!notFound.message.includes(Buffer.from('pilot:hunter22-secret').toString('base64')));
  assert.equal(await missing.exists(), false);
});

test('api describe shows public settings and the kind of auth, never the credentials', () => {
  const dataset = new ApiDataset(
    'described',
    {
      url: 'https://user:pw-in-url-123@api.example.com/v1/items?key=abc123secret',
      headers: { 'X-Api-Key': 'header-secret-999', 'X-Client': 'sluice' },
      load_args: { query: { page: 1, access_token: 'qs-secret-888' } },
      timeout_ms: 5000,
    },
    { credentials: { token: TOKEN, headers: { 'X-Extra': 'extra-secret-777' } } },
  );
  const description = dataset.describe();
  assert.deepEqual(description, {
    type: 'api',
    url: 'https://api.example.com/v1/items?key=***',
    method: 'GET',
    headers: { 'X-Api-Key': '***', 'X-Client': 'sluice' },
    load_args: { query: { page: '1', access_token: '***' } },
    save_args: { method: 'POST', query: {} },
    timeout_ms: 5000,
    auth: 'bearer',
  });
  const text = JSON.stringify(description);
  for (const secret of [
    TOKEN,
    'pw-in-url-123',
    'abc123secret',
    'header-secret-999',
    'qs-secret-888',
    'extra-secret-777',
  ]) {
    assert.ok(!text.includes(secret), secret);
  }
});

test('api network failures and timeouts are DatasetErrors naming the redacted URL', async (t) => {
  const { base } = await startServer(t, () => {
    // Never answers.
  });
  const slow = new ApiDataset('slow', { url: `${base}/slow?token=abcdefgh`, timeout_ms: 200 });
  const timeout = await errorOf(() => slow.load());
  assert.match(
    timeout.message,
    /GET http:\/\/127\.0\.0\.1:\d+\/slow\?token=\*\*\* failed: no answer within 200 ms \(timeout_ms\)/,
  );

  const port = await freePort();
  const closed = new ApiDataset('closed', { url: `http://127.0.0.1:${port}/nothing` });
  const refused = await errorOf(() => closed.load());
  assert.match(
    refused.message,
    new RegExp(
      `Dataset "closed" \\(api\\): GET http://127\\.0\\.0\\.1:${port}/nothing failed: fetch failed \\(ECONNREFUSED\\)`,
    ),
  );
  assert.equal(await closed.exists(), false);
});

test('api answers that are not JSON are errors; an empty answer loads as null', async (t) => {
  const { base } = await startServer(t, (request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(request.url === '/empty' ? '' : '<html>login</html>');
  });
  const error = await errorOf(() => new ApiDataset('html', { url: `${base}/page` }).load());
  assert.match(error.message, /the answer to GET .*\/page is not JSON .*<html>login<\/html>/);
  assert.equal(await new ApiDataset('empty', { url: `${base}/empty` }).load(), null);
});

test('api option and credential errors name keys, never values', async () => {
  const badUrl = await errorOf(() => new ApiDataset('a', { url: 'ftp://files.example.com/x' }));
  assert.match(badUrl.message, /option "url" must be an http or https URL, got ftp:/);
  const badMethod = await errorOf(
    () => new ApiDataset('a', { url: 'http://x.test', method: 'FETCH' as never }),
  );
  assert.match(
    badMethod.message,
    /option "method" must be one of GET, POST, PUT, PATCH, DELETE, got "FETCH"/,
  );
  const unknown = await errorOf(() => new ApiDataset('a', { url: 'http://x.test', timeout: 5 } as never));
  assert.match(unknown.message, /unknown option "timeout". Did you mean "timeout_ms"\?/);
  const creds = await errorOf(
    () => new ApiDataset('a', { url: 'http://x.test' }, { credentials: { tokn: 'very-secret-value' } }),
  );
  assert.match(creds.message, /its credentials have unknown keys: tokn/);
  assert.ok(!creds.message.includes('very-secret-value'));
  const half = await errorOf(
    () => new ApiDataset('a', { url: 'http://x.test' }, { credentials: { username: 'u' } }),
  );
  assert.match(half.message, /need both "username" and "password"/);
});
