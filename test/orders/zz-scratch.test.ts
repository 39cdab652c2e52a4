import { test } from 'vitest';
import { ChunkProcessor } from '../../src/orders/chunk.js';
import { settleChunk } from '../../src/orders/settle-chunk.js';
import { Rules, type ChunkSettings } from '../../src/orders/rules.js';
import { parseTaxRate } from '../../src/money/tax.js';

const base: ChunkSettings = {
  format: 'csv', delimiter: 44,
  columns: { orderId: 0, customerId: 1, currency: 2, region: 3, quantity: 4, unitPrice: 5 },
  fieldCount: 6, defaultCurrency: 'USD',
  tax: { rate: parseTaxRate('0.19')!, rounding: 'order' }, rounding: 'half-up',
  outputFormat: 'csv', formulaGuard: true, maxRecordBytes: 1 << 20,
};
function split(text: string, k: number, s: Partial<ChunkSettings> = {}) {
  const buf = Buffer.from(text);
  const p = new ChunkProcessor(new Rules({ ...base, ...s }), 0, buf.length);
  p.feed(buf.subarray(0, k), 0, k >= buf.length);
  while (!p.done && !p.fatal) p.feed(buf.subarray(p.position), p.position, true);
  const o = settleChunk(p, 0, (a, b) => buf.subarray(a, b));
  return { fatal: o.fatal, rows: o.rows, inv: o.invoiceText, rej: o.rejectText, lines: [...o.rejectLines] };
}
test('x', () => {
  const csv = 'A,C,USD,DE,1,1\r\nB,C,USD,DE,1,2\r\n'; // record 14 bytes
  console.log(split(csv, csv.length, { maxRecordBytes: 14 }));
  console.log(split(csv, 15, { maxRecordBytes: 14 }));
  const js = '{"id":"A"}\r  \n{"id":"B"}\n';
  console.log(split(js, js.length, { format: 'jsonl', maxRecordBytes: 10 }));
  console.log(split(js, 11, { format: 'jsonl', maxRecordBytes: 10 }));
});
