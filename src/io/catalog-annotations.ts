/**
 * Keys of a catalog entry that describe the data for plugins rather than configure the dataset:
 * `schema` and `expectations` (what the data must look like) and `validation` (how strictly to
 * check it). The catalog keeps them away from the dataset type, whose options reader would reject
 * them, and hands them to plugins through `DataCatalog.annotations(name)`.
 */
export const ANNOTATION_KEYS = ['schema', 'expectations', 'validation'] as const;

export type AnnotationKey = (typeof ANNOTATION_KEYS)[number];

/** A catalog entry's annotations as written (pattern placeholders filled in), each key optional. */
export type DatasetAnnotations = Readonly<Partial<Record<AnnotationKey, unknown>>>;

const NONE: DatasetAnnotations = Object.freeze({});

/** Moves the annotation keys out of `settings` (a fresh object the caller owns) and returns them. */
export function takeAnnotations(settings: Record<string, unknown>): DatasetAnnotations {
  let found: Partial<Record<AnnotationKey, unknown>> | undefined;
  for (const key of ANNOTATION_KEYS) {
    if (!Object.hasOwn(settings, key)) continue;
    (found ??= {})[key] = settings[key];
    delete settings[key];
  }
  return found ?? NONE;
}
