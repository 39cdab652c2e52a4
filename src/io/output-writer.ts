// Buffered writes to a file descriptor, in blocks, so that a merge writing
// millions of short pieces makes few system calls. The writer owns a file
// opened for it from its start (always a regular temporary file): it
// writes at positions of its own, so that it can go back to a mark.
import { fdatasync, ftruncateSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { ioError } from '../errors.js';

const fdatasyncAsync = promisify(fdatasync);

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
  // What is pending, copied into one block: views of the pieces, joined
  // by Buffer.concat, cost a slow copy each, and a scattered file's merge
  // writes millions of invoice lines of its own.
  readonly #block = Buffer.allocUnsafeSlow(BLOCK_BYTES);
  #pendingBytes = 0;
  /** Bytes in the file: where the next block goes. */
  #position = 0;
  // Whether sync() puts the file on disk: not for a file only copied on.
  readonly #durable: boolean;

  constructor(fd: number, target: string, { durable = true } = {}) {
    this.#fd = fd;
    this.#target = target;
    this.#durable = durable;
  }

  write(data: string | Uint8Array): void {
    if (data.length === 0) return;
    if (typeof data === 'string') {
      this.#writeText(data);
    } else if (data.length >= DIRECT_BYTES) {
      this.flush();
      this.#writeAll(data);
    } else {
      if (this.#pendingBytes + data.length > BLOCK_BYTES) this.flush();
      this.#block.set(data, this.#pendingBytes);
      this.#pendingBytes += data.length;
    }
  }

  // A text takes at most 3 bytes a UTF-16 unit.
  #writeText(text: string): void {
    if (this.#pendingBytes + text.length * 3 > BLOCK_BYTES) {
      this.flush();
      if (text.length * 3 > BLOCK_BYTES) {
        this.#writeAll(Buffer.from(text));
        return;
      }
    }
    this.#pendingBytes += this.#block.write(text, this.#pendingBytes);
  }

  flush(): void {
    if (this.#pendingBytes === 0) return;
    this.#writeAll(this.#block.subarray(0, this.#pendingBytes));
    this.#pendingBytes = 0;
  }

  /**
   * Writes what is pending and, for a durable writer, waits on a thread of
   * libuv's pool until the file's data is on disk: a file renamed into
   * place is then whole after a crash too, and a disk that runs full only
   * as the data goes out (ext4 allocates blocks then) fails the run
   * instead of an output published.
   */
  async sync(): Promise<void> {
    this.flush();
    if (!this.#durable) return;
    try {
      await fdatasyncAsync(this.#fd);
    } catch (error) {
      throw ioError(this.#target, error);
    }
  }

  /** Writes what is pending; returns where the file then ends. */
  mark(): number {
    this.flush();
    return this.#position;
  }

  /** Forgets what was written after `mark` (an answer of mark()). */
  rewind(mark: number): void {
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
