// Processes one chunk where it runs (a pool thread, or the primary for
// small inputs): finds its first record, reads its bytes, settles its
// orders and spills the result.
import { openSync } from 'node:fs';
import { ByteSink } from '../orders/byte-sink.js';
import { ChunkProcessor } from '../orders/chunk.js';
import { Rules } from '../orders/rules.js';
import { settleChunk } from '../orders/settle-chunk.js';
import { readInputAt, readInputInto, writeSpill } from './spill.js';
import type { ChunkReport, ChunkTask, JobSpec } from './task.js';

// Read past the chunk's end so that the record crossing it is usually
// complete in the first read; longer records make the read grow. Small:
// 64 KiB a chunk read 6 % of the file twice.
const SLACK_BYTES = 4 * 1024;
const LF = 0x0a;

const openFiles = new Map<string, number>();

// The chunk's bytes are read into one buffer that every chunk of this
// thread reuses: a fresh megabyte a chunk cost a page fault every 4 KiB
// (measured: a quarter of a second of system time on 10M rows).
let chunkBuffer = Buffer.allocUnsafeSlow(0);
// The same for the invoice text and the runs, spilled before the next chunk
// is settled.
const invoiceSink = new ByteSink();
const runSink = new ByteSink();

// Like readInputAt, into chunkBuffer; the bytes are valid until the next
// call.
function readChunkBytes(fd: number, position: number, length: number) {
  if (chunkBuffer.length < length) {
    chunkBuffer = Buffer.allocUnsafeSlow(
      Math.max(length, chunkBuffer.length * 2),
    );
  }
  return readInputInto(chunkBuffer.subarray(0, length), fd, position);
}

/** Runs a chunk task to its report. */
export function runChunk(job: JobSpec, task: ChunkTask): ChunkReport {
  const fd = openFileOnce(job.inputPath);
  const rules = new Rules(job.settings);
  const start = task.exactStart ?? guessRecordStart(fd, task.nominalStart, job);
  const processor = new ChunkProcessor(rules, start, task.nominalEnd);

  let want = Math.max(task.nominalEnd - start, 0) + SLACK_BYTES;
  while (!processor.done && !processor.fatal) {
    const position = processor.position;
    const length = Math.min(want, job.fileBytes - position);
    const bytes = readChunkBytes(fd, position, length);
    processor.feed(bytes, position, position + length >= job.fileBytes);
    // No record finished in these bytes: one is longer, read more at once.
    want =
      processor.position === position
        ? want * 2
        : Math.max(task.nominalEnd - processor.position, 0) + SLACK_BYTES;
  }
  // A buffer grown for one long record is not kept for the chunks after.
  const usualBytes = task.nominalEnd - task.nominalStart + SLACK_BYTES;
  if (chunkBuffer.length > 2 * usualBytes) {
    chunkBuffer = Buffer.allocUnsafeSlow(0);
  }

  const outcome = settleChunk(
    processor,
    start,
    (from, to) => readInputAt(fd, from, to - from),
    invoiceSink,
    runSink,
  );
  const written = outcome.fatal
    ? emptySpill()
    : writeSpill(job.spillDir, outcome);
  return {
    index: task.index,
    attempt: task.attempt,
    start: outcome.start,
    end: outcome.end,
    newlines: outcome.newlines,
    fatal: outcome.fatal,
    rows: outcome.rows,
    invoicedRows: outcome.invoicedRows,
    rejectedRows: outcome.rejectedRows,
    invoices: outcome.invoices,
    rejectedOrders: outcome.rejectedOrders,
    totals: outcome.totals,
    orders: outcome.hashes.length,
    rejects: outcome.rejectLines.length,
    edges: outcome.edges,
    ...written,
  };
}

function emptySpill() {
  return {
    spillPath: '',
    spillOffset: 0,
    invoiceBytes: 0,
    rejectBytes: 0,
    rejectAscii: true,
    runBytes: 0,
  };
}

/**
 * The first record start at or after `offset`, guessing that the line end
 * before it is not inside quotes. The merge checks the guess against where
 * the previous chunk's last record really ended, and redoes a wrong one.
 */
function guessRecordStart(fd: number, offset: number, job: JobSpec): number {
  if (offset >= job.fileBytes) return job.fileBytes;
  // Chunks smaller than a record all search the same stretch for its line
  // end; remembering the last answer keeps that linear, not quadratic.
  const known = lastSearch;
  if (
    known.path === job.inputPath &&
    offset >= known.from &&
    offset <= known.found
  ) {
    return known.found;
  }
  const found = searchRecordStart(fd, offset, job);
  lastSearch = { path: job.inputPath, from: offset, found };
  return found;
}

let lastSearch = { path: '', from: 0, found: 0 };

// Reads in blocks of one size into one buffer: inside a line of 60 MB, a
// search whose reads doubled held a 32 MB buffer at the end. A line end is
// usually a few dozen bytes on, so the blocks are small.
const SEARCH_BLOCK_BYTES = 4 * 1024;
const searchBuffer = Buffer.allocUnsafeSlow(SEARCH_BLOCK_BYTES);

function searchRecordStart(fd: number, offset: number, job: JobSpec): number {
  for (let position = offset - 1; position < job.fileBytes;) {
    const length = Math.min(SEARCH_BLOCK_BYTES, job.fileBytes - position);
    const bytes = readInputInto(searchBuffer.subarray(0, length), fd, position);
    const lf = bytes.indexOf(LF);
    if (lf >= 0) return position + lf + 1;
    position += length;
  }
  return job.fileBytes;
}

function openFileOnce(path: string): number {
  let fd = openFiles.get(path);
  if (fd === undefined) {
    fd = openSync(path, 'r');
    openFiles.set(path, fd);
  }
  return fd;
}
