/**
 * Configuration loading: seconds to read, merge and interpolate a parameters.yml of 1, 2, 4 and
 * 8 MB through `ConfigLoader.get('parameters')`, the path `sluice run` takes. Two shapes: one flat
 * mapping (every key in one map, the worst case for a per-map duplicate check) and sections of 100
 * keys. Run: `npm run bench:config` (SIZES_MB="1 2" to pick sizes). Prints the load average first,
 * since the figures only mean something next to it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigLoader } from '../src/config/config-loader.ts';

const SIZES_MB = (process.env.SIZES_MB ?? '1 2 4 8').split(/\s+/).filter(Boolean).map(Number);
const MB = 1024 * 1024;

function flatParameters(bytes: number): { text: string; keys: number } {
  const lines: string[] = [];
  let size = 0;
  for (let index = 0; size < bytes; index++) {
    const line = `key_${String(index).padStart(7, '0')}: "a value of about one hundred bytes, like a path or a model setting ${index}"`;
    lines.push(line);
    size += line.length + 1;
  }
  return { text: `${lines.join('\n')}\n`, keys: lines.length };
}

function sectionedParameters(bytes: number): { text: string; keys: number } {
  const lines: string[] = [];
  let size = 0;
  let keys = 0;
  for (let section = 0; size < bytes; section++) {
    lines.push(`section_${section}:`);
    for (let index = 0; index < 100; index++, keys++) {
      const line = `  key_${index}: "a value of about one hundred bytes, like a path or a model setting ${keys}"`;
      lines.push(line);
      size += line.length + 1;
    }
  }
  return { text: `${lines.join('\n')}\n`, keys };
}

console.log(`load average: ${execFileSync('uptime').toString().trim()}`);
console.log(`node ${process.version}`);
console.log('| shape | size | keys | seconds |');
console.log('|---|---:|---:|---:|');
const work = mkdtempSync(join(tmpdir(), 'sluice-bench-config-'));
const results: Array<{ shape: string; mb: number; keys: number; seconds: number }> = [];
try {
  for (const [shape, make] of [
    ['flat', flatParameters],
    ['sections of 100', sectionedParameters],
  ] as const) {
    for (const mb of SIZES_MB) {
      const project = join(work, `${shape.replace(/\W+/g, '-')}-${mb}`);
      mkdirSync(join(project, 'conf', 'base'), { recursive: true });
      const { text, keys } = make(mb * MB);
      writeFileSync(join(project, 'conf', 'base', 'parameters.yml'), text);
      const started = performance.now();
      const parameters = new ConfigLoader({ projectPath: project }).get('parameters');
      const seconds = (performance.now() - started) / 1000;
      if (Object.keys(parameters).length === 0) throw new Error('nothing was read');
      results.push({ shape, mb, keys, seconds });
      console.log(`| ${shape} | ${mb} MB | ${keys} | ${seconds.toFixed(2)} |`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`load average: ${execFileSync('uptime').toString().trim()}`);
console.log(JSON.stringify({ bench: 'config', results }));
