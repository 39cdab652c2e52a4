// A DataView kept for the buffer last asked for: the hot loops read a
// chunk's bytes four at a time through it, and a chunk is one buffer, read
// record after record.

/** The view of the buffer asked for last, made anew only for another. */
export class WordView {
  #bytes: Uint8Array = new Uint8Array(0);
  #view: DataView = new DataView(new ArrayBuffer(0));

  of(bytes: Uint8Array): DataView {
    if (this.#bytes !== bytes) {
      this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      this.#bytes = bytes;
    }
    return this.#view;
  }
}
