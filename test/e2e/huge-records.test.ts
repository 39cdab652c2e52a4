// Records too big for memory: a 60 MB JSON line, and a quote left open
// near the start of a 40 MB CSV. Both inputs are generated here (too big
// to commit). The line is rejected and the orders around it invoiced; the
// CSV stops with 65 naming the line; neither is read into memory whole.
// Memory is measured with GNU time, where there is one.
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  codesByLine,
  hasGnuTime,
  parseInvoices,
  peakRssMb,
  readIn,
  readRejects,
  runCli,
  suiteDir,
  type CliResult,
} from './helpers.js';
import { expectStoppedClean } from './runs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const MB = 1024 * 1024;
// A ceiling no run of these inputs should come near, on any machine.
const CEILING_MB = 300;
// What a big record may add to a run of the same options on a small file:
// half the record, so that a copy of it held whole breaks the bound.
const GROWTH_MB = 30;
// Explicit, so that the same processes run on any machine.
const PROCESSES = ['--processes', '2'];

/** Writes `parts` to `path` in order; a number is that many MB of 'x'. */
function writeParts(path: string, parts: Array<string | number>): void {
  const megabyte = Buffer.alloc(MB, 'x');
  const fd = openSync(path, 'w');
  try {
    for (const part of parts) {
      if (typeof part === 'string') writeSync(fd, part);
      else for (let i = 0; i < part; i++) writeSync(fd, megabyte);
    }
  } finally {
    closeSync(fd);
  }
}

interface MeasuredRun extends CliResult {
  /** Peak resident memory of any of its processes; NaN without GNU time. */
  peakMb: number;
}

/** A new folder `name` in `root`. */
function folderIn(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  return dir;
}

/** Processes `input` in `dir`; GNU time's file goes beside `dir`. */
async function measuredRun(dir: string, input: string): Promise<MeasuredRun> {
  const peakRssFile = `${dir}.rss`;
  const outputs = ['-o', 'out.inv', '--rejects', 'out.rej'];
  const result = await runCli(
    ['process', input, ...outputs, '--summary', 'out.json', '-q', ...PROCESSES],
    {
      cwd: dir,
      timeoutMs: 60_000,
      ...(hasGnuTime() ? { peakRssFile } : {}),
    },
  );
  const peakMb = hasGnuTime() ? peakRssMb(peakRssFile) : NaN;
  return { ...result, peakMb };
}

const order = (id: string) =>
  `{"id":"${id}","items":[{"price":"1.50","quantity":2}]}\n`;

describe('a 60 MB JSON line', () => {
  let root: string;
  let dir: string;
  let huge: MeasuredRun;
  let small: MeasuredRun;

  beforeAll(async () => {
    root = suiteDir();
    dir = folderIn(root, 'huge');
    const smallDir = folderIn(root, 'small');
    writeParts(join(smallDir, 'small.jsonl'), [order('A'), order('B')]);
    writeParts(join(dir, 'huge.jsonl'), [
      order('A'),
      order('B'),
      '{"id":"HUGE","note":"',
      60,
      '","items":[{"price":"1.00","quantity":1}]}\n',
      order('C'),
      order('D'),
    ]);
    small = await measuredRun(smallDir, 'small.jsonl');
    huge = await measuredRun(dir, 'huge.jsonl');
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('is rejected as record_too_long on its line; the orders around it are invoiced', () => {
    expect(huge.code, huge.stderr).toBe(3);
    expect(codesByLine(readRejects(dir, 'out.rej'))).toEqual([
      [3, 'record_too_long'],
    ]);
    const invoices = parseInvoices(readIn(dir, 'out.inv'));
    expect(invoices.map((row) => row.order_id)).toEqual(['A', 'B', 'C', 'D']);
    expect(JSON.parse(readIn(dir, 'out.json'))).toMatchObject({
      rows: 5,
      invoiced_rows: 4,
      rejected_rows: 1,
    });
  });

  test.runIf(hasGnuTime())(`takes under ${CEILING_MB} MB`, () => {
    expect(small.code).toBe(0);
    expect(huge.peakMb).toBeLessThan(CEILING_MB);
  });

  // Threads inside the line look for its end in small reads, and the one
  // that owns it skips it once it passes --max-record-size.
  test.runIf(hasGnuTime())(
    `takes at most ${GROWTH_MB} MB more than a run on a small file`,
    () => {
      expect(huge.peakMb - small.peakMb).toBeLessThan(GROWTH_MB);
    },
  );
});

describe('a quote left open near the start of a 40 MB CSV', () => {
  let root: string;
  let dir: string;
  let open: MeasuredRun;
  let small: MeasuredRun;

  beforeAll(async () => {
    root = suiteDir();
    dir = folderIn(root, 'open');
    const smallDir = folderIn(root, 'small');
    const header = 'order_id,sku,quantity,unit_price\n';
    const rows: string[] = [];
    for (let i = 0; i < 25_000; i++) rows.push(`R${i},SKU-${i},1,1.00\n`);
    const block = rows.join('');
    const blocks = Math.ceil((40 * MB) / block.length);
    writeParts(join(smallDir, 'small.csv'), [header, block]);
    writeParts(join(dir, 'open.csv'), [
      header,
      'A,X,1,1.00\n',
      'B,"oops,1,1.00\n',
      ...Array<string>(blocks).fill(block),
    ]);
    small = await measuredRun(smallDir, 'small.csv');
    open = await measuredRun(dir, 'open.csv');
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('exits 65 naming the file and line 3, nothing published', () => {
    expect(open.code, open.stderr).toBe(65);
    expect(open.stderr).toContain('open.csv');
    expect(open.stderr).toMatch(/line 3\b/);
    expectStoppedClean(dir, open.stderr, ['open.csv']);
  });

  test.runIf(hasGnuTime())(
    `takes under ${CEILING_MB} MB, and at most ${GROWTH_MB} MB more than a run on a small file`,
    () => {
      expect(small.code).toBe(0);
      expect(open.peakMb).toBeLessThan(CEILING_MB);
      expect(open.peakMb - small.peakMb).toBeLessThan(GROWTH_MB);
    },
  );
});
