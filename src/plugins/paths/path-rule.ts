import type { ConfigLocation, LocationRewrite, LocationTarget } from '../../plugin-api/index.ts';
import { formatLocation } from '../../plugin-api/index.ts';

/** How a rule changes a location: a leading prefix, or the bucket of a `scheme://bucket` URL. */
export interface PathReplacement {
  readonly kind: 'prefix' | 'bucket';
  readonly from: string;
  readonly to: string;
}

/** One rule of paths.yml: which datasets it applies to, and what it replaces. */
export interface PathRule {
  readonly name: string;
  readonly replacement: PathReplacement;
  /** Dataset names the rule applies to (a regular expression); all when undefined. */
  readonly datasets: RegExp | undefined;
  /** Dataset types (as written in the catalog) the rule applies to; all when undefined. */
  readonly types: ReadonlySet<string> | undefined;
  readonly location: ConfigLocation | undefined;
}

/** The location `rule` gives `target`, or undefined when the rule doesn't apply to it. */
export function applyRule(rule: PathRule, target: LocationTarget): LocationRewrite | undefined {
  if (rule.datasets !== undefined && !rule.datasets.test(target.name)) return undefined;
  if (rule.types !== undefined && !rule.types.has(target.type)) return undefined;
  const replaced = replace(rule.replacement, target.location);
  if (replaced === undefined) return undefined;
  return { location: replaced, reason: describeRule(rule) };
}

/** `rule "shared" (conf/base/paths.yml:3)`: how listings and warnings name a rule. */
export function describeRule(rule: PathRule): string {
  const where = formatLocation(rule.location);
  return `rule "${rule.name}"${where === '' ? '' : ` (${where})`}`;
}

function replace({ kind, from, to }: PathReplacement, location: string): string | undefined {
  if (!location.startsWith(from)) return undefined;
  const rest = location.slice(from.length);
  // A bucket is a whole URL authority: s3://dev-bucket must not match s3://dev-bucket-old/x.
  if (kind === 'bucket' && rest !== '' && !rest.startsWith('/')) return undefined;
  return to + rest;
}
