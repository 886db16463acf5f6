/**
 * An email alerter in a project without nodemailer: the delivery fails at once with the
 * `MissingPackageError`'s message and install hint, not after retries that would miss it again,
 * and the error names the alerter and its line in alerts.yml (as the alerts.yml errors do), not the
 * SMTP server. nodemailer is hidden (`hidePackage`): Node's own resolver fails the import for real.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { ConfigLoader } from '../../src/config/config-loader.ts';
import { MissingPackageError } from '../../src/index.ts';
import { loadAlertsConfig } from '../../src/plugins/alerts/alerts-config.ts';
import { deliver } from '../../src/plugins/alerts/delivery.ts';
import { hidePackage } from '../support/hide-package.ts';

const project = mkdtempSync(join(tmpdir(), 'sluice-alerts-absent-'));

before(() => hidePackage('nodemailer'));

test('the email alerter without nodemailer: one attempt, the error names the alerter and its alerts.yml line', async () => {
  mkdirSync(join(project, 'conf', 'base'), { recursive: true });
  mkdirSync(join(project, 'conf', 'local'), { recursive: true });
  writeFileSync(
    join(project, 'conf', 'base', 'alerts.yml'),
    'alerters:\n  oncall:\n    { type: email, host: mail.internal, port: 25, from: a@example.com, to: b@example.com, delivery: { retries: 2, delay_ms: 1 } }\n',
  );
  const [alerter] = loadAlertsConfig(new ConfigLoader({ projectPath: project })).alerters;
  assert.ok(alerter);
  const send = alerter.prepare({
    kind: 'failure',
    title: 'Node x failed',
    pipelineName: '__default__',
    runId: 'r1',
  });
  let attempts = 0;
  const outcome = await deliver(
    (signal) => {
      attempts += 1;
      return send(signal);
    },
    { ...alerter.delivery, timeoutMs: 60_000 },
  );
  assert.equal(attempts, 1);
  assert.deepEqual([outcome.ok, outcome.attempts], [false, 1]);
  assert.match(
    outcome.error!.message,
    /^The email alerter "oncall" \(email, conf\/base\/alerts\.yml:2:3\) needs the package nodemailer, /,
  );
  assert.doesNotMatch(outcome.error!.message, /smtp:\/\//);
  assert.match(
    outcome.error!.hint ?? '',
    /^Run `npm install "nodemailer@\^[\d.]+"` in the project folder\.$/,
  );
  assert.equal(outcome.error!.retryable, false);
});

test('a missing package is not retried: one attempt, its message and hint kept', async () => {
  let attempts = 0;
  const outcome = await deliver(
    async () => {
      attempts += 1;
      throw new MissingPackageError(['nodemailer'], 'The email alerter "smtp://mail.internal:25"');
    },
    { retries: 2, delayMs: 1, backoff: 'fixed', timeoutMs: 1000 },
  );
  assert.equal(attempts, 1);
  assert.deepEqual([outcome.ok, outcome.attempts], [false, 1]);
  assert.match(
    outcome.error!.message,
    /^The email alerter "smtp:\/\/mail\.internal:25" needs the package nodemailer, /,
  );
  assert.match(
    outcome.error!.hint ?? '',
    /^Run `npm install "nodemailer@\^[\d.]+"` in the project folder\.$/,
  );
  assert.equal(outcome.error!.retryable, false);
});

test('other failures are still retried', async () => {
  let attempts = 0;
  const outcome = await deliver(
    async () => {
      attempts += 1;
      throw new Error('connection refused');
    },
    { retries: 2, delayMs: 1, backoff: 'fixed', timeoutMs: 1000 },
  );
  assert.deepEqual([attempts, outcome.ok, outcome.attempts], [3, false, 3]);
});
