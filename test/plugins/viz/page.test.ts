/**
 * The pipeline page in a real browser (Debian's Chromium through playwright-core): what the
 * issue's proof asks, against real `sluice viz` servers and real `sluice run`s of real projects.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import { assertExit, sluice } from '../../cli/support.ts';
import { startVizServer } from '../../../src/plugins/viz/server.ts';
import { openRunHistory } from '../../../src/plugins/viz/run-history.ts';
import type { Browser } from './browser.ts';
import { browserOrSkip, recordStatuses, statusLog, watchPage } from './browser.ts';
import { generatedGraph } from './generated-pipeline.ts';
import { copyOf, ensurePageBuilt, HOSTILE, SPACEFLIGHTS, startViz } from './support.ts';
import type { RunningViz } from './support.ts';

let browser: Browser | undefined;
let launched = false;
async function browserFor(t: TestContext): Promise<Browser | undefined> {
  if (!launched) {
    launched = true;
    browser = await browserOrSkip(t);
  } else if (browser === undefined) {
    t.skip('Chromium is not installed');
  }
  return browser;
}

before(async () => {
  await ensurePageBuilt();
});
after(async () => {
  await browser?.close();
});

const XSS = '<img src=x onerror=alert(1)>';
// The page's global, for the functions below that run in the browser (this program has no DOM types).
declare const window: any;

/** Node and dataset names of a registered pipeline, as `sluice pipeline describe --json` prints them. */
async function describedPipeline(project: string): Promise<{ nodes: string[]; datasets: string[] }> {
  const outcome = await sluice(['pipeline', 'describe', '--json'], { cwd: project });
  assertExit(outcome, 0);
  const described = JSON.parse(outcome.stdout) as {
    nodes: { name: string; inputs: string[]; outputs: string[] }[];
  };
  const datasets = new Set<string>();
  for (const node of described.nodes)
    for (const name of [...node.inputs, ...node.outputs]) datasets.add(name.split('@')[0]!);
  return { nodes: described.nodes.map((node) => node.name), datasets: [...datasets] };
}

describe('spaceflights on the page', () => {
  let project: string;
  let viz: RunningViz | undefined;
  before(async () => {
    project = copyOf(SPACEFLIGHTS, 'spaceflights');
  });
  after(async () => {
    await viz?.stop();
  });

  test('sluice viz serves every node and dataset; a run turns the nodes done one by one, live', async (t) => {
    const chromium = await browserFor(t);
    if (chromium === undefined) return;
    const expected = await describedPipeline(project);
    viz = await startViz(project);
    assert.match(viz.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const address = JSON.parse(readFileSync(join(project, '.sluice', 'viz', 'server.json'), 'utf8')) as {
      url: string;
    };
    assert.equal(address.url, viz.url);

    const page = await chromium.newPage();
    const seen = watchPage(page);
    await page.goto(viz.url);
    await page.waitForSelector('body[data-state="ready"]');
    const ids = await page
      .locator('g.box')
      .evaluateAll((boxes) => boxes.map((box) => box.getAttribute('data-id')));
    assert.deepEqual(
      [...ids].sort(),
      [
        ...expected.nodes.map((name) => `node:${name}`),
        ...expected.datasets.map((name) => `dataset:${name}`),
      ].sort(),
    );
    assert.equal(await page.locator('.run-status').textContent(), 'no runs yet');
    await page.waitForSelector('body[data-stream="open"]');

    await page.evaluate(() => ((window as unknown as { pageMarker: number }).pageMarker = 42));
    const geometry = () =>
      page.locator('g.box, aside.panel, header.toolbar').evaluateAll((elements) =>
        elements.map((element) => {
          const { x, y, width, height } = element.getBoundingClientRect();
          return [element.getAttribute('data-id') ?? element.tagName, x, y, width, height];
        }),
      );
    const before = await geometry();
    await recordStatuses(page);
    const run = await sluice(['run', '--progress', 'plain'], { cwd: project });
    assertExit(run, 0);
    await page.waitForSelector('body[data-run="success"]');

    assert.equal(
      await page.evaluate(() => (window as unknown as { pageMarker?: number }).pageMarker),
      42,
      'the page was not reloaded',
    );
    assert.deepEqual(
      await geometry(),
      before,
      'nothing moved or changed size while the run updated the page',
    );
    const log = (await statusLog(page)).filter((entry) => entry.id.startsWith('node:'));
    const doneOrder = log.filter((entry) => entry.status === 'done').map((entry) => entry.id);
    assert.deepEqual(
      [...doneOrder].sort(),
      expected.nodes.map((name) => `node:${name}`).sort(),
      'each node turned done once',
    );
    for (const id of doneOrder) {
      const statuses = log.filter((entry) => entry.id === id).map((entry) => entry.status);
      assert.ok(
        statuses.indexOf('running') < statuses.indexOf('done'),
        `${id} ran, then was done: ${statuses.join(' → ')}`,
      );
    }
    assert.ok(
      log.every((entry) => entry.running <= 1),
      'the sequential runner runs one node at a time',
    );
    // Done one by one: each node is done before a later one starts, in the pipeline's order.
    const startOrder = log.filter((entry) => entry.status === 'running').map((entry) => entry.id);
    assert.deepEqual(doneOrder, startOrder);
    const meta = await page.locator('g.box[data-id="node:train_model"] text.meta').textContent();
    assert.match(meta ?? '', /^done · \d/);
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('after a reload, the run comes from the run store, with what it recorded of each dataset', async (t) => {
    const chromium = await browserFor(t);
    if (chromium === undefined || viz === undefined) return;
    const page = await chromium.newPage();
    const seen = watchPage(page);
    await page.goto(viz.url);
    await page.waitForSelector('body[data-state="ready"]');
    const options = await page.getByRole('combobox', { name: 'Run' }).locator('option').allTextContents();
    assert.equal(options.length, 1);
    assert.match(options[0]!, / · __default__ · success$/);
    const expected = await describedPipeline(project);
    for (const name of expected.nodes)
      assert.equal(
        await page.locator(`g.box[data-id="node:${name}"]`).getAttribute('data-status'),
        'done',
        name,
      );
    await page.locator('g.box[data-id="dataset:model_input_table"]').click();
    const recorded = (await page.locator('aside.panel pre').last().textContent()) ?? '';
    assert.match(recorded, /"saved by": "create_model_input_table"/);
    assert.match(recorded, /"rows": \d+/);
    await page.locator('g.box[data-id="dataset:regressor"]').click();
    assert.match((await page.locator('aside.panel pre').last().textContent()) ?? '', /"version": "\d{4}-/);
    assert.deepEqual(seen.errors, []);
    await page.close();
  });
});

describe('a hostile project on the page', () => {
  let project: string;
  let viz: RunningViz | undefined;
  before(async () => {
    project = copyOf(HOSTILE, 'hostile');
  });
  after(async () => {
    await viz?.stop();
  });

  test('names that are markup show as text, and run nothing', async (t) => {
    const chromium = await browserFor(t);
    if (chromium === undefined) return;
    viz = await startViz(project);
    const page = await chromium.newPage();
    const seen = watchPage(page);
    await page.goto(viz.url);
    await page.waitForSelector('body[data-state="ready"]');
    const hostileId = `node:prep.${XSS}([clean_numbers]) -> [<b>markup dataset</b>]`;
    const box = page.locator('g.box').filter({ has: page.locator('title', { hasText: XSS }) });
    assert.equal(await box.count(), 1);
    assert.equal(await box.getAttribute('data-id'), hostileId);
    await box.click();
    assert.equal(await page.locator('aside.panel h2').textContent(), hostileId.slice('node:'.length));
    assert.equal(await page.locator('aside.panel dd').first().textContent(), XSS);
    const markupDataset = page.locator('g.box[data-id="dataset:<b>markup dataset</b>"] title');
    assert.equal(await markupDataset.textContent(), '<b>markup dataset</b>');
    assert.equal(await page.locator('img, b').count(), 0, 'no element was made from a name');
    assert.equal(await page.title(), 'hostile <i>project</i> · Sluice');
    assert.deepEqual(seen.dialogs, []);
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('layers are bands, in data-flow order', async (t) => {
    const chromium = await browserFor(t);
    if (chromium === undefined || viz === undefined) return;
    const page = await chromium.newPage();
    await page.goto(viz.url);
    await page.waitForSelector('body[data-state="ready"]');
    const bands = await page.locator('g.band').evaluateAll((groups) =>
      groups.map((group) => ({
        layer: group.getAttribute('data-layer'),
        y: Number(group.querySelector('rect')!.getAttribute('y')),
      })),
    );
    assert.deepEqual(
      bands.map((band) => band.layer),
      ['raw', 'intermediate', 'reporting'],
    );
    assert.ok(bands[0]!.y < bands[1]!.y && bands[1]!.y < bands[2]!.y);
    await page.close();
  });

  test('a namespace collapses into one box and expands again, with the keyboard too', async (t) => {
    const chromium = await browserFor(t);
    if (chromium === undefined || viz === undefined) return;
    const page = await chromium.newPage();
    await page.goto(viz.url);
    await page.waitForSelector('body[data-state="ready"]');
    await page.locator('g.box[data-id="node:prep.clean"]').click();
    await page.getByRole('button', { name: 'Collapse namespace prep' }).click();
    await page.waitForSelector('g.box[data-id="namespace:prep"]');
    await page.waitForSelector('body[data-state="ready"]');
    assert.equal(await page.locator('g.box[data-id="node:prep.clean"]').count(), 0);
    assert.equal(await page.locator('g.box[data-id="node:prep.inner.count"]').count(), 0);
    assert.equal(
      await page.locator('g.box[data-id="dataset:clean_numbers"]').count(),
      0,
      'a dataset inside the namespace goes with it',
    );
    assert.equal(await page.locator('g.box[data-id="node:summarize"]').count(), 1);
    assert.match(
      (await page.locator('g.box[data-id="namespace:prep"] title').textContent()) ?? '',
      /^prep \(3 nodes\)$/,
    );
    // The namespace took the selection from the node inside it. Keyboard: Escape clears it, then
    // on the focused namespace box Enter selects it and Enter again expands it.
    assert.equal(await page.locator('aside.panel h2').textContent(), 'prep');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('aside.panel').isHidden(), true);
    await page.locator('g.box[data-id="namespace:prep"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('aside.panel:not([hidden]) >> text=namespace');
    await page.keyboard.press('Enter');
    await page.waitForSelector('g.box[data-id="node:prep.clean"]');
    assert.equal(await page.locator('g.box[data-id="namespace:prep"]').count(), 0);
    // The namespaces menu collapses the nested one alone.
    await page.locator('summary', { hasText: 'Namespaces' }).click();
    await page.locator('input[data-namespace="prep.inner"]').uncheck();
    await page.waitForSelector('g.box[data-id="namespace:prep.inner"]');
    assert.equal(await page.locator('g.box[data-id="node:prep.clean"]').count(), 1);
    await page.close();
  });

  test('search finds nodes and datasets by name and opens the side panel', async (t) => {
    const chromium = await browserFor(t);
    if (chromium === undefined || viz === undefined) return;
    const page = await chromium.newPage();
    await page.goto(viz.url);
    await page.waitForSelector('body[data-state="ready"]');
    await page.keyboard.press('/');
    await page.keyboard.type('markup');
    const matches = await page
      .locator('g.box.match')
      .evaluateAll((boxes) => boxes.map((box) => box.getAttribute('data-id')));
    // The node's derived name mentions its output, so it matches too.
    assert.deepEqual(matches, [
      `node:prep.${XSS}([clean_numbers]) -> [<b>markup dataset</b>]`,
      'dataset:<b>markup dataset</b>',
    ]);
    assert.ok((await page.locator('g.box.dimmed').count()) > 0);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.waitForSelector('aside.panel:not([hidden])');
    assert.equal(await page.locator('aside.panel h2').textContent(), '<b>markup dataset</b>');
    await page.locator('input[type="search"]').fill('summ');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('aside.panel h2').textContent(), 'summarize');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('g.box.match').count(), 0);
    await page.close();
  });

  test('the side panel shows a node and a dataset in full', async (t) => {
    const chromium = await browserFor(t);
    if (chromium === undefined || viz === undefined) return;
    const page = await chromium.newPage();
    await page.goto(viz.url);
    await page.waitForSelector('body[data-state="ready"]');
    await page.locator('g.box[data-id="node:prep.clean"]').click();
    const panel = page.locator('aside.panel');
    const field = async (name: string) => panel.locator(`dt:text-is("${name}") + dd`).first().textContent();
    assert.equal(await field('function'), 'clean');
    assert.match((await field('source')) ?? '', /^src\/pipeline\.ts:\d+:\d+$/);
    assert.equal(await field('namespace'), 'prep');
    assert.equal(await field('tags'), 'prep');
    assert.equal(await field('retries'), '3 retries, 200 ms exponential backoff', 'from conf/base/hooks.yml');
    // Step hooks from conf/base/hooks.yml: one set on the node by name, one on its tag.
    const stepHooks = async () =>
      panel
        .locator('dl.step-hooks dt')
        .evaluateAll((terms) =>
          terms.map((term) => [
            term.textContent,
            [...term.nextElementSibling!.querySelectorAll('.step-hook')].map((hook) => [
              hook.querySelector('.hook')!.textContent,
              hook.querySelector('.from')!.textContent,
            ]),
          ]),
        );
    assert.deepEqual(await stepHooks(), [
      ['onSuccess', [['./src/hooks.ts#noteSuccess', 'tags.prep · conf/base/hooks.yml:9:5']]],
      ['onFailure', [['./src/hooks.ts#pageOnCall', 'nodes.prep.clean · conf/base/hooks.yml:6:5']]],
    ]);
    assert.equal(await panel.locator('dl.parameters dt').textContent(), 'threshold');
    assert.equal(await panel.locator('dl.parameters dd').textContent(), '0');
    assert.match((await panel.textContent()) ?? '', /no runs yet/);
    // The panel sits over the drawing (it never moves it): close it to reach what it covers.
    await page.keyboard.press('Escape');
    await page.locator('g.box[data-id="node:summarize"]').click();
    assert.equal(await field('retries'), '1 retry');
    // Its own onFailure, set in code, wins over the one hooks.yml gives its tag.
    assert.deepEqual(await stepHooks(), [['onFailure', [['keepCalm', 'node option']]]]);
    await panel.getByRole('button', { name: 'report', exact: true }).click();
    assert.equal(await panel.locator('h2').textContent(), 'report');
    assert.equal(await field('type'), 'json');
    assert.equal(await field('filepath'), 'data/08_reporting/report.json');
    assert.equal(await field('layer'), 'reporting');
    await page.getByRole('combobox', { name: 'Pipeline' }).selectOption('remote');
    await page.waitForSelector('g.box[data-id="dataset:remote_numbers"]');
    await page.locator('g.box[data-id="dataset:remote_numbers"]').click();
    assert.equal(await field('filepath'), 'https://viz:***@example.invalid/numbers.json');
    await page.keyboard.press('Escape');
    assert.equal(await panel.isHidden(), true);
    await page.close();
  });

  test('a failing node turns failed without a reload, its error redacted and shown as text', async (t) => {
    const chromium = await browserFor(t);
    if (chromium === undefined || viz === undefined) return;
    const page = await chromium.newPage();
    const seen = watchPage(page);
    await page.goto(viz.url);
    await page.waitForSelector('body[data-stream="open"]');
    await page.evaluate(() => ((window as unknown as { pageMarker: number }).pageMarker = 7));
    await recordStatuses(page);
    const run = await sluice(['run', '--progress', 'off', '--params', 'fail=true'], { cwd: project });
    assertExit(run, 1);
    await page.waitForSelector('body[data-run="failed"]');
    assert.equal(await page.evaluate(() => (window as unknown as { pageMarker?: number }).pageMarker), 7);
    const summarize = page.locator('g.box[data-id="node:summarize"]');
    assert.equal(await summarize.getAttribute('data-status'), 'failed');
    assert.match((await summarize.locator('text.meta').textContent()) ?? '', /^failed · .* · 2 attempts$/);
    assert.equal(await page.locator('g.box[data-id="node:prep.clean"]').getAttribute('data-status'), 'done');
    const log = await statusLog(page);
    assert.deepEqual(
      log.filter((entry) => entry.id === 'node:summarize').map((entry) => entry.status),
      ['queued', 'running', 'failed'],
    );
    await summarize.click();
    const message = (await page.locator('aside.panel pre.message').textContent()) ?? '';
    assert.match(
      message,
      /cannot reach postgresql:\/\/viz:\*\*\*@db\.example\/sales <img src=x onerror=alert\(2\)>/,
    );
    assert.ok(!message.includes('s3cretpass'), message);
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(seen.dialogs, []);
    assert.deepEqual(seen.errors, []);
    await page.close();
  });

  test('the static export opens from file:// and works without a server', async (t) => {
    const chromium = await browserFor(t);
    if (chromium === undefined) return;
    const out = mkdtempSync(join(tmpdir(), 'sluice-viz-export-'));
    const built = await sluice(['viz', 'build', '--out', out], { cwd: project });
    assertExit(built, 0);
    const file = join(out, 'index.html');
    assert.ok(existsSync(file));
    const html = readFileSync(file, 'utf8');
    assert.ok(!/<script[^>]+src=|<link[^>]+href=/i.test(html), 'the page loads nothing from elsewhere');
    assert.ok(
      html.includes('remote_numbers') && !html.includes('s3cretpass'),
      'credentials never reach the page',
    );
    const page = await chromium.newPage();
    const seen = watchPage(page);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-state="ready"]');
    assert.equal(await page.locator('g.box[data-id="node:summarize"]').count(), 1);
    // Collapsing needs a new layout: ELK runs in the page.
    await page.locator('summary', { hasText: 'Namespaces' }).click();
    await page.locator('input[data-namespace="prep"]').uncheck();
    await page.waitForSelector('g.box[data-id="namespace:prep"]');
    await page.waitForSelector('body[data-state="ready"]');
    await page.locator('g.box[data-id="node:summarize"]').click();
    assert.equal(await page.locator('aside.panel h2').textContent(), 'summarize');
    assert.deepEqual(requests, [pathToFileURL(file).href]);
    assert.deepEqual(seen.errors, []);
    await page.close();
  });
});

test('a generated 1,000-node pipeline is laid out and usable', async (t) => {
  const chromium = await browserFor(t);
  if (chromium === undefined) return;
  const project = mkdtempSync(join(tmpdir(), 'sluice-viz-large-'));
  const graph = generatedGraph(1000);
  // The first round counts from the server's start: it lays the first view out as it starts.
  let serverCpu = process.cpuUsage();
  let browserCpu = chromium.cpuMs();
  let started = performance.now();
  const server = await startVizServer({
    projectPath: project,
    graph,
    history: await openRunHistory(project),
  });
  try {
    for (const round of ['first open (server started, layout computed)', 'second open (layout cached)']) {
      const page = await chromium.newPage();
      await page.goto(server.url);
      await page.waitForSelector('body[data-state="ready"]');
      const laidOut = performance.now() - started;
      assert.equal(await page.locator('g.box.node').count(), 1000);
      assert.equal(await page.locator('g.box.dataset, g.box.parameters').count(), graph.datasets.length);
      await page.locator('g.box[data-id="node:group_3.step_503"]').click();
      await page.waitForSelector('aside.panel:not([hidden])');
      const usable = performance.now() - started;
      const used = process.cpuUsage(serverCpu);
      const browserUsed = chromium.cpuMs();
      assert.equal(await page.locator('aside.panel h2').textContent(), 'group_3.step_503');
      await page.keyboard.press('0');
      t.diagnostic(
        `1,000 nodes, ${graph.datasets.length} datasets, ${round}: laid out and drawn in ${Math.round(laidOut)} ms, ` +
          `usable (a click opened the panel) in ${Math.round(usable)} ms; CPU time until usable: ` +
          `${Math.round((used.user + used.system) / 1000)} ms in the server's process (ELK's thread included)` +
          (browserCpu === undefined || browserUsed === undefined
            ? ''
            : `, ${Math.round(browserUsed - browserCpu)} ms in Chromium's`) +
          `; load average ${loadavg()
            .map((value) => value.toFixed(2))
            .join(' ')}`,
      );
      await page.close();
      serverCpu = process.cpuUsage();
      browserCpu = chromium.cpuMs();
      started = performance.now();
    }
  } finally {
    await server.close();
  }
});
