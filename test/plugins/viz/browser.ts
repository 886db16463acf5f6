/**
 * Debian's Chromium for the page's tests, launched exactly as ../shared/STACK.md says (never a
 * downloaded browser). Without /usr/bin/chromium a test skips loudly on a user's machine and fails
 * under CI (SLUICE_REQUIRE_SERVICES=1), where .ci/run installs it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { SAFETY_NET_MS } from '../../support/safety-net.ts';
import { servicesRequired } from '../../support/services.ts';

// Globals of the page, for the functions below that run in the browser (this program has no DOM types).
declare const window: any;
declare const document: any;
declare const MutationObserver: any;

export const CHROMIUM = '/usr/bin/chromium';
/** Debian's Chromium, headless, with nothing reaching out to the network on its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  /**
   * CPU time used so far by this browser's live processes (browser, GPU, renderers), in ms, from
   * /proc; undefined where there is no /proc. A diagnostic for the tests' reports.
   */
  cpuMs(): number | undefined;
  close(): Promise<void>;
}

export async function browserOrSkip(t: TestContext): Promise<Browser | undefined> {
  if (!existsSync(CHROMIUM)) {
    const message = `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`;
    if (servicesRequired) throw new Error(`${message}, and SLUICE_REQUIRE_SERVICES=1 forbids skipping.`);
    process.stderr.write(`\n!!! SKIPPED: ${message}. Install it to run "${t.name}".\n\n`);
    t.skip(message);
    return undefined;
  }
  const profile = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    newPage: async () => {
      const page = await context.newPage();
      // The tests wait on the page's own signals; this only stops a hang, however busy the machine.
      page.setDefaultTimeout(SAFETY_NET_MS / 4);
      return page;
    },
    cpuMs: () => processesCpuMs(profile),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Collects what must never happen on the page: script errors and dialogs (an XSS would alert). */
export function watchPage(page: Page): { errors: string[]; dialogs: string[] } {
  const seen = { errors: [] as string[], dialogs: [] as string[] };
  page.on('pageerror', (error) => seen.errors.push(error.message));
  page.on('dialog', (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return seen;
}

/** Records every status each box takes, in order, from inside the page (MutationObserver). */
export async function recordStatuses(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log: { id: string; status: string; running: number }[] = [];
    (window as unknown as { statusLog: typeof log }).statusLog = log;
    const observer = new MutationObserver((mutations: any[]) => {
      for (const mutation of mutations) {
        const element = mutation.target;
        if (mutation.attributeName !== 'data-status' || !element.classList.contains('box')) continue;
        log.push({
          id: element.getAttribute('data-id') ?? '',
          status: element.getAttribute('data-status') ?? '',
          running: document.querySelectorAll('g.box.node[data-status="running"]').length,
        });
      }
    });
    observer.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
  });
}

export function statusLog(page: Page): Promise<{ id: string; status: string; running: number }[]> {
  return page.evaluate(
    () => (window as unknown as { statusLog: { id: string; status: string; running: number }[] }).statusLog,
  );
}

let ticksPerSecond: number | undefined;

/** CPU time (user + system) of the live processes whose command line names `marker`, in ms. */
function processesCpuMs(marker: string): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command's name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return (ticks / ticksPerSecond) * 1000;
}
