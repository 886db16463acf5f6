import type { Dataset, DatasetDescription } from './dataset.ts';

/**
 * A dataset whose location was rewritten with a fallback: it saves to `primary` always, and loads
 * from `primary` when that has data, else from `fallback`. The choice is made at each load, so a
 * node that saved to the primary location during the run is read back from there.
 */
export class FallbackDataset implements Dataset {
  readonly #primary: Dataset;
  readonly #fallback: Dataset;
  readonly #fallbackLocation: string;
  readonly shareLoads: boolean;

  constructor(primary: Dataset, fallback: Dataset, fallbackLocation: string) {
    this.#primary = primary;
    this.#fallback = fallback;
    this.#fallbackLocation = fallbackLocation;
    this.shareLoads = primary.shareLoads !== false && fallback.shareLoads !== false;
  }

  async load(): Promise<unknown> {
    return (await this.#primary.exists()) ? this.#primary.load() : this.#fallback.load();
  }

  save(data: unknown): ReturnType<Dataset['save']> {
    return this.#primary.save(data);
  }

  async exists(): Promise<boolean> {
    return (await this.#primary.exists()) || (await this.#fallback.exists());
  }

  /** True when the primary location has data, so loads read from there. */
  async primaryExists(): Promise<boolean> {
    return this.#primary.exists();
  }

  async release(): Promise<void> {
    await this.#primary.release();
    await this.#fallback.release();
  }

  describe(): DatasetDescription {
    return { ...this.#primary.describe(), fallback: this.#fallbackLocation };
  }
}
