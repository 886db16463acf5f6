/**
 * One part of a StatsD metric name: the characters StatsD's line protocol reserves (`:`, `|`,
 * `@`, `#`) and spaces become `_`. Dots are kept, so a namespaced node (`ds.train`) nests.
 */
export function statsdPart(name: string): string {
  return name.replace(/[^\w.-]/g, '_');
}
