// Finds the input and its format, and makes it a file that can be read by
// byte range: standard input and .gz are first spooled, decompressed, to a
// temporary file beside the outputs. That costs one sequential pass and the
// disk space, and lets every kind of input be cut into chunks the same way.
// A stream found to be gzip once spooled is decompressed from the spool.
import {
  closeSync,
  createReadStream,
  createWriteStream,
  openSync,
  readSync,
  renameSync,
  statSync,
} from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import {
  ioError,
  isOutOfSpace,
  missingInput,
  unusableInput,
  usageError,
} from '../errors.js';
import type { InputFormat } from '../orders/rules.js';

/** The input as a readable file. */
export interface PreparedInput {
  /** The name the user gave, for messages and the summary. */
  name: string;
  path: string;
  fileBytes: number;
  /** Bytes of the input as given (compressed for .gz). */
  sourceBytes: number;
  format: InputFormat;
  /**
   * When the file read in place was last modified, as the run began; none
   * for a spooled input, which is the run's own.
   */
  modifiedMs?: number;
}

/** The format named by a file name, or undefined. */
export function formatFromName(name: string): InputFormat | undefined {
  const plain = name.replace(/\.gz$/i, '').toLowerCase();
  if (plain.endsWith('.csv')) return 'csv';
  if (plain.endsWith('.jsonl') || plain.endsWith('.ndjson')) return 'jsonl';
  return undefined;
}

/** Resolves the input; spools standard input and .gz files to `spoolPath`. */
export async function prepareInput(
  name: string,
  format: InputFormat | undefined,
  spoolPath: string,
  onSourceBytes: (bytes: number, total: number) => void,
  signal: AbortSignal,
): Promise<PreparedInput> {
  const resolved = format ?? formatFromName(name);
  if (!resolved) {
    throw usageError(
      name === '-'
        ? 'Cannot read standard input: its format is unknown; ' +
            'give --input-format csv or jsonl'
        : `Cannot process ${name}: its format is unknown; ` +
            'name it .csv or .jsonl, or give --input-format',
    );
  }
  const gzip = /\.gz$/i.test(name);
  // A pipe or a device given by name (a FIFO, /dev/stdin, a shell's
  // <(...)) cannot be read by byte range: it is spooled, as - is.
  const stream = name === '-' || !isFile(name);
  if (!stream && !gzip) {
    checkReadable(name);
    const { size, mtimeMs } = statSync(name);
    return {
      name,
      path: name,
      fileBytes: size,
      sourceBytes: size,
      format: resolved,
      modifiedMs: mtimeMs,
    };
  }

  const total = stream ? 0 : sizeOf(name);
  let sourceBytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sourceBytes += chunk.length;
      onSourceBytes(sourceBytes, total);
      done(null, chunk);
    },
  });
  const source: NodeJS.ReadableStream =
    name === '-' ? process.stdin : createReadStream(name);
  await spool(name, [source, counter], gzip, spoolPath, signal);
  // A stream has no name that says gzip: its first two bytes do.
  if (stream && !gzip && startsWithGzip(spoolPath)) {
    const plainPath = `${spoolPath}.plain`;
    await spool(name, [createReadStream(spoolPath)], true, plainPath, signal);
    renameSync(plainPath, spoolPath);
  }
  return {
    name,
    path: spoolPath,
    fileBytes: sizeOf(spoolPath),
    sourceBytes,
    format: resolved,
  };
}

/**
 * Whether the file read in place is no longer as it was when the run
 * began (its size or its modification time): rows written to it meanwhile
 * are rows the run did not read.
 */
export function hasChangedSince(input: PreparedInput): boolean {
  if (input.modifiedMs === undefined) return false;
  try {
    const { size, mtimeMs } = statSync(input.path);
    return size !== input.fileBytes || mtimeMs !== input.modifiedMs;
  } catch {
    return true;
  }
}

// Copies `streams` (a source and what it goes through) to `spoolPath`,
// decompressed when `gzip`.
async function spool(
  name: string,
  streams: NodeJS.ReadableStream[],
  gzip: boolean,
  spoolPath: string,
  signal: AbortSignal,
): Promise<void> {
  const sink = createWriteStream(spoolPath);
  const gunzip = gzip ? [createGunzip()] : [];
  try {
    await pipeline([...streams, ...gunzip, sink], { signal });
  } catch (error) {
    // A signal stops the copy too: a pipe that stays open must not keep
    // the run alive.
    if (signal.aborted) throw signal.reason;
    if ((error as NodeJS.ErrnoException).code?.startsWith('Z_')) {
      throw unusableInput(
        name,
        `it is not valid gzip (${(error as Error).message})`,
      );
    }
    // The spool file is ours: failing to write it is a write failure; a
    // full disk, which names no file, is told as the run tells one (74).
    if (isOutOfSpace(error)) throw error;
    if ((error as NodeJS.ErrnoException).path === spoolPath) {
      throw ioError(spoolPath, error);
    }
    throw missingInput(name === '-' ? 'standard input' : name, error);
  }
}

// Whether the file begins as gzip does (1f 8b), which no UTF-8 text can:
// 0x8b never follows an ASCII byte.
function startsWithGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    return (
      readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b
    );
  } finally {
    closeSync(fd);
  }
}

// Whether `path` is a regular file; a missing path or a folder fails as a
// missing input.
function isFile(path: string): boolean {
  sizeOf(path);
  return statSync(path).isFile();
}

// A file that cannot be opened is an input missing or unreadable (66),
// found before any work.
function checkReadable(path: string): void {
  try {
    closeSync(openSync(path, 'r'));
  } catch (error) {
    throw missingInput(path, error);
  }
}

function sizeOf(path: string): number {
  try {
    const stats = statSync(path);
    if (stats.isDirectory())
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return stats.size;
  } catch (error) {
    throw missingInput(path, error);
  }
}
