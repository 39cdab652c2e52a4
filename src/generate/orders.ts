// Deterministic synthetic order files for demos, tests and benchmarks.
// Records are built as strings whose characters are all below 256 and sent
// out as Buffer.from(text, 'latin1'), one byte per character: valid UTF-8 is
// spelled byte by byte ('\xc3\xa9' is é), and an invalid_encoding record can
// carry a raw 0xff byte, which no JavaScript string encoded as UTF-8 can.

import { breakDraft, type Reject } from './bad-records.js';
import { createDraft, createItem } from './drafts.js';
import { createPlan, type Plan } from './plan.js';
import { createRandom, mix32, pickInt, type Random } from './random.js';
import { CSV_HEADER, renderCsvLine, renderJsonLine } from './render.js';

export { REJECT_KINDS, type RejectKind } from './bad-records.js';
export { CSV_HEADER } from './render.js';

export type OrderFileFormat = 'csv' | 'jsonl';

export interface GenerateOptions {
  /** CSV: line items, header not counted. JSONL: orders, one a line. */
  rows: number;
  seed?: number;
  format?: OrderFileFormat;
  currencies?: string[];
  regions?: string[];
  /** Share of records deliberately broken, 0 to 1. */
  rejectRate?: number;
  /** Scatter the rows of an order across a window of records. */
  shuffle?: boolean;
  shuffleWindowRows?: number;
}

const CHUNK_BYTES = 1 << 20;
const DEFAULT_WINDOW_ROWS = 50_000;

// Yields the file as ~1 MiB Buffers; the same options give the same bytes.
export function* generateOrders(options: GenerateOptions): Generator<Buffer> {
  const plan = createPlan(options);
  const records =
    plan.format === 'csv'
      ? generateCsvRecords(plan)
      : generateJsonRecords(plan);
  // The shuffle draws from its own stream, so content matches unshuffled.
  const ordered = options.shuffle
    ? shuffleWithinWindows(
        records,
        options.shuffleWindowRows ?? DEFAULT_WINDOW_ROWS,
        createRandom(mix32(plan.seed ^ 0x5eed)),
      )
    : records;

  let parts = plan.format === 'csv' ? [`${CSV_HEADER}\n`] : [];
  let chars = parts[0]?.length ?? 0;
  for (const record of ordered) {
    parts.push(record);
    chars += record.length;
    if (chars < CHUNK_BYTES) continue;
    yield Buffer.from(parts.join(''), 'latin1');
    parts = [];
    chars = 0;
  }
  if (parts.length > 0) yield Buffer.from(parts.join(''), 'latin1');
}

function* generateCsvRecords(plan: Plan): Generator<string> {
  let emitted = 0;
  for (let orderNo = 1; emitted < plan.rows; orderNo++) {
    const order = createDraft(plan, orderNo, 0);
    const remaining = plan.rows - emitted;
    const rejects: Reject[] = [];
    const lineCount = Math.min(1 + pickInt(plan.random, 5), remaining);
    for (let i = 0; i < lineCount; i++) rejects.push(plan.nextReject());
    // mixed_order needs a second line of the order to disagree with.
    if (lineCount === 1 && rejects[0]?.kind === 'mixed_order') {
      if (remaining > 1) rejects.push(plan.nextReject());
      else rejects[0] = { kind: 'missing_field', variant: 0 };
    }

    for (const reject of rejects) {
      const line = { ...order, items: [createItem(plan, order.currency)] };
      yield renderCsvLine(plan, breakDraft(plan, line, reject), reject);
      emitted += 1;
    }
  }
}

function* generateJsonRecords(plan: Plan): Generator<string> {
  let lastCleanId = 'ORD-000001';
  for (let orderNo = 1; orderNo <= plan.rows; orderNo++) {
    const draft = createDraft(plan, orderNo, 1 + pickInt(plan.random, 5));
    const reject = plan.nextReject();
    if (reject === undefined) lastCleanId = draft.id ?? lastCleanId;
    if (reject?.kind === 'duplicate_order') draft.id = lastCleanId;
    yield renderJsonLine(breakDraft(plan, draft, reject), reject);
  }
}

// Fisher-Yates, inside out, within windows of `windowRows` records: the
// rows of an order land far apart while memory stays bounded by one window.
function* shuffleWithinWindows(
  records: Iterable<string>,
  windowRows: number,
  random: Random,
): Generator<string> {
  const window: string[] = [];
  for (const record of records) {
    const slot = pickInt(random, window.length + 1);
    window.push(window[slot] ?? record);
    window[slot] = record;
    if (window.length >= windowRows) yield* window.splice(0);
  }
  yield* window;
}
