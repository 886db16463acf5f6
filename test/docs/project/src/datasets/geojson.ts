/** The reader's own dataset type (cli.md's `datasetTypes`): GeoJSON files, read as JSON. */
import { JsonDataset } from 'sluice';
import type { DatasetFactory } from 'sluice';

export const geoJsonFactory: DatasetFactory = (options, { name, projectPath }) =>
  new JsonDataset(name, { filepath: String(options.filepath) }, { projectPath });
