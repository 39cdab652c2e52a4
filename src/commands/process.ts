// `order-batch process`: turns an order file into invoices, a rejects file
// and a summary. What the user sees comes first: the help, then the
// options (their parsers are in process-options.ts), then the action.
import { Command, Option } from 'commander';
import { usageError } from '../errors.js';
import { parseTaxRate, type TaxRate } from '../money/tax.js';
import { processFile, type ProcessOptions } from '../run/process-file.js';
import { runWithSignals } from '../run/signals.js';
import {
  parseCount,
  parseCurrency,
  parseDelimiter,
  parsePositive,
  parseRate,
  parseRejectsPath,
  parseSize,
} from './process-options.js';

const DESCRIPTION =
  'Turn an order file (CSV or JSON lines, .gz allowed, - for standard input) ' +
  'into invoices, rejects and a summary';

const EXAMPLES = `
Outputs go beside the input: orders.csv gives orders.invoices.csv,
orders.rejects.csv and orders.summary.json. Each appears whole or not at all.

Exit codes: 0 done, 3 done but more rejects than --max-rejects, 64 bad
command line, 65 unusable input, 66 input missing, 70 internal error,
73 output cannot be created, 74 read or write failed, 75 another run holds
the outputs, 130/143 stopped by SIGINT/SIGTERM.

Examples:
  $ order-batch process orders.csv
  $ order-batch process orders.jsonl.gz --tax-table rates.csv --max-rejects 100
  $ order-batch generate --rows 1000 | order-batch process - --input-format csv -o -
`;

interface ProcessFlags {
  inputFormat?: 'csv' | 'jsonl';
  delimiter: number;
  currency: string;
  taxRate: TaxRate;
  taxTable?: string;
  taxRounding: 'order' | 'line';
  rounding: 'half-up' | 'half-even';
  outputFormat: 'csv' | 'jsonl';
  output?: string;
  rejects?: string;
  summary?: string;
  formulaGuard: boolean;
  maxRecordSize: number;
  maxRejects: number;
  processes?: number;
  threads?: number;
  chunkSize: number;
  quiet: boolean;
}

/** Defines `process`; option values are checked as they are parsed. */
export function processCommand(): Command {
  return new Command('process')
    .description(DESCRIPTION)
    .argument(
      '<input>',
      'order file: .csv, .jsonl or .ndjson, optionally .gz; - for standard input',
    )
    .addOption(
      new Option(
        '--input-format <format>',
        'csv or jsonl; needed for -',
      ).choices(['csv', 'jsonl']),
    )
    .addOption(
      new Option('--delimiter <char>', 'CSV field delimiter, one byte')
        .argParser(parseDelimiter)
        .default(0x2c, ','),
    )
    .addOption(
      new Option('--currency <code>', 'currency of rows that name none')
        .argParser(parseCurrency)
        .default('USD'),
    )
    .addOption(
      new Option('--tax-rate <rate>', 'tax rate: 0.2, 0.0825 or 8.25%')
        .argParser(parseRate)
        .default(parseTaxRate('0.20'), '0.20'),
    )
    .addOption(
      new Option(
        '--tax-table <file>',
        'CSV of region,rate; region * is the fallback',
      ).conflicts('taxRate'),
    )
    .addOption(
      new Option('--tax-rounding <where>', 'round tax per order or per line')
        .choices(['order', 'line'])
        .default('order'),
    )
    .addOption(
      new Option('--rounding <mode>', 'half-up (away from zero) or half-even')
        .choices(['half-up', 'half-even'])
        .default('half-up'),
    )
    .addOption(
      new Option('--output-format <format>', 'invoices as csv or jsonl')
        .choices(['csv', 'jsonl'])
        .default('csv'),
    )
    .addOption(
      new Option('-o, --output <file>', 'invoices file, - for standard output'),
    )
    .addOption(
      new Option('--rejects <file>', 'rejects file (a file, not -)').argParser(
        parseRejectsPath,
      ),
    )
    .addOption(
      new Option(
        '--summary <file>',
        'JSON summary file, - for standard output',
      ),
    )
    .addOption(
      new Option(
        '--no-formula-guard',
        "do not prefix ' to cells starting with = + - @, tab or CR",
      ),
    )
    .addOption(
      new Option('--max-record-size <size>', 'longest record: 1m, 64k or bytes')
        .argParser(parseSize)
        .default(1 << 20, '1m'),
    )
    .addOption(
      new Option(
        '--max-rejects <n>',
        'rejected rows allowed before exit code 3',
      )
        .argParser(parseCount)
        .default(0),
    )
    .addOption(
      new Option(
        '--processes <n>',
        'worker processes (default: the cores; one, unforked, for inputs under 8 MiB)',
      ).argParser(parsePositive),
    )
    .addOption(
      new Option(
        '--threads <n>',
        'threads in each process (default: 1)',
      ).argParser(parsePositive),
    )
    .addOption(
      new Option(
        '--chunk-size <size>',
        'bytes a thread reads at a time: 1m, 64k or bytes',
      )
        .argParser(parseSize)
        .default(1 << 20, '1m'),
    )
    .addOption(
      new Option(
        '-q, --quiet',
        'no progress bar and no summary on standard error',
      ).default(false),
    )
    .addHelpText('after', EXAMPLES)
    .action(runProcess);
}

async function runProcess(input: string, flags: ProcessFlags): Promise<void> {
  if (flags.output === '-' && flags.summary === '-') {
    throw usageError(
      '-o - and --summary - cannot both use standard output; pick one',
    );
  }
  const options: ProcessOptions = {
    input,
    inputFormat: flags.inputFormat,
    delimiter: flags.delimiter,
    currency: flags.currency,
    taxRate: flags.taxRate,
    taxTable: flags.taxTable,
    taxRounding: flags.taxRounding,
    rounding: flags.rounding,
    outputFormat: flags.outputFormat,
    output: flags.output,
    rejects: flags.rejects,
    summary: flags.summary,
    formulaGuard: flags.formulaGuard,
    maxRecordBytes: flags.maxRecordSize,
    maxRejects: flags.maxRejects,
    processes: flags.processes,
    threads: flags.threads,
    chunkBytes: flags.chunkSize,
    quiet: flags.quiet,
  };
  process.exitCode = await runWithSignals(
    (signal) => processFile(options, signal),
    'nothing was published',
  );
}
