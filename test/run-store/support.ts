/**
 * A small tracked project, written fresh into a temporary folder for each test so that each has
 * its own `.sluice/runs.db`: companies (CSV, with credentials named) → prepare → features
 * (memory) → train → model (versioned JSON) → evaluate → metrics (`metrics` type). A project
 * plugin posts two records per node with `postRunRecord`: a check, and where the node ran. Pipelines: `__default__`, `failing` (adds
 * a node whose error quotes the credentials), `hold` (a node that waits until killed, after
 * writing `data/holding`).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunDetail } from '../../src/plugin-api/index.ts';

export const REPO = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]$/, '');

/** Secrets of the project: a credential's password and a token taken from the environment. */
export const PASSWORD = 'pw-7Hq93kZx-secret';
export const TOKEN = 'tok-5d1c2b9a8e7f6a5b';
export const TOKEN_ENV = 'TRACKED_API_TOKEN';
export const SECRETS = [PASSWORD, TOKEN];

let root: string | undefined;

/** A fresh temporary folder, removed when the test process exits. */
export function tempDir(label: string): string {
  if (root === undefined) {
    const created = mkdtempSync(join(tmpdir(), 'sluice-runstore-'));
    root = created;
    process.on('exit', () => {
      if (process.env.SLUICE_KEEP_TMP !== '1') rmSync(created, { recursive: true, force: true });
    });
  }
  return mkdtempSync(join(root, `${label}-`));
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * Writes the project into a new folder and returns it. `sluice` is how its files import Sluice:
 * this checkout's src/index.ts (in-process tests) or `sluice` (CLI tests, through node_modules).
 */
export function writeTrackedProject(sluice: 'src' | 'package' = 'src'): string {
  const project = join(tempDir('tracked'), 'project');
  const from = sluice === 'src' ? JSON.stringify(join(REPO, 'src', 'index.ts')) : "'sluice'";
  const pluginFrom =
    sluice === 'src' ? JSON.stringify(join(REPO, 'src', 'plugin-api', 'index.ts')) : "'sluice/plugin'";
  write(join(project, 'package.json'), '{ "name": "tracked-project", "type": "module" }\n');
  write(
    join(project, 'sluice.config.ts'),
    `import { defineConfig } from ${from};
import { checker } from './src/hooks.ts';

export default defineConfig({
  hooks: [checker],
  pipelines: {
    __default__: () => import('./src/pipelines.ts').then((m) => m.training),
    failing: () => import('./src/pipelines.ts').then((m) => m.failing),
    hold: () => import('./src/pipelines.ts').then((m) => m.hold),
    wide: () => import('./src/pipelines.ts').then((m) => m.wide),
  },
});
`,
  );
  write(
    join(project, 'src', 'hooks.ts'),
    `import { hostname } from 'node:os';
import { threadId } from 'node:worker_threads';
import { definePlugin, postRunRecord } from ${pluginFrom};

let post: ((topic: string, message: unknown) => void) | undefined;

/**
 * Records one check per node, from whichever process runs the node, and where the node's function
 * ran (host, process, thread), as the ground truth for the worker column.
 */
export const checker = definePlugin({
  name: 'checker',
  afterContextCreated({ context }) {
    post = context.post;
  },
  afterNodeRun({ node, outputs }) {
    postRunRecord(post!, { plugin: 'checker', kind: 'check', node: node.name, key: 'outputs', value: { count: Object.keys(outputs).length } });
    postRunRecord(post!, { plugin: 'checker', kind: 'ran-in', node: node.name, key: 'place', value: { host: hostname(), pid: process.pid, threadId } });
  },
});
`,
  );
  write(
    join(project, 'src', 'pipelines.ts'),
    `import { writeFileSync } from 'node:fs';
import { node, Pipeline } from ${from};

type Company = { id: number; rating: number; size: number };

const prepare = (companies: Company[], alpha: number) =>
  companies.map((company) => ({ id: company.id, x: company.size * alpha, y: company.rating }));
const train = (features: { x: number; y: number }[], model: { label: string }) => ({
  label: model.label,
  slope: features.reduce((sum, row) => sum + row.y / row.x, 0) / features.length,
});
const evaluate = (model: { slope: number }, features: { x: number; y: number }[]) => {
  const errors = features.map((row) => row.y - model.slope * row.x);
  return {
    r2: 1 - errors.reduce((sum, e) => sum + e * e, 0) / features.length,
    mae: errors.reduce((sum, e) => sum + Math.abs(e), 0) / features.length,
  };
};

const trainingNodes = [
  node(prepare, ['companies', 'params:model.alpha'], 'features', { name: 'prepare' }),
  node(train, ['features', 'params:model'], 'model', { name: 'train' }),
  node(evaluate, ['model', 'features'], 'metrics', { name: 'evaluate' }),
];

export const training = new Pipeline(trainingNodes);

// Two lanes: the training chain beside a count of the companies.
export const wide = new Pipeline([
  ...trainingNodes,
  node((companies: unknown[]) => companies.length, 'companies', 'company_count', { name: 'count' }),
]);

export const failing = new Pipeline([
  ...trainingNodes,
  node(
    (features: unknown[]) => {
      throw new Error('upload of ' + features.length + ' rows refused: token ' + process.env.${TOKEN_ENV} + ', password ${PASSWORD}');
    },
    'features',
    'uploaded',
    { name: 'upload' },
  ),
]);

export const hold = new Pipeline([
  node(
    (companies: unknown[]) => {
      writeFileSync('data/holding', String(process.pid));
      // Until killed: the interval keeps the process alive (a pending promise alone doesn't).
      return new Promise(() => setInterval(() => {}, 1000));
    },
    'companies',
    'never',
    { name: 'hold' },
  ),
]);
`,
  );
  write(
    join(project, 'conf', 'base', 'catalog.yml'),
    `companies:
  type: csv
  filepath: data/companies.csv
  credentials: warehouse
model:
  type: json
  filepath: data/model.json
  versioned: true
metrics:
  type: metrics
  filepath: data/metrics.json
  versioned: true
`,
  );
  write(join(project, 'conf', 'base', 'parameters.yml'), 'model:\n  alpha: 0.5\n  label: linear\n');
  write(
    join(project, 'conf', 'local', 'credentials.yml'),
    `warehouse:
  user: analyst
  password: ${PASSWORD}
  con: postgresql://analyst:${PASSWORD}@127.0.0.1:5432/test
api:
  token: \${env:${TOKEN_ENV}}
`,
  );
  write(join(project, 'data', 'companies.csv'), 'id,rating,size\n1,4,10\n2,3,8\n3,5,12\n');
  return project;
}

/** Every secret found in the project's store files (the database and its WAL), as `file: secret`. */
export function secretsInStore(project: string): string[] {
  const folder = join(project, '.sluice');
  const found: string[] = [];
  for (const file of readdirSync(folder).filter((name) => name.startsWith('runs.db'))) {
    const bytes = readFileSync(join(folder, file));
    for (const secret of SECRETS) if (bytes.includes(Buffer.from(secret))) found.push(`${file}: ${secret}`);
  }
  return found;
}

/** Where each node's function ran, as the project's `checker` plugin saw it from inside that process. */
export function placesOf(run: RunDetail): Map<string, { host: string; pid: number; threadId: number }> {
  const places = new Map<string, { host: string; pid: number; threadId: number }>();
  for (const record of run.records)
    if (record.kind === 'ran-in')
      places.set(record.node!, record.value as { host: string; pid: number; threadId: number });
  return places;
}
