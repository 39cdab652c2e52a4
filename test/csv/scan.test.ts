import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import {
  INCOMPLETE,
  RecordFields,
  scanRecord,
  skipText,
} from '../../src/csv/scan.js';

const COMMA = 0x2c;
const SEMICOLON = 0x3b;

interface Scanned {
  next: number;
  fields: string[];
  record: string;
  innerNewlines: number;
  highBit: boolean;
  strayQuote: boolean;
}

// Decodes each field the way a reader of RecordFields must: the content
// bytes, with doubled quotes undone when the field was escaped.
function fieldTexts(bytes: Buffer, fields: RecordFields): string[] {
  const texts: string[] = [];
  for (let i = 0; i < fields.count; i++) {
    const text = bytes.toString('utf8', fields.starts[i], fields.ends[i]);
    texts.push(fields.escaped[i] ? text.replaceAll('""', '"') : text);
  }
  return texts;
}

function scanOne(
  text: string | Buffer,
  options: {
    pos?: number;
    end?: number;
    atEof?: boolean;
    delimiter?: number;
  } = {},
): Scanned {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const fields = new RecordFields();
  const next = scanRecord(
    bytes,
    options.pos ?? 0,
    options.end ?? bytes.length,
    options.delimiter ?? COMMA,
    options.atEof ?? true,
    fields,
  );
  return {
    next,
    fields: next === INCOMPLETE ? [] : fieldTexts(bytes, fields),
    record:
      next === INCOMPLETE
        ? ''
        : bytes.toString('utf8', fields.recordStart, fields.recordEnd),
    innerNewlines: fields.innerNewlines,
    highBit: fields.highBit,
    strayQuote: fields.strayQuote,
  };
}

// Every non-blank record of the text, scanned one after another.
function scanAll(bytes: Buffer): string[][] {
  const fields = new RecordFields();
  const records: string[][] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const next = scanRecord(bytes, pos, bytes.length, COMMA, true, fields);
    expect(next).toBeGreaterThan(pos);
    expect(fields.strayQuote).toBe(false);
    const blank = fields.count === 1 && fields.recordEnd === pos;
    if (!blank) records.push(fieldTexts(bytes, fields));
    pos = next;
  }
  return records;
}

describe('scanRecord', () => {
  test.each([
    ['a,b,c\n', ['a', 'b', 'c'], 'a,b,c'],
    ['a,b,c\r\n', ['a', 'b', 'c'], 'a,b,c'],
    ['a,,c\n', ['a', '', 'c'], 'a,,c'],
    [',\n', ['', ''], ','],
    ['a,\r\n', ['a', ''], 'a,'],
    ['"a,b",c\n', ['a,b', 'c'], '"a,b",c'],
    ['"a""b",c\n', ['a"b', 'c'], '"a""b",c'],
    ['"",""\n', ['', ''], '"",""'],
    ['""""\n', ['"'], '""""'],
    ['"a\nb",c\n', ['a\nb', 'c'], '"a\nb",c'],
    ['"a\r\nb"\r\n', ['a\r\nb'], '"a\r\nb"'],
    ['a b , c\n', ['a b ', ' c'], 'a b , c'],
    ['a\rb,c\n', ['a\rb', 'c'], 'a\rb,c'],
    ['é,ü\n', ['é', 'ü'], 'é,ü'],
  ])('%j reads as %j', (text, fields, record) => {
    const scanned = scanOne(text);
    expect(scanned.next).toBe(Buffer.byteLength(text));
    expect(scanned.fields).toEqual(fields);
    expect(scanned.record).toBe(record);
    expect(scanned.strayQuote).toBe(false);
  });

  test('reads one record and answers the position after its line end', () => {
    const text = 'a,b\r\nc,d\n';
    const first = scanOne(text);
    expect(first.next).toBe(5);
    expect(first.fields).toEqual(['a', 'b']);
    const second = scanOne(text, { pos: 5 });
    expect(second.next).toBe(9);
    expect(second.fields).toEqual(['c', 'd']);
  });

  test('a blank line is one empty field with recordEnd at recordStart', () => {
    for (const text of ['\n', '\r\n']) {
      const fields = new RecordFields();
      const bytes = Buffer.from(text);
      expect(scanRecord(bytes, 0, bytes.length, COMMA, true, fields)).toBe(
        bytes.length,
      );
      expect(fields.count).toBe(1);
      expect(fields.recordStart).toBe(0);
      expect(fields.recordEnd).toBe(0);
    }
  });

  test('a quoted empty field is not a blank line', () => {
    const fields = new RecordFields();
    const bytes = Buffer.from('""\n');
    scanRecord(bytes, 0, bytes.length, COMMA, true, fields);
    expect(fields.count).toBe(1);
    expect(fields.recordEnd).toBe(2);
  });

  test('another delimiter byte separates fields', () => {
    expect(scanOne('a;"b;c";d,e\n', { delimiter: SEMICOLON }).fields).toEqual([
      'a',
      'b;c',
      'd,e',
    ]);
  });

  test('a record without a final line end completes at EOF', () => {
    expect(scanOne('a,b', { atEof: true })).toMatchObject({
      next: 3,
      fields: ['a', 'b'],
    });
    expect(scanOne('a,"b"', { atEof: true })).toMatchObject({
      next: 5,
      fields: ['a', 'b'],
    });
    expect(scanOne('a,b\r', { atEof: true })).toMatchObject({
      next: 4,
      fields: ['a', 'b'],
      record: 'a,b',
    });
  });

  test('a record without a line end is INCOMPLETE before EOF', () => {
    expect(scanOne('a,b', { atEof: false }).next).toBe(INCOMPLETE);
    expect(scanOne('a,b\r', { atEof: false }).next).toBe(INCOMPLETE);
    // The closing quote may yet be the first of a doubled pair.
    expect(scanOne('a,"b"', { atEof: false }).next).toBe(INCOMPLETE);
    expect(scanOne('"a\n', { atEof: false }).next).toBe(INCOMPLETE);
    expect(scanOne('a,b\nc', { atEof: false }).next).toBe(4);
  });

  test('a quote open at the end is INCOMPLETE, even at EOF', () => {
    for (const text of ['"a', '"a\n', 'x,"a,b\nc\n', '"a""', '"']) {
      expect(scanOne(text, { atEof: true }).next).toBe(INCOMPLETE);
      expect(scanOne(text, { atEof: false }).next).toBe(INCOMPLETE);
    }
  });

  test('stops at `end`, not at the end of the bytes', () => {
    expect(scanOne('a,b\nc', { end: 2, atEof: false }).next).toBe(INCOMPLETE);
    expect(scanOne('a,b\nc', { end: 3, atEof: true })).toMatchObject({
      next: 3,
      fields: ['a', 'b'],
    });
    expect(scanOne('"a"b', { end: 3, atEof: true })).toMatchObject({
      next: 3,
      fields: ['a'],
    });
  });

  test('counts line ends inside quoted fields', () => {
    expect(scanOne('"a\nb","c\r\nd\ne"\n').innerNewlines).toBe(3);
    expect(scanOne('a,b\n').innerNewlines).toBe(0);
    expect(scanOne('"a\rb"\n').innerNewlines).toBe(0);
  });

  test.each([
    'a"b,c\n',
    '"a"b,c\n',
    'a,"b" \n',
    'a,b"\n',
    ' "a",b\n',
    '"a" ,b\n',
    '"a"\r\r\n',
  ])('%j has a stray quote', (text) => {
    const scanned = scanOne(text);
    expect(scanned.next).toBe(Buffer.byteLength(text));
    expect(scanned.strayQuote).toBe(true);
  });

  test('a stray quote does not open a field: the line end still ends the record', () => {
    expect(scanOne('a"b,c\nd\n')).toMatchObject({ next: 6, strayQuote: true });
  });

  test('flags bytes >= 0x80, quoted or not', () => {
    expect(scanOne('a,é\n').highBit).toBe(true);
    expect(scanOne('"é",a\n').highBit).toBe(true);
    expect(scanOne('"a""é"\n').highBit).toBe(true);
    expect(scanOne(Buffer.from([0x61, 0x2c, 0xff, 0x0a])).highBit).toBe(true);
    expect(scanOne('a,"b""c"\n').highBit).toBe(false);
  });

  test('flags reset from record to record', () => {
    const fields = new RecordFields();
    const bytes = Buffer.from('"é\n"b,"c\n"\na,b\n');
    const next = scanRecord(bytes, 0, bytes.length, COMMA, true, fields);
    expect(fields).toMatchObject({
      highBit: true,
      strayQuote: true,
      innerNewlines: 2,
    });
    scanRecord(bytes, next, bytes.length, COMMA, true, fields);
    expect(fields).toMatchObject({
      highBit: false,
      strayQuote: false,
      innerNewlines: 0,
      count: 2,
    });
  });

  test('the CR before LF is left out of the last field, quoted or not', () => {
    expect(scanOne('a,b\r\n').fields).toEqual(['a', 'b']);
    expect(scanOne('a,"b"\r\n').fields).toEqual(['a', 'b']);
    expect(scanOne('a,"b"\r\n').strayQuote).toBe(false);
    expect(scanOne('a,\r\n').fields).toEqual(['a', '']);
    expect(scanOne('a\r\r\n').fields).toEqual(['a\r']);
  });

  test('more than 64 fields grow the field arrays', () => {
    const cells = Array.from({ length: 200 }, (_, i) =>
      i % 3 === 0 ? `"x""${i}"` : `${i}`,
    );
    const expected = Array.from({ length: 200 }, (_, i) =>
      i % 3 === 0 ? `x"${i}` : `${i}`,
    );
    expect(scanOne(`${cells.join(',')}\n`).fields).toEqual(expected);
  });
});

// RFC 4180 records from the awkward characters, written the way an
// exporter would: quoted when they need it, and sometimes when not.
const cellText = fc
  .array(fc.constantFrom('a', ',', '"', '\n', '\r\n', ' ', 'é'), {
    maxLength: 6,
  })
  .map((parts) => parts.join(''));
const cell = fc
  .tuple(cellText, fc.boolean())
  .map(([text, quoteAnyway]) =>
    quoteAnyway || /[",\r\n]/.test(text)
      ? `"${text.replaceAll('"', '""')}"`
      : text,
  );
const csvRecord = fc
  .array(cell, { minLength: 1, maxLength: 5 })
  .map((cells) => cells.join(','));
const csvText = fc
  .tuple(
    fc.array(fc.tuple(csvRecord, fc.constantFrom('\n', '\r\n')), {
      minLength: 1,
      maxLength: 8,
    }),
    fc.boolean(),
  )
  .map(([records, finalLineEnd]) => {
    const text = records.map(([record, lineEnd]) => record + lineEnd).join('');
    const last = records[records.length - 1][1];
    return finalLineEnd ? text : text.slice(0, text.length - last.length);
  });

describe('scanRecord against csv-parse', () => {
  test('reads random RFC 4180 text as csv-parse does', () => {
    fc.assert(
      fc.property(csvText, (text) => {
        const expected = parse(text, {
          relax_column_count: true,
          skip_empty_lines: true,
          record_delimiter: ['\r\n', '\n'],
        });
        expect(scanAll(Buffer.from(text))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  test('a record cut short is INCOMPLETE or read whole, never misread', () => {
    const cut = csvText.chain((text) =>
      fc.tuple(
        fc.constant(text),
        fc.integer({ min: 0, max: Buffer.byteLength(text) }),
      ),
    );
    fc.assert(
      fc.property(cut, ([text, end]) => {
        const whole = scanOne(text, { atEof: true });
        const part = scanOne(text, { end, atEof: false });
        if (part.next !== INCOMPLETE) expect(part).toEqual(whole);
        if (end === Buffer.byteLength(text) && whole.next < end)
          expect(part).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  test('counts the line ends inside quoted fields of random records', () => {
    fc.assert(
      fc.property(csvRecord, (record) => {
        const scanned = scanOne(`${record}\n`);
        const cells: string[][] = parse(`${record}\n`, {
          relax_column_count: true,
          record_delimiter: ['\r\n', '\n'],
        });
        const inner = cells.flat().join('').split('\n').length - 1;
        expect(scanned.innerNewlines).toBe(inner);
        expect(scanned.highBit).toBe(record.includes('é'));
      }),
      { numRuns: 300 },
    );
  });
});

// skipText tests four bytes at a time with borrowing arithmetic: held here
// to the rule it keeps, one byte at a time, at every offset into a word.
function skipTextByBytes(
  bytes: Uint8Array,
  pos: number,
  end: number,
  delimiter: number,
): number {
  let p = pos;
  while (p < end) {
    const byte = bytes[p];
    if (byte < 0x20 || byte === 0x22 || byte >= 0x80 || byte === delimiter) {
      break;
    }
    p++;
  }
  return p;
}

describe('skipText', () => {
  // Bytes near every edge the word tests draw: around the space, the quote
  // and 0x80, line ends, tabs, and the delimiters.
  const edgeByte = fc.constantFrom(
    0x00,
    0x01,
    0x09,
    0x0a,
    0x0d,
    0x1f,
    0x20,
    0x21,
    0x22,
    0x23,
    0x2b,
    0x2c,
    0x2d,
    0x3b,
    0x41,
    0x7f,
    0x80,
    0x81,
    0xa0,
    0xa2,
    0xac,
    0xc3,
    0xff,
  );
  const anyByte = fc.oneof(edgeByte, fc.integer({ min: 0, max: 255 }));
  const plainByte = fc
    .integer({ min: 0x23, max: 0x7f })
    .filter((b) => b !== 0x2c && b !== 0x3b);
  const input = fc
    .tuple(
      fc.array(
        fc.oneof(
          { weight: 3, arbitrary: plainByte },
          { weight: 1, arbitrary: anyByte },
        ),
        {
          maxLength: 40,
        },
      ),
      fc.nat(),
      fc.nat(),
      fc.constantFrom(COMMA, SEMICOLON, 0x09, 0x7c),
    )
    .map(([list, a, b, delimiter]) => {
      const bytes = Buffer.from(list);
      const pos = bytes.length === 0 ? 0 : a % (bytes.length + 1);
      const end = pos + (b % (bytes.length - pos + 1));
      return { bytes, pos, end, delimiter };
    });

  test('stops where a byte-at-a-time loop stops, on random bytes', () => {
    fc.assert(
      fc.property(input, ({ bytes, pos, end, delimiter }) => {
        expect(skipText(bytes, pos, end, delimiter)).toBe(
          skipTextByBytes(bytes, pos, end, delimiter),
        );
      }),
      { numRuns: 2000 },
    );
  });

  test('stops at each kind of byte in each place of a word', () => {
    // A view into a larger buffer, so that the word reads mind its offset.
    const whole = Buffer.alloc(20, 'x');
    const bytes = whole.subarray(3);
    for (const stop of [0x00, 0x0a, 0x0d, 0x1f, 0x22, 0x2c, 0x80, 0xff]) {
      for (let at = 0; at < 12; at++) {
        bytes.fill('a');
        bytes[at] = stop;
        expect(skipText(bytes, 0, bytes.length, COMMA)).toBe(at);
        expect(skipText(bytes, at + 1, bytes.length, COMMA)).toBe(bytes.length);
        expect(skipText(bytes, 0, at, COMMA)).toBe(at);
      }
    }
  });
});
