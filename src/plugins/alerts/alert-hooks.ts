/**
 * The ready-made step hooks (ZenML's alerter hooks): attach them to nodes in code or YAML, and
 * they send through the alerters configured in conf/<env>/alerts.yml.
 *
 * ```ts
 * node(train, ['features', 'params:model'], 'model', { onFailure: alertOnFailure, onSuccess: alertOnSuccess });
 * ```
 * ```yaml
 * # conf/base/hooks.yml
 * tags:
 *   critical: { on_failure: sluice#alertOnFailure }
 * ```
 */
import type { StepHookContext } from '../../plugin-api/index.ts';
import { SluiceError } from '../../plugin-api/index.ts';
import { nodeAlert } from './alert.ts';
import { alertServiceFor } from './service.ts';

/** Alerts that a node failed (as `onFailure`) or will be retried (as `onRetry`), with the error. */
export async function alertOnFailure(context: StepHookContext): Promise<void> {
  await sendNodeAlert(context);
}

/** Alerts that a node succeeded (as `onSuccess`), with its duration. */
export async function alertOnSuccess(context: StepHookContext): Promise<void> {
  await sendNodeAlert(context);
}

/** Sends the alert for this outcome; a failed delivery is logged and counted, not thrown. */
async function sendNodeAlert(context: StepHookContext): Promise<void> {
  if (context.project === undefined) {
    throw new SluiceError(`No project configuration to read alerters from for node "${context.node.name}".`, {
      hint: 'Alert hooks need a run through a Session (sluice run), which reads conf/<env>/alerts.yml.',
    });
  }
  const service = alertServiceFor(context.project);
  if (!service.active) {
    throw new SluiceError(`Node "${context.node.name}" has an alert hook, but no alerters are configured.`, {
      hint: 'Declare alerters in conf/base/alerts.yml (see docs/step-hooks.md), or remove the hook.',
    });
  }
  await service.send(nodeAlert(context));
}
