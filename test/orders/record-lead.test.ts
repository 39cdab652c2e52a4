import { describe, expect, test } from 'vitest';
import { RecordLead } from '../../src/orders/record-lead.js';
import { noColumns } from '../../src/orders/rules.js';

const columns = (orderId: number, customerId: number) => ({
  ...noColumns(),
  orderId,
  customerId,
});

describe('RecordLead', () => {
  test.each([
    [columns(0, 1), 6, 2],
    [columns(0, 1), 2, 1], // the customer is the last column
    [columns(0, 3), 6, 1],
    [columns(0, -1), 6, 1],
    [columns(1, 0), 6, 0],
    [columns(0, 1), 1, 0],
  ])('%o with %i fields leads with %i of them', (cols, fieldCount, fields) => {
    expect(new RecordLead(cols, fieldCount).fields).toBe(fields);
  });

  test('matches a record that repeats the lead remembered, then forgets it', () => {
    // A buffer inside a larger one, so that views must mind its offset.
    const whole = Buffer.from('junk|ORD-100,CUST-7,1\nORD-100,CUST-7,2\n');
    const bytes = whole.subarray(5);
    const lead = new RecordLead(columns(0, 1), 3);
    lead.remember(bytes, 0, 'ORD-100,CUST-7'.length);
    expect(lead.length).toBe('ORD-100,CUST-7,'.length);
    const next = bytes.indexOf('\n') + 1;
    expect(lead.matchAt(bytes, next)).toBe(true);
    expect(lead.matchAt(bytes, next)).toBe(false); // forgotten

    lead.remember(bytes, 0, 'ORD-100,CUST-7'.length);
    lead.forget();
    expect(lead.matchAt(bytes, next)).toBe(false);
  });

  test('tells apart leads that differ in any byte, or in another buffer', () => {
    const first = 'ORD-100,CUST-7,';
    const lead = new RecordLead(columns(0, 1), 3);
    for (let at = 0; at < first.length; at++) {
      const other = first.slice(0, at) + '#' + first.slice(at + 1);
      const bytes = Buffer.from(`${first}1\n${other}2\n`);
      lead.remember(bytes, 0, first.length - 1);
      expect(lead.matchAt(bytes, first.length + 2)).toBe(false);
    }
    const bytes = Buffer.from(`${first}1\n${first}2\n`);
    lead.remember(bytes, 0, first.length - 1);
    expect(lead.matchAt(Buffer.from(bytes), first.length + 2)).toBe(false);
    lead.remember(bytes, 0, first.length - 1);
    expect(lead.matchAt(bytes, first.length + 2)).toBe(true);
  });

  test('does not match past the end of the bytes', () => {
    const bytes = Buffer.from('ORD-1,C,1\nORD-1,');
    const lead = new RecordLead(columns(0, 1), 3);
    lead.remember(bytes, 0, 'ORD-1,C'.length);
    expect(lead.matchAt(bytes, 'ORD-1,C,1\n'.length)).toBe(false);
  });
});
