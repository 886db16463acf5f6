import type { Observation } from './observation.ts';

/**
 * What the incremental plugin keeps about a node's last successful run, written only after all
 * its outputs were saved: what it ran on (the observation), each persisted output's fingerprint
 * as saved (null when the dataset has none: then only its existence is checked), and for each
 * in-memory output the hash of the stored value that serves it (null when the value can't be
 * stored, so the node always runs). The run id is deliberately absent: nothing here depends on
 * which run wrote it.
 */
export interface NodeRecord extends Observation {
  readonly format: 1;
  readonly node: string;
  readonly outputs: Readonly<Record<string, string | null>>;
  readonly memoryOutputs: Readonly<Record<string, string | null>>;
}
