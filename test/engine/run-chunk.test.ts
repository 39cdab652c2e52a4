import {
  closeSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { planChunks } from '../../src/engine/coordinator.js';
import { runChunk } from '../../src/engine/run-chunk.js';
import { readInputAt } from '../../src/engine/spill.js';
import type { JobSpec } from '../../src/engine/task.js';
import { isInputChanged } from '../../src/errors.js';
import { parseTaxRate } from '../../src/money/tax.js';
import type { ChunkSettings } from '../../src/orders/rules.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0))
    rmSync(folder, { recursive: true, force: true });
});

function jobFor(text: string, settings: Partial<ChunkSettings>): JobSpec {
  const folder = mkdtempSync(join(tmpdir(), 'run-chunk-'));
  folders.push(folder);
  const inputPath = join(folder, 'input');
  writeFileSync(inputPath, text);
  return {
    inputPath,
    fileBytes: Buffer.byteLength(text),
    spillDir: folder,
    settings: {
      format: 'jsonl',
      delimiter: 0x2c,
      columns: {
        orderId: -1,
        quantity: -1,
        unitPrice: -1,
        currency: -1,
        region: -1,
        customerId: -1,
      },
      fieldCount: 0,
      defaultCurrency: 'USD',
      tax: { rate: parseTaxRate('0.2')!, rounding: 'order' },
      rounding: 'half-up',
      outputFormat: 'csv',
      formulaGuard: true,
      maxRecordBytes: 64,
      ...settings,
    },
  };
}

describe('runChunk', () => {
  // A line longer than --max-record-size, in chunks far smaller than it,
  // once made its chunk read the rest of the file over and over.
  test('skips an over-long JSON line that runs past its chunk', () => {
    const good = '{"id":"A","items":[{"price":"1","quantity":1}]}\n';
    const long = `{"id":"L","sku":"${'x'.repeat(500)}"}\n`;
    const job = jobFor(good + long + good.replace('"A"', '"B"'), {});
    const reports = planChunks(0, job.fileBytes, 16).map((task) =>
      runChunk(job, task),
    );

    const owners = reports.filter((report) => report.rows > 0);
    expect(owners.map((report) => report.rows)).toEqual([1, 1, 1]);
    expect(owners[1].rejectedRows).toBe(1);
    expect(owners[1].end).toBe(good.length + long.length);
  });

  test('finds the same record starts with chunks smaller than a record', () => {
    const text = 'order_id,quantity,unit_price\nA,1,"1\n.5"\nB,2,3\n';
    const job = jobFor(text, {
      format: 'csv',
      columns: {
        orderId: 0,
        quantity: 1,
        unitPrice: 2,
        currency: -1,
        region: -1,
        customerId: -1,
      },
      fieldCount: 3,
    });
    const dataStart = text.indexOf('\n') + 1;
    const starts = planChunks(dataStart, job.fileBytes, 3).map(
      (task) => runChunk(job, task).start,
    );
    expect(starts.every((start) => start >= dataStart)).toBe(true);
  });
});

describe('reading the input again', () => {
  // The merge and the spread orders' thread read some records again after
  // the chunks: an input cut short by then must end the run with 74, as
  // one cut short under the chunks does, not as an internal error.
  test('a read past the end of the input is marked as the input changing', () => {
    const job = jobFor('order_id,quantity,unit_price\nA,1,1\n', {});
    const fd = openSync(job.inputPath, 'r');
    try {
      expect(readInputAt(fd, 0, 5).toString()).toBe('order');
      const error = errorOf(() => readInputAt(fd, 30, 10));
      expect(isInputChanged(error)).toBe(true);
    } finally {
      closeSync(fd);
    }
  });
});

function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('no error was thrown');
}
