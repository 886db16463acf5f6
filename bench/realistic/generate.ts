/**
 * bench:realistic's data, from a fixed seed, so every run (and every machine) reads the same
 * bytes: a 200k-row sales CSV for (a), four 50k-row event files and a user table for (b).
 * Written once; a marker file holding the generator version says it is complete.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';

const VERSION = 'realistic-data-v1';
export const SALES_ROWS = 200_000;
const EVENT_ROWS = 50_000;
const USERS = 5_000;

/** mulberry32: small, fast and the same everywhere. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  'late delivery customer asked for a refund box damaged "fragile" sticker missing gift wrap requested, call back before noon store manager approved discount loyalty card scanned twice price match with online offer'.split(
    ' ',
  );

async function writeLines(
  path: string,
  header: string,
  count: number,
  line: (index: number) => string,
): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${header}\n`);
  let buffer = '';
  for (let index = 0; index < count; index++) {
    buffer += `${line(index)}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

function quoted(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Writes the data under `root` unless it is there already; returns its size. */
export async function generateData(
  root: string,
): Promise<{ bytes: number; fresh: boolean; salesRows: number }> {
  const marker = join(root, 'generated.txt');
  const files = [
    join(root, 'io', 'data', '01_raw', 'sales.csv'),
    join(root, 'cpu', 'data', '01_raw', 'users.csv'),
    ...[1, 2, 3, 4].map((i) => join(root, 'cpu', 'data', '01_raw', `events_${i}.csv`)),
  ];
  const size = () => files.reduce((sum, file) => sum + statSync(file).size, 0);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === VERSION)
    return { bytes: size(), fresh: false, salesRows: SALES_ROWS };
  mkdirSync(join(root, 'io', 'data', '01_raw'), { recursive: true });
  mkdirSync(join(root, 'cpu', 'data', '01_raw'), { recursive: true });

  const next = random(18);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const regions = ['north', ' North', 'south', 'east ', 'WEST', 'central'];
  const categories = Array.from({ length: 12 }, (_, i) => `category_${i}`);
  const start = Date.UTC(2024, 0, 1);
  await writeLines(
    files[0]!,
    'order_id,ts,store,region,product,category,quantity,unit_price,discount,returned,note',
    SALES_ROWS,
    (index) => {
      const ts = new Date(start + Math.floor(next() * 365 * 86_400_000)).toISOString();
      const quantity = next() < 0.01 ? '' : String(1 + Math.floor(next() * 9));
      const price = next() < 0.01 ? '' : (1 + next() * 199).toFixed(2);
      const discount = next() < 0.3 ? '' : (next() * 0.3).toFixed(2);
      const returned = next() < 0.04 ? 'true' : 'false';
      const words = Math.floor(next() * 80);
      const note = Array.from({ length: words }, () => pick(WORDS)).join(' ');
      return [
        100_000 + index,
        ts,
        `s${String(1 + Math.floor(next() * 120)).padStart(3, '0')}`,
        pick(regions),
        `p${String(1 + Math.floor(next() * 2000)).padStart(4, '0')}`,
        pick(categories),
        quantity,
        price,
        discount,
        returned,
        quoted(note),
      ].join(',');
    },
  );

  const segments = ['a', 'b', 'c', 'd'];
  await writeLines(files[1]!, 'user_id,segment,age,tenure', USERS, (index) =>
    [index, pick(segments), 18 + Math.floor(next() * 60), Math.floor(next() * 120)].join(','),
  );
  const eventCategories = Array.from({ length: 8 }, (_, i) => `kind_${i}`);
  for (let file = 0; file < 4; file++) {
    const weights = Array.from({ length: 6 }, () => next() * 4 - 2);
    await writeLines(files[2 + file]!, 'user_id,category,x1,x2,x3,x4,x5,x6,y', EVENT_ROWS, () => {
      const xs = Array.from({ length: 6 }, () => next() * 10 - 5);
      const y = xs.reduce((sum, x, i) => sum + x * weights[i]!, 0) + (next() - 0.5) * 3;
      return [
        Math.floor(next() * USERS),
        pick(eventCategories),
        ...xs.map((x) => x.toFixed(4)),
        y.toFixed(4),
      ].join(',');
    });
  }
  writeFileSync(marker, VERSION);
  return { bytes: size(), fresh: true, salesRows: SALES_ROWS };
}
