import type { DatasetTypeRegistry } from '../dataset-registry.ts';

/** Registers the file-based dataset types (json, jsonl, text, binary, csv, excel, partitioned, api). */
export function registerFileDatasets(_registry: DatasetTypeRegistry): void {}
