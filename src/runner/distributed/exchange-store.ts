import { deserialize, serialize } from 'node:v8';
import { ExchangeValueNotSerializableError, ExchangeValueTooLargeError } from './errors.ts';

/** The largest serialised value the exchange takes by default: 64 MiB. */
export const DEFAULT_EXCHANGE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Where memory datasets live while a distributed run crosses machines (the seed's IO manager): the
 * worker that ran a node puts each in-memory output, the workers of later nodes get it. Keys carry
 * the run id, so runs on the same store stay apart, and `clear` (or expiry) removes a run's values.
 */
export interface ExchangeStore {
  /**
   * Stores a value written by `nodeName`. Throws the errors of `encodeExchangeValue`; a job's view
   * (`JobReply.exchange`) checks the value at once and writes it with the job's next batch.
   */
  put(runId: string, datasetName: string, nodeName: string, value: unknown): void | Promise<void>;
  /** The stored value, or `undefined` with `found: false` when the run has none. */
  get(runId: string, datasetName: string): Promise<{ found: boolean; value?: unknown }>;
  has(runId: string, datasetName: string): Promise<boolean>;
  /** Removes every value of the run. */
  clear(runId: string): Promise<void>;
}

/**
 * Serialises a memory dataset's value with V8's structured serialisation, which keeps Dates, Maps,
 * Sets, typed arrays, BigInts, `undefined` and nested objects (class instances arrive as plain
 * objects). Functions, symbols and native handles can't cross, nor values over `limitBytes`: both
 * are errors naming the dataset and the node, with the fix.
 */
export function encodeExchangeValue(
  datasetName: string,
  nodeName: string,
  value: unknown,
  limitBytes: number,
): Buffer {
  let bytes: Buffer;
  try {
    bytes = serialize(value);
  } catch (error) {
    throw new ExchangeValueNotSerializableError(datasetName, nodeName, error);
  }
  if (bytes.byteLength > limitBytes)
    throw new ExchangeValueTooLargeError(datasetName, nodeName, bytes.byteLength, limitBytes);
  return bytes;
}

export function decodeExchangeValue(bytes: Buffer): unknown {
  return deserialize(bytes);
}
