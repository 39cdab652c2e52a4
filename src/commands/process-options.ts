// Parsers of `process`'s option values: each returns the value, or throws
// commander's InvalidArgumentError, which the CLI turns into exit 64.
import { InvalidArgumentError } from 'commander';
import { isCurrencyCode } from '../money/currency.js';
import { parseTaxRate, type TaxRate } from '../money/tax.js';

const SIZE = /^(\d+)([kmg]?)$/i;
const SIZE_UNITS: Record<string, number> = {
  '': 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
};

/** A size like 4m, 64k or 1000, in bytes. */
export function parseSize(text: string): number {
  const match = SIZE.exec(text.trim());
  const bytes = match
    ? Number(match[1]) * SIZE_UNITS[match[2].toLowerCase()]
    : 0;
  if (!match || bytes < 1 || !Number.isSafeInteger(bytes)) {
    throw new InvalidArgumentError(
      `'${text}' is not a size like 4m, 64k or 1000`,
    );
  }
  return bytes;
}

/** The rejects file: any path but "-". */
export function parseRejectsPath(text: string): string {
  if (text === '-') {
    throw new InvalidArgumentError(
      'the rejects go to a file; standard output is for the invoices (-o -)',
    );
  }
  return text;
}

/** A process or thread count, 1 to 1024. */
export function parsePositive(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 1024) {
    throw new InvalidArgumentError(
      `'${text}' is not a whole number from 1 to 1024`,
    );
  }
  return value;
}

/** A whole number, 0 up. */
export function parseCount(text: string): number {
  if (!/^\d+$/.test(text))
    throw new InvalidArgumentError(`'${text}' is not a whole number`);
  return Number(text);
}

/** A tax rate: 0.2, 0.0825 or 8.25%. */
export function parseRate(text: string): TaxRate {
  const rate = parseTaxRate(text);
  if (!rate)
    throw new InvalidArgumentError(
      `'${text}' is not a rate like 0.2, 0.0825 or 8.25%`,
    );
  return rate;
}

/** An upper-case ISO 4217 code. */
export function parseCurrency(text: string): string {
  if (!isCurrencyCode(text))
    throw new InvalidArgumentError(`'${text}' is not an ISO 4217 code`);
  return text;
}

/** One byte, other than a quote or a line end; \\t for a tab. */
export function parseDelimiter(text: string): number {
  const bytes = Buffer.from(text === '\\t' ? '\t' : text);
  if (
    bytes.length !== 1 ||
    bytes[0] === 0x22 ||
    bytes[0] === 0x0a ||
    bytes[0] === 0x0d
  ) {
    throw new InvalidArgumentError(
      `'${text}' is not one byte other than a quote or line end`,
    );
  }
  return bytes[0];
}
