// Checks that a long stretch of bytes is UTF-8 piece by piece, in bounded
// memory: an over-long JSON line is never held whole.
import { isUtf8 } from 'node:buffer';

/** Whether every piece given so far, joined, is valid UTF-8. */
export class Utf8Check {
  valid = true;
  // The start of a character cut at the end of the last piece.
  #carry: Uint8Array = new Uint8Array(0);

  /** Checks the next piece; `last` when no piece follows. */
  check(piece: Uint8Array, last: boolean): void {
    if (!this.valid) return;
    const bytes =
      this.#carry.length > 0 ? Buffer.concat([this.#carry, piece]) : piece;
    const cut = last ? bytes.length : incompleteTail(bytes);
    this.valid = isUtf8(bytes.subarray(0, cut));
    // A copy: the caller may read the next piece into the same buffer.
    this.#carry = Uint8Array.prototype.slice.call(bytes, cut);
  }
}

// Where a character that the piece's end cuts short begins (or the length).
function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}
