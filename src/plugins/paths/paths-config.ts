/**
 * `conf/<env>/paths.yml`: rules that move dataset locations after the catalog is created. Rules
 * are a mapping by name, so an environment overrides a base rule by its name (or turns it off
 * with `enabled: false`) and adds its own after the base ones; the first rule that applies wins.
 *
 * ```yaml
 * rules:
 *   shared_data: { prefix: data/, to: /mnt/shared/data/ }
 *   prod_bucket: { bucket: s3://dev-bucket, to: s3://prod-bucket, types: [parquet] }
 *   reports: { prefix: data/08_reporting/, to: /srv/reports/, datasets: "^report_" }
 * ```
 */
import type { ConfigLoader } from '../../plugin-api/index.ts';
import { didYouMean } from '../../plugin-api/index.ts';
import { PathRulesError } from './errors.ts';
import type { PathReplacement, PathRule } from './path-rule.ts';

export const PATHS_CONFIG_KEY = 'paths';

const RULE_KEYS = ['prefix', 'bucket', 'to', 'datasets', 'types', 'enabled'];

/** The rules of paths.yml in match order; none when the file is absent or empty. */
export function loadPathRules(config: ConfigLoader): PathRule[] {
  if (!config.keys().includes(PATHS_CONFIG_KEY)) return [];
  const raw = config.get(PATHS_CONFIG_KEY);
  const fail = (path: readonly string[], message: string, hint?: string) =>
    new PathRulesError(message, {
      ...locationOf(config, path),
      hint: hint ?? 'See docs/catalog.md, "Path rules".',
    });
  for (const key of Object.keys(raw))
    if (key !== 'rules')
      throw fail([key], `unknown setting "${key}" in paths.yml.${didYouMean(key, ['rules'])}`);
  const rules = raw.rules ?? {};
  if (!isMapping(rules))
    throw fail(['rules'], '"rules" must map rule names to rules ({ prefix: data/, to: /mnt/data/ }).');
  const read: PathRule[] = [];
  for (const [name, settings] of Object.entries(rules)) {
    const path = ['rules', name];
    if (!isMapping(settings))
      throw fail(path, `path rule "${name}" must be a mapping with prefix or bucket, and to.`);
    for (const key of Object.keys(settings))
      if (!RULE_KEYS.includes(key))
        throw fail(
          [...path, key],
          `unknown setting "${key}" in path rule "${name}".${didYouMean(key, RULE_KEYS)}`,
        );
    if (settings.enabled === false) continue;
    read.push({
      name,
      replacement: replacementOf(name, settings, path, fail),
      datasets: patternOf(name, settings.datasets, [...path, 'datasets'], fail),
      types: typesOf(name, settings.types, [...path, 'types'], fail),
      location: config.locate(PATHS_CONFIG_KEY, path),
    });
  }
  return read;
}

type Fail = (path: readonly string[], message: string, hint?: string) => PathRulesError;

function replacementOf(
  name: string,
  settings: Record<string, unknown>,
  path: string[],
  fail: Fail,
): PathReplacement {
  const { prefix, bucket, to } = settings;
  if ((prefix === undefined) === (bucket === undefined))
    throw fail(path, `path rule "${name}" needs exactly one of "prefix" and "bucket".`);
  const kind = prefix !== undefined ? 'prefix' : 'bucket';
  const from = prefix ?? bucket;
  if (typeof from !== 'string' || from === '')
    throw fail([...path, kind], `"${kind}" of path rule "${name}" must be a non-empty string.`);
  if (kind === 'bucket' && !/^[a-z][a-z0-9+.-]*:\/\/[^/]+$/i.test(from))
    throw fail(
      [...path, kind],
      `"bucket" of path rule "${name}" must be scheme://bucket with no path, not "${from}".`,
      'Write bucket: s3://dev-bucket; use "prefix" to replace a longer path.',
    );
  if (typeof to !== 'string')
    throw fail([...path, 'to'], `path rule "${name}" needs "to": the string that replaces its ${kind}.`);
  return { kind, from, to };
}

function patternOf(name: string, value: unknown, path: string[], fail: Fail): RegExp | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw fail(path, `"datasets" of path rule "${name}" must be a regular expression.`);
  try {
    return new RegExp(value);
  } catch (error) {
    throw fail(
      path,
      `"datasets" of path rule "${name}" is not a valid regular expression: ${(error as Error).message}`,
    );
  }
}

function typesOf(name: string, value: unknown, path: string[], fail: Fail): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((type) => typeof type !== 'string'))
    throw fail(path, `"types" of path rule "${name}" must be a dataset type or a list of them.`);
  return new Set(list as string[]);
}

function locationOf(config: ConfigLoader, path: readonly string[]) {
  const location = config.locate(PATHS_CONFIG_KEY, path);
  return location === undefined ? {} : { location };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
