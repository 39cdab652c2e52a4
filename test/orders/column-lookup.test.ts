// ColumnLookup is held to what a plain reading of the column gives: the
// trimmed text (or the empty value's stand-in) and its meaning, whatever
// the previous rows held and whichever values share a slot.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { RecordFields, scanRecord } from '../../src/csv/scan.js';
import { ColumnLookup } from '../../src/orders/column-lookup.js';

// The meaning of a known value names it, so that a meaning kept for the
// wrong value shows; any other value means 'other'.
const KNOWN = ['DEF', 'EUR', 'USD', 'FR', 'GB', 'EU"R', 'Ü', 'R7', 'R149'];
const MEANINGS = new Map(KNOWN.map((text) => [text, `${text}:known`]));
const meaningOf = (text: string) => MEANINGS.get(text) ?? 'other';

// Reads column 1 of each line.
function readAll(lines: string[], buffers: 'one' | 'each' | 'refilled') {
  const lookup = new ColumnLookup(1, 'DEF', MEANINGS, 'other');
  const fields = new RecordFields();
  const shared = Buffer.alloc(64 * 1024);
  const seen: Array<[string, string]> = [];
  const all = Buffer.from(lines.map((line) => `${line}\n`).join(''), 'utf8');
  let pos = 0;
  for (const line of lines) {
    let bytes = all;
    let at = pos;
    if (buffers !== 'one') {
      const own = Buffer.from(`${line}\n`, 'utf8');
      bytes = buffers === 'each' ? own : shared;
      if (buffers === 'refilled') own.copy(shared);
      lookup.forgetBuffer();
      at = 0;
    }
    const end =
      buffers === 'one' ? all.length : at + Buffer.byteLength(line) + 1;
    pos += Buffer.byteLength(line) + 1;
    scanRecord(bytes, at, end, 0x2c, true, fields);
    lookup.read(bytes, fields, !fields.highBit);
    seen.push([lookup.text, lookup.meaning]);
  }
  return seen;
}

function expected(line: string): [string, string] {
  const field = line.split(',')[1] ?? '';
  const unquoted = field.startsWith('"')
    ? field.slice(1, -1).replaceAll('""', '"')
    : field;
  const text = unquoted.replace(/^[ \t]+/, '').replace(/[ \t]+$/, '') || 'DEF';
  return [text, meaningOf(text)];
}

describe('ColumnLookup', () => {
  test('reads each value as a plain reading would, in any buffers', () => {
    const value = fc.oneof(
      fc.constantFrom('EUR', 'USD', 'FR', 'GB', '', ' EUR ', '\tGB'),
      fc.stringMatching(/^[A-Z]{1,3}$/),
      fc.constantFrom('"EU""R"', '"GB"', 'Ü', 'x'.repeat(40)),
    );
    const lines = fc.array(
      value.map((text) => `id,${text},1`),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(
        lines,
        fc.constantFrom('one', 'each', 'refilled'),
        (rows, buffers) => {
          expect(readAll(rows, buffers as 'one')).toEqual(rows.map(expected));
        },
      ),
    );
  });

  test('values that share a slot keep their own meanings', () => {
    // More distinct values than slots: some must share one.
    const rows = Array.from({ length: 300 }, (_, i) => `id,R${i % 150},1`);
    expect(readAll(rows, 'one')).toEqual(rows.map(expected));
  });

  test('a column the header lacks reads as the empty value', () => {
    const lookup = new ColumnLookup(-1, 'USD', new Map([['USD', 3]]), 0);
    const fields = new RecordFields();
    const bytes = Buffer.from('a,b\n');
    scanRecord(bytes, 0, bytes.length, 0x2c, true, fields);
    lookup.read(bytes, fields, true);
    expect([lookup.text, lookup.meaning]).toEqual(['USD', 3]);
  });
});
