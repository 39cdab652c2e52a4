// A chunk's runs as its spill keeps them: in input order, each run as four
// small numbers of one to a few bytes each (an order's next number and the
// run's gap, length and line are nearly always small), about 5 bytes a run
// where grouping them by order in doubles took 28. Written for every chunk
// and read back only for the few spread orders that the chunks' edges do
// not describe, so the writing is what counts: on 10M rows, 92 MB of runs
// cost the shard processes about 0.3 s of processor time, most of it the
// kernel's taking of the pages.
import type { ByteSink } from './byte-sink.js';
import type { RunList } from './row-table.js';

/**
 * Writes the runs of `runs` (order, start, end, line each, in input
 * order, none overlapping, none before `chunkStart`) into `sink`.
 */
export function encodeRuns(
  runs: RunList,
  chunkStart: number,
  sink: ByteSink,
): void {
  const { data, length } = runs;
  // Four numbers a run, each at most 8 bytes of 7 bits (2^56 > 2^53).
  const buffer = sink.room((length / 4) * 4 * 8);
  let at = sink.length;
  let lastOrder = -1;
  let lastEnd = chunkStart;
  let lastLine = 0;
  for (let run = 0; run < length; run += 4) {
    const order = data[run];
    const start = data[run + 1];
    const end = data[run + 2];
    const line = data[run + 3];
    // Zigzag: the next order is 0, an earlier one a small odd number.
    const step = order - lastOrder - 1;
    at = putNumber(buffer, at, step >= 0 ? 2 * step : -2 * step - 1);
    at = putNumber(buffer, at, start - lastEnd);
    at = putNumber(buffer, at, end - start);
    at = putNumber(buffer, at, line - lastLine);
    lastOrder = order;
    lastEnd = end;
    lastLine = line;
  }
  sink.length = at;
}

/**
 * The runs of the `wanted` orders among runs encoded by encodeRuns, each
 * order's as (start, end, line) triples in input order.
 */
export function decodeRuns(
  bytes: Uint8Array,
  chunkStart: number,
  wanted: ReadonlySet<number>,
): Map<number, number[]> {
  const found = new Map<number, number[]>();
  const reader = { bytes, at: 0 };
  let order = -1;
  let end = chunkStart;
  let line = 0;
  while (reader.at < bytes.length) {
    const zigzag = takeNumber(reader);
    order += 1 + (zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2);
    const start = end + takeNumber(reader);
    end = start + takeNumber(reader);
    line += takeNumber(reader);
    if (!wanted.has(order)) continue;
    let runs = found.get(order);
    if (!runs) found.set(order, (runs = []));
    runs.push(start, end, line);
  }
  return found;
}

// A non-negative safe integer, 7 bits a byte, low bits first; the high bit
// says that more follow. Arithmetic, not bit operations, past 2^31.
function putNumber(buffer: Buffer, at: number, value: number): number {
  let rest = value;
  while (rest >= 0x80) {
    buffer[at++] = 0x80 + (rest % 0x80);
    rest = Math.floor(rest / 0x80);
  }
  buffer[at] = rest;
  return at + 1;
}

function takeNumber(reader: { bytes: Uint8Array; at: number }): number {
  let value = 0;
  for (let scale = 1; ; scale *= 0x80) {
    const byte = reader.bytes[reader.at++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
  }
}
