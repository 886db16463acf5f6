/**
 * An email alerter in a project without nodemailer: the delivery fails at once with the
 * `MissingPackageError`'s message and install hint, not after retries that would miss it again.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MissingPackageError } from '../../src/index.ts';
import { deliver } from '../../src/plugins/alerts/delivery.ts';

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
  assert.match(outcome.error!.hint ?? '', /^Run `npm install nodemailer@\^[\d.]+` in the project folder\.$/);
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
