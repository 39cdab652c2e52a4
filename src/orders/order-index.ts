// Finds a chunk's orders by their ids: an open-addressing table of order
// numbers, probed by the ids' 52-bit hashes. An ASCII id is looked up
// straight from the record's bytes, so a row of an order already seen
// makes no string (nor does a new order: it keeps where its id's bytes
// are); a Map of strings cost 6 % of a chunk's time, most of it making
// and hashing the string of every row's id.
import { hashAsciiBytes, hashOrderId } from './hash.js';
import { OrderPartial } from './partial.js';

const MIN_SLOTS = 16;

/** The orders of one chunk, in the order of their first lines. */
export class OrderIndex {
  readonly orders: OrderPartial[] = arrayOfObjects();
  // Order number + 1 in each slot, 0 for an empty one; at most half full.
  #slots: Int32Array;

  /** An index with room for about `expectedOrders` before it grows. */
  constructor(expectedOrders = 0) {
    let slots = MIN_SLOTS;
    while (slots < expectedOrders * 2) slots *= 2;
    this.#slots = new Int32Array(slots);
  }

  /** The order whose id is the ASCII bytes [start, end), made if new. */
  atAscii(bytes: Buffer, start: number, end: number): OrderPartial {
    const hash = hashAsciiBytes(bytes, start, end);
    const mask = this.#slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = this.#slots[slot];
      if (held === 0) {
        const index = this.orders.length;
        return this.#add(
          OrderPartial.ofAsciiId(bytes, start, end, index, hash),
          slot,
        );
      }
      const order = this.orders[held - 1];
      if (order.hash === hash && order.keyIs(bytes, start, end)) return order;
    }
  }

  /** The order whose id is `key`, made if new. */
  at(key: string): OrderPartial {
    const hash = hashOrderId(key);
    const mask = this.#slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = this.#slots[slot];
      if (held === 0) {
        return this.#add(new OrderPartial(key, this.orders.length, hash), slot);
      }
      const order = this.orders[held - 1];
      if (order.hash === hash && order.key === key) return order;
    }
  }

  #add(order: OrderPartial, slot: number): OrderPartial {
    this.orders.push(order);
    this.#slots[slot] = this.orders.length;
    if (this.orders.length * 2 > this.#slots.length) this.#grow();
    return order;
  }

  #grow(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let index = 0; index < this.orders.length; index++) {
      let slot = this.orders[index].hash & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = index + 1;
    }
    this.#slots = slots;
  }
}

// An empty array that holds objects from the start. A `[]` starts as an
// array of small integers: the code compiled while one chunk pushed its
// orders deoptimized at the next chunk's first push, and was compiled
// again (three functions, once each).
function arrayOfObjects<T extends object>(): T[] {
  const array = [{}] as T[];
  array.pop();
  return array;
}
