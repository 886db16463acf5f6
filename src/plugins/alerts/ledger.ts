/**
 * The run's record of alert deliveries and node failures. Step hooks send alerts where the node
 * runs (a worker thread on the parallel runner), while the summary, the pipeline alert and
 * fail_pipeline are decided in the main process at the end of the run. So every process posts
 * its entries with `context.post` (the public run-message channel), and the main process's alerts
 * plugin collects them from `onRunMessage`. Entries never hold secrets.
 */
import type { AlertKind } from './alert.ts';

/** The run-message topic alert entries travel under. */
export const ALERTS_TOPIC = 'sluice:alerts';

export type LedgerEntry =
  | {
      readonly type: 'delivery';
      readonly alerter: string;
      readonly kind: AlertKind;
      readonly node: string | null;
      readonly ok: boolean;
      readonly attempts: number;
      /** The redacted reason of a failed delivery. */
      readonly error: string | null;
    }
  | {
      readonly type: 'node-failed';
      readonly node: string;
      readonly error: { readonly name: string; readonly message: string };
    };

export class AlertLedger {
  readonly #post: (entry: LedgerEntry) => void;
  readonly #entries: LedgerEntry[] = [];

  /** `post` sends an entry towards the main process (`context.post(ALERTS_TOPIC, entry)`). */
  constructor(post: (entry: LedgerEntry) => void) {
    this.#post = post;
  }

  /** Never throws: a lost entry costs the summary a count, not the run its node. */
  append(entry: LedgerEntry): void {
    try {
      this.#post(entry);
    } catch {
      // the summary will miss this entry
    }
  }

  /** Called in the main process for every posted entry, from whichever process posted it. */
  receive(entry: LedgerEntry): void {
    this.#entries.push(entry);
  }

  /** Every entry received so far (in the main process: the whole run's). */
  read(): readonly LedgerEntry[] {
    return this.#entries;
  }
}
