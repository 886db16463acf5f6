import type { NodeRecord } from './node-record.ts';
import type { Observation } from './observation.ts';

/** The reason given for a node whose last result still holds. */
export const UP_TO_DATE = 'up to date';

/**
 * Why the node must run, comparing its last record with what is observed now, or undefined when
 * code, parameters and inputs all match (outputs are checked next, by the plugin). The first
 * difference found is named, in the order a person would look: code, parameters, inputs.
 */
export function reasonToRun(record: NodeRecord | undefined, now: Observation): string | undefined {
  if (record === undefined) return 'no record';
  if (record.code !== now.code) return 'code changed';
  for (const key of union(record.params, now.params)) {
    if (record.params[key] !== now.params[key]) return `param ${key} changed`;
  }
  for (const name of union(record.inputs, now.inputs)) {
    const fingerprint = now.inputs[name];
    if (fingerprint === null || fingerprint === undefined)
      return `input ${name} changed (it has no fingerprint)`;
    if (record.inputs[name] !== fingerprint) return `input ${name} changed`;
  }
  return undefined;
}

function union(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): string[] {
  return [...new Set([...Object.keys(b), ...Object.keys(a)])];
}
