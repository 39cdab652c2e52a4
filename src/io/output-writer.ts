// Buffered writes to a file descriptor, in blocks, so that a merge writing
// millions of short pieces makes few system calls. The writer owns a file
// opened for it from its start (always a regular temporary file): it
// writes at positions of its own, so that it can go back to a mark.
import { ftruncateSync, writeSync } from 'node:fs';
import { ioError } from '../errors.js';

const BLOCK_BYTES = 1 << 20;
// A piece this large is written as it is: copying it into a block would
// cost more than the system call it saves. A chunk's invoices, cut at its
// spread orders, come in pieces of a few hundred KiB.
const DIRECT_BYTES = 64 * 1024;

/** Collects text and bytes and writes them in blocks of about 1 MiB. */
export class OutputWriter {
  readonly #fd: number;
  /** The output this writes for, named when a write fails. */
  readonly #target: string;
  #pending: Array<string | Uint8Array> = [];
  #pendingBytes = 0;
  /** Bytes in the file: where the next block goes. */
  #position = 0;

  constructor(fd: number, target: string) {
    this.#fd = fd;
    this.#target = target;
  }

  write(data: string | Uint8Array): void {
    if (data.length === 0) return;
    if (typeof data !== 'string' && data.length >= DIRECT_BYTES) {
      this.flush();
      this.#writeAll(data);
      return;
    }
    this.#pending.push(data);
    this.#pendingBytes += data.length;
    if (this.#pendingBytes >= BLOCK_BYTES) this.flush();
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    const parts = this.#pending.map((part) =>
      typeof part === 'string' ? Buffer.from(part) : part,
    );
    const block = Buffer.concat(parts);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#writeAll(block);
  }

  /** Writes what is pending; returns where the file then ends. */
  mark(): number {
    this.flush();
    return this.#position;
  }

  /** Forgets what was written after `mark` (an answer of mark()). */
  rewind(mark: number): void {
    this.#pending = [];
    this.#pendingBytes = 0;
    try {
      ftruncateSync(this.#fd, mark);
    } catch (error) {
      throw ioError(this.#target, error);
    }
    this.#position = mark;
  }

  #writeAll(bytes: Uint8Array): void {
    try {
      for (let done = 0; done < bytes.length;) {
        const at = this.#position + done;
        done += writeSync(this.#fd, bytes, done, bytes.length - done, at);
      }
    } catch (error) {
      throw ioError(this.#target, error);
    }
    this.#position += bytes.length;
  }
}
