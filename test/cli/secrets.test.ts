/**
 * Credentials never leave the process, whatever produced the message: a project plugin whose hook
 * throws an error quoting the catalog's connection URL and API token (in the message and in its
 * cause) is run through `sluice run`, with and without --verbose, with the alerts plugin sending
 * to a real HTTP receiver (a signed webhook) and a real SMTP server. The password and the token
 * appear in none of stdout, stderr, the webhook bodies or the emails; the host, the user and the
 * database stay readable.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HttpReceiver, SmtpReceiver } from '../plugins/alerts-peers.ts';
import { startHttpReceiver, startSmtpReceiver } from '../plugins/alerts-peers.ts';
import type { Outcome } from './support.ts';
import { assertExit, ensureBuilt, linkSluice, sluice, tempDir, write } from './support.ts';

const PASSWORD = 's3cr3t-pa55';
const TOKEN = 'tk-9f8e7d6c5b4a3210';
const SIGNING = 'whsec-cli-signing-8086';
const SMTP_PASSWORD = 'smtp-pw-cli-6502';
const SECRETS = [PASSWORD, TOKEN, SIGNING, SMTP_PASSWORD];
/** The connection URL as the hook quotes it, with only the password masked. */
const SHOWN_URL = 'postgresql://postgres:***@127.0.0.1:5432/test';

const CONFIG = `
import { defineConfig, node, Pipeline } from 'sluice';
import { lineage } from './src/lineage.ts';

export default defineConfig({
  hooks: [lineage],
  pipelines: {
    __default__: new Pipeline([node((orders: unknown) => orders, 'orders', 'copy', { name: 'copy_orders' })]),
  },
});
`;

/** A plugin that does what a careless lineage exporter would: quote the credentials in its error. */
const LINEAGE = `
import { definePlugin } from 'sluice';

let warehouse: { con: string; password: string } | undefined;
let api: { token: string } | undefined;

export const lineage = definePlugin({
  name: 'lineage',
  afterCatalogCreated({ confCreds }) {
    warehouse = confCreds.warehouse as typeof warehouse;
    api = confCreds.orders_api as typeof api;
  },
  beforeNodeRun() {
    throw new Error(
      'lineage export to ' + warehouse!.con + ' failed (api token ' + api!.token + ')',
      { cause: new Error('password authentication failed for user "postgres": password ' + warehouse!.password + ' rejected') },
    );
  },
});
`;

const CATALOG = `
orders:
  type: sql_query
  sql: SELECT 1 AS id
  credentials: warehouse
orders_remote:
  type: api
  url: http://127.0.0.1:9/orders
  credentials: orders_api
`;

let http: HttpReceiver;
let smtp: SmtpReceiver;
let project: string;

before(async () => {
  ensureBuilt();
  [http, smtp] = await Promise.all([startHttpReceiver(SIGNING), startSmtpReceiver('alerts', SMTP_PASSWORD)]);
  project = join(tempDir('secrets'), 'project');
  write(join(project, 'package.json'), '{ "name": "secrets-project", "type": "module" }\n');
  write(join(project, 'sluice.config.ts'), CONFIG);
  write(join(project, 'src', 'lineage.ts'), LINEAGE);
  write(join(project, 'conf', 'base', 'catalog.yml'), CATALOG);
  write(join(project, 'conf', 'base', 'parameters.yml'), '{}\n');
  write(
    join(project, 'conf', 'base', 'alerts.yml'),
    [
      'alerters:',
      '  ops_hook: { type: webhook, credentials: ops }',
      '  oncall: { type: email, credentials: mail, from: sluice@example.com, to: [oncall@example.com] }',
      'attach: all',
      'delivery: { retries: 0, timeout_ms: 10000 }',
      '',
    ].join('\n'),
  );
  write(
    join(project, 'conf', 'local', 'credentials.yml'),
    [
      'warehouse:',
      '  host: 127.0.0.1',
      '  port: 5432',
      '  user: postgres',
      '  database: test',
      `  password: ${PASSWORD}`,
      `  con: postgresql://postgres:${PASSWORD}@127.0.0.1:5432/test`,
      'orders_api:',
      `  token: ${TOKEN}`,
      'ops:',
      `  url: "${http.url}/hook/ops"`,
      `  secret: ${SIGNING}`,
      `mail: { host: 127.0.0.1, port: ${smtp.port}, user: alerts, password: ${SMTP_PASSWORD} }`,
      '',
    ].join('\n'),
  );
  linkSluice(project);
});

after(async () => {
  await Promise.all([http?.close(), smtp?.close()]);
});

/** Every place (of `shown`) that shows a secret, so a failure lists all the leaks at once. */
function leaks(shown: Record<string, string>): string[] {
  return Object.entries(shown).flatMap(([where, text]) =>
    SECRETS.filter((secret) => text.includes(secret)).map((secret) => `${where} shows ${secret}`),
  );
}

/** Runs the failing project; returns what it printed and what the alert peers received meanwhile. */
async function failingRun(
  args: readonly string[],
): Promise<{ outcome: Outcome; hooks: string; mails: string }> {
  const seen = { requests: http.requests.length, mails: smtp.mails.length };
  const outcome = await sluice(['run', '--progress', 'plain', ...args], { cwd: project, timeoutMs: 180_000 });
  assertExit(outcome, 1);
  const requests = http.requests.slice(seen.requests);
  const mails = smtp.mails.slice(seen.mails);
  assert.ok(requests.length > 0, `no webhook alert arrived\n${outcome.output}`);
  assert.ok(mails.length > 0, `no email alert arrived\n${outcome.output}`);
  return {
    outcome,
    hooks: requests
      .map((request) => `${JSON.stringify(request.headers)}\n${request.path}\n${request.body}`)
      .join('\n'),
    mails: mails.map((mail) => `${mail.subject}\n${mail.to.join(',')}\n${mail.text}`).join('\n'),
  };
}

describe('credentials in a plugin error', () => {
  // The parallel runner runs the node, its hooks and its alerts in a worker thread.
  for (const args of [[], ['--verbose'], ['--runner', 'parallel']]) {
    test(`never reach stdout, stderr, webhook or email alerts (${args.join(' ') || 'plain'})`, async () => {
      const { outcome, hooks, mails } = await failingRun(args);
      const shown = { stdout: outcome.stdout, stderr: outcome.stderr, webhook: hooks, email: mails };
      assert.deepEqual(leaks(shown), [], `${outcome.output}\n--- webhook\n${hooks}\n--- email\n${mails}`);
      // Only the password and the token are hidden: the message still says where and as whom.
      assert.ok(outcome.stderr.includes(SHOWN_URL), outcome.output);
      assert.match(outcome.stderr, /api token \*\*\*/);
      assert.ok(hooks.includes(SHOWN_URL), hooks);
      assert.ok(mails.includes(SHOWN_URL), mails);
      if (args.includes('--verbose')) {
        assert.match(
          outcome.stderr,
          /Caused by: .*password authentication failed for user "postgres": password \*\*\* rejected/,
        );
        assert.match(outcome.stderr, /^\s+at /m, 'the stack is shown');
      }
    });
  }
});
