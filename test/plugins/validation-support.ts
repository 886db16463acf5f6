/**
 * Helpers for the validation tests: throwaway projects (with the repository's node_modules linked
 * in, so that their schema modules import the same zod), run through a Session, with what the
 * project's recording plugin saw in every thread.
 */
import { existsSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetValidationResult, SessionRunOptions } from '../../src/index.ts';
import { Session } from '../../src/index.ts';
import { readRecord, withEnv } from '../session/support.ts';
import { writeProject } from './step-hooks-support.ts';

const NODE_MODULES = realpathSync(fileURLToPath(new URL('../../node_modules', import.meta.url)));

/**
 * `sluice.config.ts` of a validation project: `__NODES__` is the pipeline's node list, `__PLUGIN__`
 * the validation plugin's options (or nothing for the default instance). A recorder writes each
 * onNodeError, step-hook failure and validation result to $SLUICE_TEST_RECORD.
 */
const CONFIG = `
import { appendFileSync } from 'node:fs';
import { defineConfig, definePlugin, node, Pipeline, validationPlugin } from '{{sluice}}';
import * as schemas from './src/schemas.ts';

const record = (entry: unknown) => {
  const file = process.env.SLUICE_TEST_RECORD;
  if (file) appendFileSync(file, JSON.stringify(entry) + '\\n');
};
const recorder = definePlugin({
  name: 'recorder',
  onNodeError({ error, node }) {
    record({ kind: 'onNodeError', node: node.name, error: error.name, message: error.message });
  },
  afterDatasetValidated({ result }) {
    record({ kind: 'result', result });
  },
});
export const failed = (context: { node: { name: string }; error?: Error }) =>
  record({ kind: 'onFailure', node: context.node.name, error: context.error?.name });
void schemas;

export default defineConfig({
  hooks: [recorder, __PLUGIN__],
  pipelines: {
    __default__: new Pipeline([
__NODES__
    ]),
  },
});
`;

export interface ValidationProject {
  /** Node list entries of the default pipeline (TypeScript source). */
  readonly nodes: string;
  readonly catalog: string;
  /** src/schemas.ts: `import { z } from 'zod'` is prepended. */
  readonly schemas?: string;
  /** An expression: the validation plugin's instance (replaces the default one). */
  readonly plugin?: string;
  readonly files?: Record<string, string>;
}

export function validationProject(project: ValidationProject): string {
  const root = writeProject({
    'sluice.config.ts': CONFIG.replace('__NODES__', project.nodes).replace(
      '__PLUGIN__',
      project.plugin ?? 'validationPlugin({ log: (line) => record({ kind: "log", line }) })',
    ),
    'src/schemas.ts': `import { z } from 'zod';\n${project.schemas ?? ''}\n`,
    'conf/base/catalog.yml': project.catalog,
    ...project.files,
  });
  symlinkSync(NODE_MODULES, join(root, 'node_modules'), 'dir');
  return root;
}

export interface RecordEntry {
  readonly kind: 'onNodeError' | 'onFailure' | 'result' | 'log';
  readonly node?: string;
  readonly error?: string;
  readonly message?: string;
  readonly line?: string;
  readonly result?: DatasetValidationResult;
}

export interface ProjectRun {
  readonly error: Error | undefined;
  readonly records: RecordEntry[];
}

export async function runProject(projectPath: string, options: SessionRunOptions = {}): Promise<ProjectRun> {
  const recordFile = join(mkdtempSync(join(tmpdir(), 'sluice-validation-')), 'record.jsonl');
  const session = await Session.create({ projectPath, log: () => {} });
  let error: Error | undefined;
  try {
    await withEnv({ SLUICE_TEST_RECORD: recordFile }, () => session.run(options));
  } catch (thrown) {
    error = thrown as Error;
  }
  return { error, records: readRecord<RecordEntry>(recordFile) };
}

export function results(run: ProjectRun): DatasetValidationResult[] {
  return run.records.filter((entry) => entry.kind === 'result').map((entry) => entry.result!);
}

export function readText(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
