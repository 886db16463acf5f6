import type { CatalogEntry } from './catalog-config.ts';

/**
 * The settings that hold a configured dataset's location, in the order they are looked for:
 * `filepath` (file datasets), `path` (partitioned folders), `url` (API datasets).
 */
export const LOCATION_KEYS = ['filepath', 'path', 'url'] as const;

/** One configured dataset's location, as a {@link LocationRewriter} sees it. */
export interface LocationTarget {
  readonly name: string;
  /** The dataset type as written in the catalog (`csv`, `partitioned`, `./src/io.ts#Geo`). */
  readonly type: string;
  /** The setting that holds the location: `filepath`, `path` or `url`. */
  readonly key: string;
  /** The location as configured, or as the rewriters before this one left it. */
  readonly location: string;
  /** True for `versioned: true` datasets (their location is the folder of versions). */
  readonly versioned: boolean;
}

/** What a {@link LocationRewriter} returns for a dataset it moves. */
export interface LocationRewrite {
  /** Where the dataset saves, and loads from whenever data is there. */
  readonly location: string;
  /**
   * Where the dataset loads from while `location` holds no data (branch data reads the shared copy
   * until the branch has its own). Saves never go there.
   */
  readonly fallback?: string | undefined;
  /** A short phrase for people: which rule moved it (shown by `sluice catalog list`). */
  readonly reason?: string | undefined;
}

/** Decides where one dataset lives; undefined leaves it where it is. Must be synchronous and pure. */
export type LocationRewriter = (target: LocationTarget) => LocationRewrite | undefined;

/** One rewrite applied to a dataset's location. */
export interface AppliedRewrite {
  /** The name the rewriter was registered under (usually its plugin's). */
  readonly by: string;
  readonly reason: string | undefined;
  readonly from: string;
  readonly to: string;
}

/** Where a configured dataset lives once every rewriter has had its say. */
export interface DatasetLocation {
  /** The setting holding the location (`filepath`, `path`, `url`). */
  readonly key: string;
  /** As written in the catalog (pattern placeholders filled in). */
  readonly configured: string;
  /** Where it saves, and loads from when data is there. Equal to `configured` when nothing moved it. */
  readonly location: string;
  /** Where it loads from while `location` has no data; undefined when there is no fallback. */
  readonly fallback: string | undefined;
  /** Each rewrite that changed something, in the order applied. */
  readonly rewrites: readonly AppliedRewrite[];
}

/** A registered rewriter and the name it reports changes under. */
export interface NamedRewriter {
  readonly by: string;
  readonly rewrite: LocationRewriter;
}

/** The location setting of `entry`, or undefined for datasets without one (memory, SQL tables). */
export function locationKeyOf(entry: CatalogEntry): string | undefined {
  return LOCATION_KEYS.find((key) => typeof entry.options[key] === 'string');
}

/** Runs `rewriters` in order over `entry`'s location; undefined when it has no location setting. */
export function resolveLocation(
  entry: CatalogEntry,
  rewriters: readonly NamedRewriter[],
): DatasetLocation | undefined {
  const key = locationKeyOf(entry);
  if (key === undefined) return undefined;
  const configured = entry.options[key] as string;
  let location = configured;
  let fallback: string | undefined;
  const rewrites: AppliedRewrite[] = [];
  for (const { by, rewrite } of rewriters) {
    const target = {
      name: entry.name,
      type: entry.type,
      key,
      location,
      versioned: entry.options.versioned === true,
    };
    const result = rewrite(target);
    if (result === undefined) continue;
    if (result.location !== location)
      rewrites.push({ by, reason: result.reason, from: location, to: result.location });
    location = result.location;
    if (result.fallback !== undefined) fallback = result.fallback;
  }
  if (fallback === location) fallback = undefined;
  return { key, configured, location, fallback, rewrites };
}

/** `entry` with its location setting set to `location`. */
export function relocatedEntry(entry: CatalogEntry, key: string, location: string): CatalogEntry {
  return { ...entry, options: { ...entry.options, [key]: location } };
}
