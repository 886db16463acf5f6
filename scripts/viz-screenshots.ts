/**
 * `npm run docs:screenshots`: the spaceflights pipeline page, idle and mid-run, into
 * docs/viz-idle.png and docs/viz-running.png (embedded in docs/viz.md). It runs the real thing: a
 * copy of examples/spaceflights, `sluice viz`, a `sluice run`, Debian's Chromium. For the mid-run
 * picture, the copy gets one more hook plugin that holds `train_model` (before its function runs)
 * until the picture is taken. Needs `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { linkExampleDependencies } from '../test/cli/support.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/plugins/viz/browser.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'sluice.js');
const DOCS = join(REPO, 'docs');
/** The run pauses when this node starts: the page then shows the nodes before it done. */
const PAUSE_AT = 'train_model';

const work = mkdtempSync(join(tmpdir(), 'sluice-screenshots-'));
const project = join(work, 'spaceflights');
cpSync(join(REPO, 'examples', 'spaceflights'), project, {
  recursive: true,
  filter: (path) => !path.includes('/node_modules') && !path.includes('/.sluice'),
});
// Sluice and what the example's package.json lists (zod for its schemas, exceljs, DuckDB).
linkExampleDependencies(project);
const release = join(work, 'release');
writeFileSync(
  join(project, 'src', 'hold.ts'),
  `import { existsSync } from 'node:fs';
import { definePlugin } from 'sluice';

/** Holds ${PAUSE_AT} until the screenshot script creates its release file. */
export const hold = definePlugin({
  name: 'screenshot-hold',
  async beforeNodeRun({ node }) {
    if (node.name !== ${JSON.stringify(PAUSE_AT)}) return;
    while (!existsSync(${JSON.stringify(release)})) await new Promise((resolve) => setTimeout(resolve, 50));
  },
});
`,
);
const config = join(project, 'sluice.config.ts');
writeFileSync(
  config,
  readFileSync(config, 'utf8')
    .replace(
      "import { rowCounts } from './src/hooks.ts';",
      "import { rowCounts } from './src/hooks.ts';\nimport { hold } from './src/hold.ts';",
    )
    .replace('hooks: [rowCounts()]', 'hooks: [rowCounts(), hold]'),
);
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
delete env.NODE_OPTIONS;

const viz = spawn(process.execPath, [BIN, 'viz'], {
  cwd: project,
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((resolve, reject) => {
  let output = '';
  viz.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const match = /Sluice viz: (\S+)/.exec(output);
    if (match !== null) resolve(match[1]!);
  });
  viz.once('exit', (code) => reject(new Error(`sluice viz exited with ${code}`)));
});

const profile = join(work, 'profile');
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  args: CHROMIUM_ARGS,
  viewport: { width: 1280, height: 860 },
  colorScheme: 'light',
});
try {
  const page = await context.newPage();
  await page.goto(url);
  page.setDefaultTimeout(0);
  await page.waitForSelector('body[data-state="ready"][data-stream="open"]');
  await page.locator('g.box[data-id="node:create_model_input_table"]').click();
  await page.screenshot({ path: join(DOCS, 'viz-idle.png') });
  await page.keyboard.press('Escape');

  const run = spawn(process.execPath, [BIN, 'run', '--progress', 'off'], {
    cwd: project,
    env,
    stdio: 'inherit',
  });
  const exited = new Promise((resolve) => run.once('exit', resolve));
  await page.waitForSelector(`g.box[data-id="node:${PAUSE_AT}"][data-status="running"]`, { timeout: 0 });
  await page.locator('g.box[data-id="node:split_data"]').click();
  await page.screenshot({ path: join(DOCS, 'viz-running.png') });
  writeFileSync(release, '');
  await exited;
  console.log(`Wrote docs/viz-idle.png and docs/viz-running.png (${url}).`);
} finally {
  await context.close();
  viz.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
