// The writer keeps what it was given, in order, and rewind() forgets what
// came after a mark, as the merge needs when it writes a second time.
import {
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { OutputWriter } from '../../src/io/output-writer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true });
});

function writerOf(): { writer: OutputWriter; read: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'output-writer-'));
  dirs.push(dir);
  const path = join(dir, 'out');
  const fd = openSync(path, 'w');
  const writer = new OutputWriter(fd, path);
  return {
    writer,
    read: () => {
      writer.flush();
      closeSync(fd);
      return readFileSync(path, 'utf8');
    },
  };
}

describe('OutputWriter', () => {
  test('writes texts and bytes in order, small and large', () => {
    const { writer, read } = writerOf();
    const large = 'x'.repeat(200 * 1024);
    writer.write('head\n');
    writer.write(Buffer.from(large));
    writer.write('é,');
    writer.write(Buffer.from('tail'));
    expect(read()).toBe(`head\n${large}é,tail`);
  });

  test('keeps many small pieces in order across its blocks', () => {
    const { writer, read } = writerOf();
    const pieces: string[] = [];
    // Some 3 MB in pieces of up to 300 bytes, texts with two-byte
    // characters among bytes, so that pieces meet every block's end.
    for (let i = 0; i < 20_000; i++) {
      const piece = `${i}:${'aé'.repeat(i % 150)};`;
      pieces.push(piece);
      writer.write(i % 3 === 0 ? Buffer.from(piece) : piece);
    }
    expect(read()).toBe(pieces.join(''));
  });

  test('rewind forgets what came after the mark, pending or written', () => {
    const { writer, read } = writerOf();
    writer.write('header\n');
    const mark = writer.mark();
    writer.write(Buffer.from('y'.repeat(300 * 1024)));
    writer.write('pending');
    writer.rewind(mark);
    writer.write('second pass\n');
    expect(read()).toBe('header\nsecond pass\n');
  });
});
