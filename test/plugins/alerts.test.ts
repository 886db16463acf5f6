/**
 * Alerts end to end, against real peers: a local HTTP server checks Slack's message shape and
 * verifies the webhook HMAC; a local SMTP server (smtp-server, with a test user) receives the
 * emails. Delivery retries a failing receiver and gives up on a hanging one; credentials never
 * appear in a log line or an error; the parallel runner's worker deliveries reach the summary.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AlertConfigError, AlertsFailedError, NodeFailuresError, Session } from '../../src/index.ts';
import type { SessionRunOptions, SlackMessage, WebhookPayload } from '../../src/index.ts';
import { withEnv } from '../session/support.ts';
import { SAFETY_NET_MS } from '../support/safety-net.ts';
import type { HttpReceiver, SmtpReceiver } from './alerts-peers.ts';
import { startHttpReceiver, startSmtpReceiver, verifySignature } from './alerts-peers.ts';
import { writeProject } from './step-hooks-support.ts';

/** Every secret of the test credentials: none may show in a log line or an error. */
const SECRETS = {
  slackPath: '/slack/T0001-B0001-SLACKSECRET4242',
  hookPath: '/hook/HOOKPATH-SECRET-77',
  signing: 'whsec-signing-secret-9911',
  token: 'tok-SECRET-3141592',
  smtpPassword: 'smtp-pass-SECRET-5150',
  flakyPath: '/flaky/FLAKY-SECRET-PATH',
  hangPath: '/hang/HANG-SECRET-PATH',
  forbiddenPath: '/forbidden/FORBIDDEN-SECRET-PATH',
};
const SMTP_USER = 'alerts';

let http: HttpReceiver;
let smtp: SmtpReceiver;

before(async () => {
  [http, smtp] = await Promise.all([
    startHttpReceiver(SECRETS.signing),
    startSmtpReceiver(SMTP_USER, SECRETS.smtpPassword),
  ]);
});
after(async () => {
  await Promise.all([http.close(), smtp.close()]);
});

const CONFIG = `
import { appendFileSync } from 'node:fs';
import { alertOnFailure, alertsPlugin, defineConfig, node, Pipeline, stepHooksPlugin } from '{{sluice}}';

const log = (line: string) => {
  const file = process.env.SLUICE_TEST_RECORD;
  if (file) appendFileSync(file, JSON.stringify(line) + '\\n');
};
const ok = () => 1;
const bad = (fail: boolean) => {
  if (fail) throw new Error('bad node broke');
  return 2;
};
const next = (x: number) => x + 1;

export default defineConfig({
  hooks: [alertsPlugin({ log, __ALERTS_OPTIONS__ }), stepHooksPlugin({ log })],
  pipelines: {
    __default__: new Pipeline([
      node(ok, undefined, 'ok_out', { name: 'ok_node', tags: ['critical'] }),
      node(bad, 'params:fail_bad', 'bad_out', { name: 'bad_node', onFailure: alertOnFailure }),
      node(next, 'ok_out', 'after_ok', { name: 'after_ok' }),
    ]),
  },
});
`;

const ALL_ALERTERS = `
alerters:
  team_slack: { type: slack, credentials: slack }
  ops_hook: { type: webhook, credentials: ops }
  oncall:
    type: email
    credentials: smtp
    from: sluice@example.com
    to: [oncall@example.com]
delivery: { retries: 1, delay_ms: 10, timeout_ms: ${SAFETY_NET_MS} }
`;

function credentials(): string {
  return `
slack: { url: "${http.url}${SECRETS.slackPath}" }
ops:
  url: "${http.url}${SECRETS.hookPath}"
  secret: ${SECRETS.signing}
  headers: { Authorization: "Bearer ${SECRETS.token}" }
smtp: { host: 127.0.0.1, port: ${smtp.port}, user: ${SMTP_USER}, password: ${SECRETS.smtpPassword} }
flaky: { url: "${http.url}${SECRETS.flakyPath}", secret: ${SECRETS.signing} }
hang: { url: "${http.url}${SECRETS.hangPath}" }
forbidden: { url: "${http.url}${SECRETS.forbiddenPath}" }
`;
}

/**
 * A delivery ends when the receiver answers; its timeout only has to catch a receiver that never
 * does, so a project without its own default waits as long as a loaded machine may need.
 */
function patientDelivery(alertsYml: string): string {
  return /^delivery:/m.test(alertsYml)
    ? alertsYml
    : `${alertsYml.trimEnd()}\ndelivery: { timeout_ms: ${SAFETY_NET_MS} }\n`;
}

function alertsProject(
  alertsYml: string,
  options: { pluginOptions?: string; hooksYml?: string } = {},
): string {
  return writeProject({
    'sluice.config.ts': CONFIG.replace('__ALERTS_OPTIONS__', options.pluginOptions ?? ''),
    'conf/base/parameters.yml': 'fail_bad: true\n',
    'conf/base/hooks.yml': options.hooksYml ?? 'tags:\n  critical: { on_success: sluice#alertOnSuccess }\n',
    'conf/base/alerts.yml': patientDelivery(alertsYml),
    'conf/local/credentials.yml': credentials(),
  });
}

interface AlertsRun {
  readonly error: Error | undefined;
  /** Lines the project's plugins logged (from every thread). */
  readonly logs: string[];
  /** What went to this process's stderr meanwhile. */
  readonly stderr: string;
}

async function run(
  projectPath: string,
  options: SessionRunOptions = {},
  params: Record<string, unknown> = {},
): Promise<AlertsRun> {
  const recordFile = join(mkdtempSync(join(tmpdir(), 'sluice-alerts-test-')), 'log.jsonl');
  const session = await Session.create({ projectPath, runtimeParams: params, log: () => {} });
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    written.push(String(chunk));
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  let error: Error | undefined;
  try {
    await withEnv({ SLUICE_TEST_RECORD: recordFile }, () => session.run(options));
  } catch (thrown) {
    error = thrown as Error;
  } finally {
    process.stderr.write = write;
  }
  const logs = existsSync(recordFile)
    ? readFileSync(recordFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string)
    : [];
  return { error, logs, stderr: written.join('') };
}

/** Every text a run showed: log lines, stderr, and the error with its hint and causes. */
function shownText(outcome: AlertsRun): string {
  const parts = [...outcome.logs, outcome.stderr];
  for (let error: unknown = outcome.error; error instanceof Error; error = error.cause) {
    parts.push(error.message, String(error.stack), String((error as { hint?: unknown }).hint ?? ''));
    if (error instanceof NodeFailuresError)
      for (const failure of error.failures) parts.push(failure.error.message);
  }
  return parts.join('\n');
}

function assertNoSecrets(outcome: AlertsRun): void {
  const text = shownText(outcome);
  for (const [name, secret] of Object.entries(SECRETS))
    assert.ok(!text.includes(secret), `the ${name} secret leaked:\n${text}`);
  assert.ok(!text.includes(SECRETS.slackPath.slice(1)), 'a webhook path leaked');
}

let fullRun: Promise<AlertsRun> | undefined;
/** One sequential run with every alerter: ok_node succeeds (YAML on_success), bad_node fails (code onFailure). */
const everyAlerter = () => (fullRun ??= run(alertsProject(ALL_ALERTERS), { continueOnFailure: true }));

test('Slack receives { text, blocks } with node, pipeline, run id, duration and the error', async () => {
  const outcome = await everyAlerter();
  assert.ok(outcome.error instanceof NodeFailuresError);
  const messages = http.on(SECRETS.slackPath).map((request) => request.json as SlackMessage);
  assert.equal(messages.length, 3, 'ok_node success, bad_node failure, the pipeline alert');
  for (const message of messages) {
    assert.equal(typeof message.text, 'string');
    assert.equal(message.blocks[0]?.type, 'header');
    assert.ok(message.blocks.every((block) => ['header', 'section', 'context'].includes(block.type)));
  }
  const failure = messages.find((message) => message.text.includes('Node bad_node failed'));
  assert.ok(failure, messages.map((message) => message.text).join('\n'));
  const fields = failure.blocks.flatMap((block) =>
    block.type === 'section' ? (block.fields ?? []).map((field) => field.text) : [],
  );
  assert.ok(fields.includes('*Node*\n`bad_node`'), fields.join(' | '));
  assert.ok(fields.includes('*Pipeline*\n`__default__`'));
  assert.ok(fields.some((field) => field.startsWith('*Run*\n`') && field.length > '*Run*\n``'.length));
  assert.ok(fields.some((field) => /^\*Duration\*\n\d+ ms$/.test(field)));
  const errorBlock = failure.blocks.find(
    (block) => block.type === 'section' && block.text?.text.startsWith('*Error*'),
  );
  assert.ok(errorBlock?.type === 'section' && errorBlock.text?.text.includes('Error: bad node broke'));
  const pipeline = messages.find((message) => message.text.includes('Pipeline __default__ failed'));
  assert.ok(
    pipeline?.blocks.some(
      (block) => block.type === 'section' && block.text?.text.includes('• `bad_node`: Error: bad node broke'),
    ),
  );
});

test('the JSON webhook carries an HMAC-SHA256 signature of the exact body, and the configured headers', async () => {
  await everyAlerter();
  const requests = http.on(SECRETS.hookPath);
  assert.equal(requests.length, 3);
  for (const request of requests) {
    assert.ok(
      verifySignature(request.body, request.headers['x-sluice-signature'], SECRETS.signing),
      'signature verifies',
    );
    assert.ok(
      !verifySignature(request.body + ' ', request.headers['x-sluice-signature'], SECRETS.signing),
      'and covers the exact body',
    );
    assert.equal(request.headers.authorization, `Bearer ${SECRETS.token}`);
    assert.equal(request.headers['content-type'], 'application/json');
  }
  const payloads = requests.map((request) => request.json as WebhookPayload);
  assert.deepEqual(payloads.map((payload) => payload.event).sort(), [
    'node.failure',
    'node.success',
    'pipeline.failure',
  ]);
  const failure = payloads.find((payload) => payload.event === 'node.failure')!;
  assert.equal(failure.node, 'bad_node');
  assert.deepEqual(failure.error, { name: 'Error', message: 'bad node broke' });
  assert.deepEqual(failure.params, { fail_bad: true });
  assert.equal(failure.attempt, 1);
  const pipeline = payloads.find((payload) => payload.event === 'pipeline.failure')!;
  assert.deepEqual(pipeline.failedNodes, [
    { node: 'bad_node', error: { name: 'Error', message: 'bad node broke' } },
  ]);
  assert.equal(requests[0]?.headers['x-sluice-event'], payloads[0]?.event);
});

test('email goes over SMTP with the test user: subject and body name the node and the error', async () => {
  await everyAlerter();
  assert.equal(smtp.mails.length, 3);
  for (const mail of smtp.mails) {
    assert.equal(mail.user, SMTP_USER);
    assert.equal(mail.from, 'sluice@example.com');
    assert.deepEqual(mail.to, ['oncall@example.com']);
  }
  const failure = smtp.mails.find((mail) => mail.subject === '[sluice] Node bad_node failed (__default__)');
  assert.ok(failure, smtp.mails.map((mail) => mail.subject).join('\n'));
  assert.match(failure.text, /^Node bad_node failed\n\nNode: +bad_node\nPipeline: +__default__\nRun: +\S+\n/);
  assert.match(failure.text, /\nError: Error: bad node broke\n/);
  assert.ok(
    smtp.mails.some(
      (mail) => mail.subject === '[sluice] Pipeline __default__ failed: 1 node failed (__default__)',
    ),
  );
});

test('the run ends with a summary of alerts sent and failed; credentials show nowhere', async () => {
  const outcome = await everyAlerter();
  assert.ok(
    outcome.logs.includes(
      'sluice: alerts: 9 sent, 0 failed (team_slack: 3 sent; ops_hook: 3 sent; oncall: 3 sent)',
    ),
    outcome.logs.join('\n'),
  );
  assertNoSecrets(outcome);
});

const DELIVERY_TROUBLE = `
alerters:
  flaky_hook: { type: webhook, credentials: flaky, delivery: { retries: 2, delay_ms: 10 } }
  hang_hook: { type: webhook, credentials: hang, delivery: { retries: 1, delay_ms: 10, timeout_ms: 150 } }
  refused: { type: slack, credentials: forbidden }
`;

let troubleRun: Promise<AlertsRun> | undefined;
const deliveryTrouble = () => (troubleRun ??= run(alertsProject(DELIVERY_TROUBLE), {}, { fail_bad: false }));

test('a receiver that fails the first request gets the same body and signature again, and the alert counts as sent', async () => {
  const outcome = await deliveryTrouble();
  assert.equal(outcome.error, undefined, 'failed deliveries never fail the run by default');
  const attempts = http.on(SECRETS.flakyPath);
  assert.equal(attempts.length, 2);
  assert.equal(attempts[0]?.body, attempts[1]?.body);
  assert.equal(attempts[0]?.headers['x-sluice-signature'], attempts[1]?.headers['x-sluice-signature']);
  assert.ok(verifySignature(attempts[1]!.body, attempts[1]!.headers['x-sluice-signature'], SECRETS.signing));
});

test('a hanging receiver times out on every attempt; a refusal (HTTP 403) is not retried', async () => {
  const outcome = await deliveryTrouble();
  assert.equal(http.on(SECRETS.hangPath).length, 2);
  assert.equal(http.on(SECRETS.forbiddenPath).length, 1);
  const hang = outcome.logs.find((line) => line.includes('hang_hook'));
  assert.match(
    hang ?? '',
    /^sluice: the success alert of node "ok_node" could not be delivered to hang_hook \(webhook, http:\/\/127\.0\.0\.1:\d+\/\*\*\*\) after 2 attempts: POST http:\/\/127\.0\.0\.1:\d+\/\*\*\* failed: timed out after 150 ms$/,
  );
  const refused = outcome.logs.find((line) => line.includes('refused'));
  assert.match(
    refused ?? '',
    /after 1 attempt: POST http:\/\/127\.0\.0\.1:\d+\/\*\*\* answered HTTP 403: no$/,
  );
  assert.ok(
    outcome.logs.includes(
      'sluice: alerts: 1 sent, 2 failed (flaky_hook: 1 sent; hang_hook: 1 failed; refused: 1 failed)',
    ),
    outcome.logs.join('\n'),
  );
  assertNoSecrets(outcome);
});

test('fail_pipeline: true fails a run whose alerts could not all be delivered, naming them without secrets', async () => {
  const outcome = await run(
    alertsProject(`${DELIVERY_TROUBLE}fail_pipeline: true\n`),
    {},
    { fail_bad: false },
  );
  assert.ok(outcome.error instanceof AlertsFailedError, String(outcome.error));
  assert.match(outcome.error.message, /^2 alert\(s\) could not be delivered:\n/);
  assert.match(
    outcome.error.message,
    /\n {2}- hang_hook \(node ok_node\): POST http:\/\/127\.0\.0\.1:\d+\/\*\*\* failed: timed out after 150 ms(\n|$)/,
  );
  assert.match(
    outcome.error.message,
    /\n {2}- refused \(node ok_node\): POST http:\/\/127\.0\.0\.1:\d+\/\*\*\* answered HTTP 403: no(\n|$)/,
  );
  assertNoSecrets(outcome);
});

test('a refused SMTP login and an unreachable webhook are reported without the password or URL', async () => {
  const yml = `
alerters:
  wrong_login: { type: email, credentials: bad_smtp, from: a@example.com, to: b@example.com, delivery: { retries: 0 } }
  nowhere: { type: webhook, credentials: closed, delivery: { retries: 0 } }
`;
  const path = alertsProject(yml);
  const closedPort = await (async () => {
    const receiver = await startHttpReceiver('x');
    await receiver.close();
    return new URL(receiver.url).port;
  })();
  const extra = `bad_smtp: { host: 127.0.0.1, port: ${smtp.port}, user: ${SMTP_USER}, password: WRONG-${SECRETS.smtpPassword} }\nclosed: { url: "http://127.0.0.1:${closedPort}${SECRETS.hookPath}" }\n`;
  const { appendFileSync } = await import('node:fs');
  appendFileSync(join(path, 'conf/local/credentials.yml'), extra);
  const outcome = await run(path, { continueOnFailure: true }, { fail_bad: false });
  const login = outcome.logs.find((line) => line.includes('wrong_login'));
  assert.match(
    login ?? '',
    /could not be delivered to wrong_login \(email, smtp:\/\/127\.0\.0\.1:\d+\) after 1 attempt: sending to smtp:\/\/127\.0\.0\.1:\d+ failed: EAUTH: Invalid login: 535/,
  );
  const nowhere = outcome.logs.find((line) => line.includes('nowhere'));
  assert.match(nowhere ?? '', /POST http:\/\/127\.0\.0\.1:\d+\/\*\*\* failed: ECONNREFUSED$/);
  assertNoSecrets(outcome);
});

test('alertsPlugin({ tags }) attaches alerts to tagged nodes only; pipeline_alert: false sends none at the end', async () => {
  const before = http.on(SECRETS.slackPath).length;
  const yml = 'alerters:\n  team_slack: { type: slack, credentials: slack }\npipeline_alert: false\n';
  const outcome = await run(
    alertsProject(yml, { pluginOptions: "tags: ['critical'], on: ['success', 'failure']", hooksYml: '{}\n' }),
    { continueOnFailure: true },
  );
  assert.ok(outcome.error instanceof NodeFailuresError);
  const texts = http
    .on(SECRETS.slackPath)
    .slice(before)
    .map((request) => (request.json as SlackMessage).text);
  // ok_node (tagged) from the plugin; bad_node from its own onFailure step hook; nothing for after_ok, no pipeline alert.
  assert.deepEqual(texts.map((text) => text.replace(/ in pipeline.*$/, '')).sort(), [
    ':white_check_mark: Node ok_node succeeded',
    ':x: Node bad_node failed',
  ]);
});

test('YAML attach: { nodes: all } alerts on every node', async () => {
  const before = http.on(SECRETS.slackPath).length;
  const yml =
    'alerters:\n  team_slack: { type: slack, credentials: slack }\nattach: { nodes: all, on: [success] }\n';
  const outcome = await run(alertsProject(yml, { hooksYml: '{}\n' }), {}, { fail_bad: false });
  assert.equal(outcome.error, undefined);
  const nodes = http
    .on(SECRETS.slackPath)
    .slice(before)
    .map((request) => /Node (\S+) succeeded/.exec((request.json as SlackMessage).text)?.[1])
    .sort();
  assert.deepEqual(nodes, ['after_ok', 'bad_node', 'ok_node']);
});

test('on the parallel runner, worker deliveries and the main-process pipeline alert add up in one summary', async () => {
  const before = { slack: http.on(SECRETS.slackPath).length, mails: smtp.mails.length };
  const outcome = await run(alertsProject(ALL_ALERTERS), { runner: 'parallel', continueOnFailure: true });
  assert.ok(outcome.error instanceof NodeFailuresError);
  assert.equal(http.on(SECRETS.slackPath).length - before.slack, 3);
  assert.equal(smtp.mails.length - before.mails, 3);
  assert.ok(
    outcome.logs.includes(
      'sluice: alerts: 9 sent, 0 failed (team_slack: 3 sent; ops_hook: 3 sent; oncall: 3 sent)',
    ),
    outcome.logs.join('\n'),
  );
  assertNoSecrets(outcome);
});

test('alerts.yml mistakes point at their line; a secret in alerts.yml is refused; credential values never show', async () => {
  const cases: [string, RegExp][] = [
    [
      'alerters:\n  team_slack: { type: slack, url: "https://hooks.slack.com/x" }\n',
      /^conf\/base\/alerts\.yml:2:\d+: In the alerts configuration: "url" doesn't belong in alerts\.yml/,
    ],
    [
      'alerters:\n  team_slack: { type: slak, credentials: slack }\n',
      /^conf\/base\/alerts\.yml:2:\d+: .*not "slak"\. Did you mean "slack"\?/,
    ],
    [
      'alerters:\n  team_slack: { type: slack, credentials: slakc }\n',
      /^conf\/base\/alerts\.yml:2:\d+: .*names credentials "slakc", which the credentials configuration doesn't define\. Did you mean "slack"\?/,
    ],
    [
      'alerters:\n  team_slack: { type: slack, credentials: smtp }\n',
      /alerts\.yml:2:\d+: .*the credentials "smtp" of alerter "team_slack" are unusable: they have no "url"\./,
    ],
    [
      'alerters:\n  ops: { type: webhook, credentials: ops, delivery: { retires: 3 } }\n',
      /alerts\.yml:2:\d+: .*"retires" is not a delivery setting\. Did you mean "retries"\?/,
    ],
    [
      'alerter:\n  x: {}\n',
      /alerts\.yml:1:1: .*"alerter" is not an alerts setting\. Did you mean "alerters"\?/,
    ],
  ];
  for (const [yml, expected] of cases) {
    const outcome = await run(alertsProject(yml));
    assert.ok(outcome.error instanceof AlertConfigError, `${yml}: ${String(outcome.error)}`);
    assert.match(outcome.error.message, expected);
    assertNoSecrets(outcome);
  }
});

test('on the parallel runner without continueOnFailure, the pipeline alert still names the node that failed in a worker', async () => {
  const before = http.on(SECRETS.slackPath).length;
  const yml = 'alerters:\n  team_slack: { type: slack, credentials: slack, events: [pipeline] }\n';
  const outcome = await run(alertsProject(yml), { runner: 'parallel' });
  assert.equal(outcome.error?.message, 'bad node broke');
  const messages = http
    .on(SECRETS.slackPath)
    .slice(before)
    .map((request) => request.json as SlackMessage);
  assert.equal(messages.length, 1);
  assert.ok(
    messages[0]?.text.startsWith(':rotating_light: Pipeline __default__ failed: 1 node failed'),
    messages[0]?.text,
  );
  assert.ok(
    messages[0]?.blocks.some(
      (block) => block.type === 'section' && block.text?.text.includes('• `bad_node`: Error: bad node broke'),
    ),
  );
});
