import type { Redactor } from '../secrets/redactor.ts';
import type { Dataset, DatasetDescription, MaybePromise } from './dataset.ts';

/**
 * Wraps a dataset that was given credentials so that nothing it throws or describes shows them.
 * Sync results stay sync, so memory-speed datasets keep their fast path.
 */
export function guardDataset(dataset: Dataset, redactor: Redactor): Dataset {
  const guard = <T>(call: () => MaybePromise<T>): MaybePromise<T> => {
    let result: MaybePromise<T>;
    try {
      result = call();
    } catch (error) {
      throw redactor.redactError(error);
    }
    return result instanceof Promise
      ? result.catch((error: unknown) => Promise.reject(redactor.redactError(error)))
      : result;
  };
  const guarded: Dataset = {
    load: () => guard(() => dataset.load()),
    save: (data) => guard(() => dataset.save(data)),
    exists: () => guard(() => dataset.exists()),
    release: () => guard(() => dataset.release()),
    describe: (): DatasetDescription => redactor.redactValue(dataset.describe()),
    ...(dataset.ephemeral === undefined ? {} : { ephemeral: dataset.ephemeral }),
    ...(dataset.shareLoads === undefined ? {} : { shareLoads: dataset.shareLoads }),
  };
  return guarded;
}
