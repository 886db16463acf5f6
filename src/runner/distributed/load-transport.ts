import { importOptional } from '../../optional-package.ts';

/** What the distributed runner and `sluice worker` import: optional peer dependencies of Sluice. */
export const DISTRIBUTED_PACKAGES = ['bullmq', 'ioredis'];

/**
 * The BullMQ transport, imported when a run is distributed or a worker starts: BullMQ and ioredis
 * are optional, and a missing one is a `MissingPackageError` naming `feature` and the install command.
 */
export function loadBullmqTransport(feature: string) {
  return importOptional(() => import('./bullmq-transport.ts'), DISTRIBUTED_PACKAGES, feature);
}
