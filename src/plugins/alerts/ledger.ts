/**
 * The run's record of alert deliveries and node failures, shared by every process of the run.
 * Step hooks send alerts where the node runs (a worker thread on the parallel runner), while the
 * summary, the pipeline alert and fail_pipeline are decided in the main process at the end of the
 * run: an append-only JSON-lines file is what both sides can reach. Lines are small single writes
 * in append mode, so concurrent writers don't interleave. Entries never hold secrets.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AlertKind } from './alert.ts';

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
  readonly file: string;

  constructor(runId: string) {
    this.file = join(tmpdir(), 'sluice-alerts', `${runId.replace(/[^\w.-]/g, '_')}.jsonl`);
  }

  /** Never throws: a ledger that can't be written costs the summary its counts, not the run its node. */
  append(entry: LedgerEntry): boolean {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
      return true;
    } catch {
      return false;
    }
  }

  read(): LedgerEntry[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as LedgerEntry];
        } catch {
          return []; // a line cut short by a process that died mid-write
        }
      });
  }

  /** Once the main process has read it at the end of the run. */
  remove(): void {
    rmSync(this.file, { force: true });
  }
}
