/**
 * The alerters of one run in one process, built from alerts.yml and credentials the first time
 * something needs them (the alerts plugin at the start of the run, or an alert step hook), and
 * shared by everything that sends alerts in that process.
 */
import type { ConfigLoader, ProjectContext, Redactor } from '../../plugin-api/index.ts';
import type { Alert } from './alert.ts';
import type { Alerter } from './alerter.ts';
import type { AlertsConfig } from './alerts-config.ts';
import { loadAlertsConfig } from './alerts-config.ts';
import { deliver } from './delivery.ts';
import { ALERTS_TOPIC, AlertLedger } from './ledger.ts';
import type { LedgerEntry } from './ledger.ts';
import { redactorFor } from './redaction.ts';

/** Deliveries of a run, per alerter and in total. */
export interface AlertSummary {
  readonly sent: number;
  readonly failed: number;
  readonly byAlerter: Readonly<Record<string, { readonly sent: number; readonly failed: number }>>;
  /** Failed deliveries, with their redacted reasons. */
  readonly failures: readonly {
    readonly alerter: string;
    readonly kind: string;
    readonly node: string | null;
    readonly error: string;
  }[];
}

export class AlertService {
  readonly config: AlertsConfig;
  readonly ledger: AlertLedger;
  readonly #projectSecrets: () => Redactor;
  readonly #alerterSecrets: readonly string[];
  #redactor: { project: Redactor; combined: Redactor } | undefined;
  readonly #log: (line: string) => void;
  readonly #clock: DeliveryClock;
  readonly #signal: AbortSignal | undefined;

  /**
   * `projectSecrets` is the project's redactor (`context.redactor`), read when a message goes out
   * rather than now: at `afterContextCreated` the credentials may not be loaded yet.
   */
  constructor(
    config: AlertsConfig,
    post: (entry: LedgerEntry) => void,
    log: (line: string) => void,
    projectSecrets: () => Redactor,
    signal?: AbortSignal,
  ) {
    this.config = config;
    this.#clock = new DeliveryClock(config.timeBudgetMs);
    this.#signal = signal;
    this.ledger = new AlertLedger(post);
    this.#projectSecrets = projectSecrets;
    this.#alerterSecrets = config.alerters.flatMap((alerter) => alerter.secrets);
    this.#log = log;
  }

  /** The project's secrets and the alerters' own. */
  get #secrets(): Redactor {
    const project = this.#projectSecrets();
    if (this.#redactor?.project !== project)
      this.#redactor = { project, combined: redactorFor(project, this.#alerterSecrets) };
    return this.#redactor.combined;
  }

  /** Whether any alerter is configured. */
  get active(): boolean {
    return this.config.alerters.length > 0;
  }

  /** Masks the project's credentials and every alerter secret in `text`. */
  redact(text: string): string {
    return this.#secrets.redact(text);
  }

  /** Sends `alert` to every alerter that takes its kind, at once; failures are logged and recorded, never thrown. */
  async send(alert: Alert): Promise<{ sent: number; failed: number }> {
    const safe = this.#secrets.redactValue(alert);
    const targets = this.config.alerters.filter((alerter) => alerter.events.has(alert.kind));
    if (targets.length === 0) return { sent: 0, failed: 0 };
    const finish = this.#clock.begin();
    let outcomes: boolean[];
    try {
      outcomes = await Promise.all(targets.map((alerter) => this.#sendOne(alerter, safe, finish.deadline)));
    } finally {
      finish();
    }
    const sent = outcomes.filter(Boolean).length;
    return { sent, failed: outcomes.length - sent };
  }

  async #sendOne(alerter: Alerter, alert: Alert, deadline: number): Promise<boolean> {
    let outcome;
    try {
      outcome = await deliver(alerter.prepare(alert), alerter.delivery, {
        signal: this.#signal,
        deadline,
        budgetMs: this.config.timeBudgetMs,
      });
    } catch (error) {
      outcome = { ok: false, attempts: 1, error: error as Error };
    }
    const reason = outcome.error === undefined ? null : this.redact(outcome.error.message);
    this.ledger.append({
      type: 'delivery',
      alerter: alerter.name,
      kind: alert.kind,
      node: alert.node ?? null,
      ok: outcome.ok,
      attempts: outcome.attempts,
      error: reason,
    });
    if (!outcome.ok) {
      const subject =
        alert.node === undefined
          ? `the ${alert.kind} alert of run ${alert.runId}`
          : `the ${alert.kind} alert of node "${alert.node}"`;
      const tries = `${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'}`;
      this.#log(
        this.redact(
          `sluice: ${subject} could not be delivered to ${alerter.name} (${alerter.type}, ${alerter.target}) after ${tries}: ${reason}`,
        ),
      );
    }
    return outcome.ok;
  }

  /** Records a node failure for the pipeline alert, from whichever process ran the node. */
  recordNodeFailure(node: string, error: Error): void {
    this.ledger.append({
      type: 'node-failed',
      node,
      error: { name: error.name, message: this.redact(error.message) },
    });
  }

  /** Every delivery of the run so far, from every process. */
  summary(): AlertSummary {
    const byAlerter: Record<string, { sent: number; failed: number }> = {};
    for (const alerter of this.config.alerters) byAlerter[alerter.name] = { sent: 0, failed: 0 };
    const failures: { alerter: string; kind: string; node: string | null; error: string }[] = [];
    let sent = 0;
    let failed = 0;
    for (const entry of this.ledger.read()) {
      if (entry.type !== 'delivery') continue;
      const counts = (byAlerter[entry.alerter] ??= { sent: 0, failed: 0 });
      if (entry.ok) {
        counts.sent++;
        sent++;
      } else {
        counts.failed++;
        failed++;
        failures.push({
          alerter: entry.alerter,
          kind: entry.kind,
          node: entry.node,
          error: entry.error ?? 'unknown',
        });
      }
    }
    return { sent, failed, byAlerter, failures };
  }

  /** Node failures recorded in the run, each node once. */
  failedNodes(): { node: string; error: Error }[] {
    const seen = new Map<string, Error>();
    for (const entry of this.ledger.read()) {
      if (entry.type !== 'node-failed' || seen.has(entry.node)) continue;
      const error = new Error(entry.error.message);
      error.name = entry.error.name;
      seen.set(entry.node, error);
    }
    return [...seen].map(([node, error]) => ({ node, error }));
  }
}

/** `sluice: alerts: 3 sent, 1 failed (team_slack: 2 sent; ops: 1 sent, 1 failed)`. */
export function formatSummary(summary: AlertSummary): string {
  const parts = Object.entries(summary.byAlerter)
    .filter(([, counts]) => counts.sent + counts.failed > 0)
    .map(
      ([name, counts]) =>
        `${name}: ${[counts.sent > 0 ? `${counts.sent} sent` : '', counts.failed > 0 ? `${counts.failed} failed` : ''].filter(Boolean).join(', ')}`,
    );
  return `sluice: alerts: ${summary.sent} sent, ${summary.failed} failed${parts.length === 0 ? '' : ` (${parts.join('; ')})`}`;
}

const services = new WeakMap<ConfigLoader, AlertService>();

/** The run's alert service in this process, built on first use from the project's configuration. */
export function alertServiceFor(
  project: ProjectContext,
  log: (line: string) => void = writeStderr,
): AlertService {
  let service = services.get(project.config);
  if (service === undefined) {
    service = new AlertService(
      loadAlertsConfig(project.config),
      (entry) => project.post(ALERTS_TOPIC, entry),
      log,
      () => project.redactor,
      project.signal,
    );
    services.set(project.config, service);
  }
  return service;
}

/**
 * The time deliveries have held the run: the union of the intervals when at least one was in
 * flight, so alerts sent at once count once. A delivery starting now may last what is left.
 */
class DeliveryClock {
  readonly #budgetMs: number;
  #spentMs = 0;
  #inFlight = 0;
  #openedAt = 0;

  constructor(budgetMs: number) {
    this.#budgetMs = budgetMs;
  }

  /** Marks a delivery's start; call the result when it ends. */
  begin(): (() => void) & { readonly deadline: number } {
    const now = performance.now();
    if (this.#inFlight++ === 0) this.#openedAt = now;
    const open = this.#inFlight > 1 ? now - this.#openedAt : 0;
    const deadline = now + Math.max(0, this.#budgetMs - this.#spentMs - open);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      if (--this.#inFlight === 0) this.#spentMs += performance.now() - this.#openedAt;
    };
    return Object.assign(end, { deadline });
  }
}

function writeStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}
