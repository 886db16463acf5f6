/**
 * Helpers for the CLI tests: they run `node bin/sluice.js ...` as a child process, the way a user
 * types it, on a project copied to a temporary folder whose `node_modules/sluice` is a symlink to
 * this checkout (what `npm install` does for a `file:` dependency).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { SAFETY_NET_MS } from '../support/safety-net.ts';
import { servicesRequired } from '../support/services.ts';

/** The checkout's root, without a trailing separator. */
export const REPO = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]$/, '');
export const BIN = join(REPO, 'bin', 'sluice.js');
export const FIXTURES = join(REPO, 'test', 'fixtures', 'cli');
const MAIN_JS = join(REPO, 'dist', 'cli', 'main.js');

/**
 * The CLI runs from dist/. CI builds before testing; locally, build once when dist is missing. Test
 * files run in parallel processes, so a lock folder holding the builder's pid makes the others wait
 * until that build has finished (not merely started writing dist/), however long a loaded machine
 * takes; a lock whose builder is gone is stale and taken over.
 */
export function ensureBuilt(): void {
  const lock = join(tmpdir(), `sluice-cli-build-${Buffer.from(REPO).toString('hex').slice(-24)}.lock`);
  if (existsSync(MAIN_JS) && !existsSync(lock)) return;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      if (!existsSync(lock)) {
        if (existsSync(MAIN_JS)) return; // the other build finished
      } else if (!builderAlive(lock)) {
        rmSync(lock, { recursive: true, force: true });
      } else {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      }
    }
  }
  try {
    if (existsSync(MAIN_JS)) return;
    try {
      execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'pipe' });
    } catch (error) {
      // tsc still emits when someone's work in progress has a type error; only a missing CLI is fatal.
      if (!existsSync(MAIN_JS)) throw error;
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Whether the process that took the build lock still runs (a lock without a pid was just taken). */
function builderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return true;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One temporary root per test file process, removed when it exits (SLUICE_KEEP_TMP=1 keeps it). */
let root: string | undefined;
export function tempDir(label = 'dir'): string {
  if (root === undefined) {
    const created = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    root = created;
    process.on('exit', () => {
      if (process.env.SLUICE_KEEP_TMP !== '1') rmSync(created, { recursive: true, force: true });
    });
  }
  return mkdtempSync(join(root, `${label}-`));
}

/** Copies test/fixtures/cli/<name> to a new temporary folder and links node_modules/sluice to this checkout. */
export function copyProject(name: string): string {
  const project = join(tempDir(name), 'project');
  cpSync(join(FIXTURES, name), project, {
    recursive: true,
    filter: (source) => !source.includes(`${join(FIXTURES, name)}/.sluice`),
  });
  linkSluice(project);
  return project;
}

/** `node_modules/sluice` -> the checkout, as `npm install` does for `"sluice": "file:<checkout>"`. */
export function linkSluice(project: string): void {
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  symlinkSync(REPO, join(project, 'node_modules', 'sluice'), 'dir');
}

/**
 * examples/spaceflights, or a copy of it outside the repository, resolves what its package.json
 * lists as `npm install` would: Sluice (this checkout) and the rest (zod for its schemas, exceljs
 * and DuckDB for its .xlsx and Parquet files), linked from the repository's node_modules. Links
 * already there are kept. A project without a package.json (a test fixture) gets Sluice and zod.
 */
export function linkExampleDependencies(project: string): void {
  const manifestFile = join(project, 'package.json');
  const manifest = existsSync(manifestFile)
    ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as { dependencies?: Record<string, string> })
    : {};
  // Sluice and zod for projects (test fixtures) whose package.json lists nothing.
  for (const name of new Set(['sluice', 'zod', ...Object.keys(manifest.dependencies ?? {})])) {
    const link = join(project, 'node_modules', name);
    const present = entryAt(link);
    if (present !== undefined && (!present.isSymbolicLink() || existsSync(link))) continue;
    // A dangling link (its target moved or was deleted) is replaced; existsSync follows links, so
    // it alone would call it absent and symlinkSync would then fail with EEXIST.
    if (present !== undefined) rmSync(link);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(name === 'sluice' ? REPO : join(REPO, 'node_modules', name), link, 'dir');
  }
}

/** The entry at `path` itself (a link, not its target), or undefined when there is none. */
function entryAt(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes a file, creating its folder. */
export function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Everything, for assertion messages. */
  output: string;
}

export interface SluiceOptions {
  cwd: string;
  /** Added to a clean copy of this process's environment (undefined removes a variable). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Kills a child that has not exited by then (a hang); default {@link SAFETY_NET_MS}. */
  timeoutMs?: number;
  /** Called with the child and all of stderr so far, after each chunk. */
  onStderr?: (stderr: string, child: ChildProcess) => void;
}

/** The environment a user's shell would give: no test-runner context, loader flags or colour overrides. */
export function cleanEnv(extra: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('SLUICE_CLI_') || name === 'SLUICE_AUDIT_LOG') delete env[name];
  }
  for (const name of ['NODE_OPTIONS', 'NODE_TEST_CONTEXT', 'NO_COLOR', 'FORCE_COLOR', 'NODE_TIMER'])
    delete env[name];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** `node bin/sluice.js <args>` in `cwd`; resolves when the child exits, however long a loaded machine takes. */
export function sluice(args: readonly string[], options: SluiceOptions): Promise<Outcome> {
  return command(process.execPath, [BIN, ...args], options);
}

/** Any command as a child process (npm, npx, node). */
export function command(file: string, args: readonly string[], options: SluiceOptions): Promise<Outcome> {
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    options.onStderr?.(stderr, child);
  });
  const timeoutMs = options.timeoutMs ?? SAFETY_NET_MS;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${[file, ...args].join(' ')} did not exit in ${timeoutMs} ms (hung?):\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'close', not 'exit': every byte of stdout and stderr has arrived.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const output = `$ ${args.join(' ')}\nexit ${code ?? signal}\n--- stdout\n${stdout}--- stderr\n${stderr}`;
      resolve({ code, signal, stdout, stderr, output });
    });
  });
}

/** Asserts the exit code, showing everything the command printed when it differs. */
export function assertExit(outcome: Outcome, code: number): void {
  assert.equal(outcome.code, code, `expected exit code ${code}\n${outcome.output}`);
}

/** Nodes that started, from the plain progress lines (`[sluice] ▶ <node>`), in order. */
export function started(stderr: string): string[] {
  return [...stderr.matchAll(/^\[sluice\] ▶ (\S+)$/gm)].map((match) => match[1]!);
}

/** Nodes that finished (`[sluice] ✓ <node> <seconds>s`). */
export function done(stderr: string): string[] {
  return [...stderr.matchAll(/^\[sluice\] ✓ (\S+) \d+\.\d\ds$/gm)].map((match) => match[1]!);
}

/** Nodes that failed (`[sluice] ✗ <node> ...`). */
export function failed(stderr: string): string[] {
  return [...stderr.matchAll(/^\[sluice\] ✗ (\S+?):? /gm)].map((match) => match[1]!);
}

/** Nodes reported skipped (`[sluice] - <node> skipped`). */
export function skipped(stderr: string): string[] {
  return [...stderr.matchAll(/^\[sluice\] - (\S+) skipped$/gm)].map((match) => match[1]!);
}

export const sorted = (names: readonly string[]): string[] => [...names].sort();

/** A stack frame line, which errors must not print without --verbose. */
export const STACK_FRAME = /^\s+at .+[:(]/m;

/** Reads a JSON-lines record a hook wrote; [] when nothing was written. */
export function readRecord<T = Record<string, unknown>>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * Splits a command line as a POSIX shell would for the simple quoting `sluice run` prints (plain
 * words, double-quoted strings with backslash escapes).
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    words.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!);
  }
  return words;
}

/**
 * Installs a plugin package into the project's node_modules, as npm would: a package.json that
 * declares `"sluice": { "hooks": "./hooks.js" }` and the ES module `source`.
 */
export function installPackage(project: string, name: string, source: string): void {
  const folder = join(project, 'node_modules', ...name.split('/'));
  write(
    join(folder, 'package.json'),
    `${JSON.stringify({ name, version: '1.0.0', type: 'module', sluice: { hooks: './hooks.js' } }, null, 2)}\n`,
  );
  write(join(folder, 'hooks.js'), source);
}

/**
 * An audit plugin as a package would ship it: it appends one JSON line per event to
 * SLUICE_CLI_RECORD (the file the fixture's own recorder writes, so the two interleave in call
 * order). Its afterNodeRun is `tryfirst`.
 */
export function auditPluginSource(pluginName: string): string {
  return `import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

function record(event) {
  const file = process.env.SLUICE_CLI_RECORD;
  if (file) appendFileSync(file, JSON.stringify({ plugin: ${JSON.stringify(pluginName)}, threadId, pid: process.pid, ...event }) + '\\n');
}

export default {
  name: ${JSON.stringify(pluginName)},
  beforeCommandRun({ commandArgs, projectMetadata }) {
    record({ hook: 'beforeCommandRun', commandArgs, projectPath: projectMetadata.projectPath });
  },
  afterCommandRun({ commandArgs, exitCode }) {
    record({ hook: 'afterCommandRun', commandArgs, exitCode });
  },
  beforePipelineRun() {
    record({ hook: 'beforePipelineRun' });
  },
  onPipelineError({ error }) {
    record({ hook: 'onPipelineError', error: error.name });
  },
  beforeNodeRun({ node }) {
    record({ hook: 'beforeNodeRun', node: node.name });
  },
  afterNodeRun: {
    tryfirst: true,
    handler({ node }) {
      record({ hook: 'afterNodeRun', node: node.name });
    },
  },
};
`;
}

/** Adds settings (`key: value,` lines) to the fixture project's sluice.config.ts. */
export function configure(project: string, settings: Readonly<Record<string, unknown>>): void {
  const file = join(project, 'sluice.config.ts');
  const text = readFileSync(file, 'utf8');
  const lines = Object.entries(settings).map(([key, value]) => `  ${key}: ${JSON.stringify(value)},\n`);
  const changed = text.replace('  hooks: [recorder],\n', `  hooks: [recorder],\n${lines.join('')}`);
  assert.notEqual(changed, text, 'the fixture config has the line to extend');
  writeFileSync(file, changed);
}

/** Adds `disableHooksForPlugins: [...]` to the project's sluice.config.ts. */
export function disablePlugins(project: string, names: readonly string[]): void {
  configure(project, { disableHooksForPlugins: names });
}

/** `npm ping` honours the user's npm configuration (registry, proxy), as `npm install` will. */
export async function registryOrSkip(t: TestContext, cwd: string): Promise<boolean> {
  const ping = await command('npm', ['ping', '--fetch-timeout', '8000', '--fetch-retries', '0'], {
    cwd,
  }).catch((error: Error) => ({ code: -1, output: error.message }));
  if (ping.code === 0) return true;
  const message = `the npm registry is not reachable (npm ping: exit ${ping.code})`;
  if (servicesRequired)
    throw new Error(`${message}, and SLUICE_REQUIRE_SERVICES=1 forbids skipping.\n${ping.output}`);
  process.stderr.write(`\n!!! SKIPPED: ${message}. Connect to the registry to run "${t.name}".\n\n`);
  t.skip(message);
  return false;
}
