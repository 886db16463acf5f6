import type { Dataset, DatasetDescription } from '../../io/dataset.ts';
import { DatasetError } from '../../io/dataset.ts';
import type { ExchangeStore } from './exchange-store.ts';

/**
 * A memory dataset as a distributed worker sees it while running one node: loads and saves go
 * through the run's exchange store, inside `runNode`, so dataset hooks fire around them and a
 * value that can't cross (too big, not serialisable) fails the node there, reaching onNodeError.
 */
export class ExchangeDataset implements Dataset {
  readonly ephemeral = true;
  readonly #store: ExchangeStore;
  readonly #runId: string;
  readonly #name: string;
  readonly #nodeName: string;

  constructor(store: ExchangeStore, runId: string, datasetName: string, nodeName: string) {
    this.#store = store;
    this.#runId = runId;
    this.#name = datasetName;
    this.#nodeName = nodeName;
  }

  async load(): Promise<unknown> {
    const { found, value } = await this.#store.get(this.#runId, this.#name);
    // The same error a memory dataset with no data gives on the other runners.
    if (!found)
      throw new DatasetError(
        `Dataset "${this.#name}" has no data: nothing saved it in this run (node "${this.#nodeName}" loads it from the exchange).`,
        {
          datasetName: this.#name,
          hint: 'Declare it in the catalog so it is read from storage, or run the node that produces it. A run whose keys expired (runner.distributed.runTtlMs) must be run again.',
        },
      );
    return value;
  }

  save(data: unknown): void | Promise<void> {
    return this.#store.put(this.#runId, this.#name, this.#nodeName, data);
  }

  exists(): Promise<boolean> {
    return this.#store.has(this.#runId, this.#name);
  }

  /** The run's keys are removed with the run; other nodes may still need the value. */
  release(): void {}

  describe(): DatasetDescription {
    // The same description as on other runners: relayed events and step hooks see a memory dataset.
    return { type: 'memory' };
  }
}
