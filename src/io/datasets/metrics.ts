import { readFile, writeFile } from 'node:fs/promises';
import type { SaveResult } from '../dataset.ts';
import { DatasetError } from '../dataset.ts';
import type { DatasetSettings, FileDatasetOptions } from './file-dataset.ts';
import { FileDataset, readCommonFileOptions } from './file-dataset.ts';
import { OptionReader, datasetSubject } from './dataset-options.ts';
import { stripBom } from './json.ts';
import { isPlainObject } from '../../values.ts';

/** A run's metrics: name → number, or a group of them (logged as `group.name`). */
export interface Metrics {
  [name: string]: number | Metrics;
}

/** A metrics dataset takes the common file options only. */
export type MetricsDatasetOptions = FileDatasetOptions;

/**
 * Metrics of a run (`type: metrics`, Kedro's MetricsDataset): a node returns `{ r2: 0.93, mae: 1234 }`;
 * the values are written as JSON and reported to trackers, which log each one as a metric of the
 * run (`afterDatasetSaved`'s `saved.metrics`), so a metric saved in several runs forms a history.
 * Groups nest: `{ coefficients: { crew: 2.5 } }` logs `coefficients.crew`. Like every dataset, it
 * overwrites one file unless declared `versioned: true` (the run store keeps every run's values).
 */
export class MetricsDataset extends FileDataset<Metrics> {
  constructor(name: string, options: MetricsDatasetOptions, settings: DatasetSettings = {}) {
    const reader = new OptionReader({ name, type: 'metrics', location: settings.location }, options);
    const common = readCommonFileOptions(reader, settings, 'filepath', 'data/09_tracking/metrics.json');
    reader.finish();
    super('metrics', name, common, settings);
  }

  override async save(data: Metrics): Promise<SaveResult> {
    const metrics = this.#checked(data);
    const logged = flatten(metrics);
    return {
      ...(await super.save(metrics)),
      metrics: logged,
      rows: undefined,
      columns: undefined,
      schema: undefined,
    };
  }

  protected async read(path: string): Promise<Metrics> {
    return this.#checked(JSON.parse(stripBom(await readFile(path, 'utf8'))) as unknown);
  }

  protected async write(path: string, data: Metrics): Promise<void> {
    await writeFile(path, `${JSON.stringify(data, null, 2)}\n`);
  }

  protected publicArgs(): Record<string, unknown> {
    return {};
  }

  /** Only finite numbers (in groups): anything else is a mistake worth naming before it is written. */
  #checked(data: unknown, path = ''): Metrics {
    const subject = datasetSubject(this.owner);
    const hint = 'Return a record of numbers from the node, e.g. { r2: 0.93, mae: 1234.5 }.';
    if (!isPlainObject(data))
      throw new DatasetError(
        `${subject} saves a record of numbers; got ${Array.isArray(data) ? 'an array' : data === null ? 'null' : typeof data}${path === '' ? '' : ` at "${path}"`}.`,
        { datasetName: this.name, hint },
      );
    for (const [key, value] of Object.entries(data)) {
      const name = path === '' ? key : `${path}.${key}`;
      if (isPlainObject(value)) this.#checked(value, name);
      else if (typeof value !== 'number' || !Number.isFinite(value))
        throw new DatasetError(
          `${subject}: metric "${name}" is ${typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? typeof value)}, not a finite number.`,
          {
            datasetName: this.name,
            hint,
          },
        );
    }
    return data as Metrics;
  }
}

/** `{ a: 1, b: { c: 2 } }` → `{ a: 1, 'b.c': 2 }`. */
function flatten(metrics: Metrics, prefix = '', into: Record<string, number> = {}): Record<string, number> {
  for (const [key, value] of Object.entries(metrics)) {
    if (typeof value === 'number') into[`${prefix}${key}`] = value;
    else flatten(value, `${prefix}${key}.`, into);
  }
  return into;
}
