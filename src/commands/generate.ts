// `order-batch generate`: writes a deterministic synthetic order file for
// demos, tests and benchmarks. What the user sees comes first.

import { rmSync } from 'node:fs';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { OrderFileFormat } from '../generate/orders.js';
import { isCurrencyCode } from '../money/currency.js';

const DESCRIPTION =
  'Write a synthetic order file, byte for byte the same for the same seed';

const EXAMPLES = `
--rows counts line items in CSV (the header is not counted) and orders in
JSONL. --reject-rate breaks that share of records, taking turns through
every reject code a single record can trigger; other lines of a broken order
are then rejected too (order_rejected). unknown_region is only a reject
when the file is processed with a --tax-table that has no '*' row.

Examples:
  $ order-batch generate --rows 1000000 -o orders.csv
  $ order-batch generate --format jsonl --currencies EUR,JPY,KWD -o o.jsonl
  $ order-batch generate --reject-rate 0.01 --shuffle --seed 7 \\
      | order-batch process - --input-format csv -o -
`;

interface GenerateFlags {
  rows: number;
  seed: number;
  format: OrderFileFormat;
  currencies: string[];
  regions: string[];
  rejectRate: number;
  shuffle: boolean;
  output: string;
}

// Defines `generate`; its options are checked as they are parsed.
export function generateCommand(): Command {
  return new Command('generate')
    .description(DESCRIPTION)
    .addOption(
      new Option('--rows <n>', 'line items (CSV) or orders (JSONL)')
        .argParser(parseRows)
        .default(1000),
    )
    .addOption(
      new Option('--seed <n>', 'seed of the generator, 0 to 2^32-1')
        .argParser(parseSeed)
        .default(1),
    )
    .addOption(
      new Option('--format <format>', 'file format')
        .choices(['csv', 'jsonl'])
        .default('csv'),
    )
    .addOption(
      new Option(
        '--currencies <list>',
        'ISO 4217 codes, comma ' + 'separated; each order picks one',
      )
        .argParser(parseCurrencies)
        .default(['EUR'], 'EUR'),
    )
    .addOption(
      new Option('--regions <list>', 'tax regions, comma separated')
        .argParser(parseRegions)
        .default(
          ['DE', 'FR', 'GB', 'US-CA', 'US-NY', 'JP'],
          'DE,FR,GB,US-CA,US-NY,JP',
        ),
    )
    .addOption(
      new Option(
        '--reject-rate <share>',
        'share of records made ' + 'bad on purpose, 0 to 1',
      )
        .argParser(parseRejectRate)
        .default(0),
    )
    .addOption(
      new Option(
        '--shuffle',
        'scatter the rows of each order ' + 'within windows of 50,000 records',
      ).default(false),
    )
    .addOption(
      new Option(
        '-o, --output <file>',
        'file to write, or - for ' + 'standard output',
      ).default('-'),
    )
    .addHelpText('after', EXAMPLES)
    .action(runGenerate);
}

// Writes the file; failures to write are reported here, exit code set.
// The generator loads only now, so that the other commands start without
// it.
async function runGenerate(flags: GenerateFlags): Promise<void> {
  const { generateOrders } = await import('../generate/orders.js');
  const chunks = generateOrders({
    rows: flags.rows,
    seed: flags.seed,
    format: flags.format,
    currencies: flags.currencies,
    regions: flags.regions,
    rejectRate: flags.rejectRate,
    shuffle: flags.shuffle,
  });

  if (flags.output === '-') await writeToStdout(chunks);
  else await writeFileAtomically(flags.output, chunks);
}

// Waits for 'drain' when stdout's buffer is full, so memory stays flat for
// any row count. A reader that stops early (`| head`) ends the run quietly.
async function writeToStdout(chunks: Iterable<Buffer>): Promise<void> {
  let failure: NodeJS.ErrnoException | undefined;
  process.stdout.on('error', (error) => {
    failure = error;
  });

  for (const chunk of chunks) {
    if (failure !== undefined) break;
    if (process.stdout.write(chunk)) continue;
    await once(process.stdout, 'drain').catch(() => undefined);
  }

  if (failure !== undefined && failure.code !== 'EPIPE') {
    failGenerate('standard output', 74, `writing failed (${failure.code})`);
  }
}

// Writes `<file>.<pid>.tmp` and renames it into place only when complete,
// so no reader ever sees half a file. The temporary file is removed on
// failure and on SIGINT/SIGTERM, which otherwise kill the process as is.
async function writeFileAtomically(file: string, chunks: Iterable<Buffer>) {
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w').catch((error: unknown) => {
    failGenerate(
      file,
      73,
      `cannot create it (${describe(error)}); check ` +
        'that its folder exists and is writable',
    );
  });
  if (handle === undefined) return;

  const stop = (signal: NodeJS.Signals) => {
    rmSync(temporary, { force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    // writeFile awaits each chunk before pulling the next: backpressure.
    await writeFile(handle, chunks);
    await handle.close();
    await rename(temporary, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    failGenerate(
      file,
      74,
      `writing failed part way (${describe(error)}); ` +
        'check free space and try again',
    );
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
  }
}

function failGenerate(target: string, exitCode: number, why: string): void {
  process.stderr.write(`order-batch: Cannot generate '${target}': ${why}\n`);
  process.exitCode = exitCode;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ?? String(error);
}

function parseRows(value: string): number {
  const rows = Number(value);
  if (/^\d+$/.test(value) && Number.isSafeInteger(rows) && rows >= 1) {
    return rows;
  }
  throw new InvalidArgumentError(`'${value}' is not a whole number from 1 up`);
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (/^\d+$/.test(value) && seed <= 0xffffffff) return seed;
  throw new InvalidArgumentError(
    `'${value}' is not a whole number from 0 to 4294967295`,
  );
}

function parseCurrencies(value: string): string[] {
  const codes = splitList(value);
  const bad = codes.find((code) => !isCurrencyCode(code));
  if (codes.length > 0 && bad === undefined) return codes;
  throw new InvalidArgumentError(
    `'${bad ?? value}' is not an upper-case ISO 4217 code such as EUR or JPY`,
  );
}

function parseRegions(value: string): string[] {
  const regions = splitList(value);
  const bad = regions.find((region) => !/^[A-Za-z0-9_-]+$/.test(region));
  if (regions.length > 0 && bad === undefined) return regions;
  throw new InvalidArgumentError(
    `'${bad ?? value}' is not a region code such as DE or US-CA`,
  );
}

function parseRejectRate(value: string): number {
  const share = Number(value);
  if (/^(\d+\.?\d*|\.\d+)$/.test(value) && share <= 1) return share;
  throw new InvalidArgumentError(`'${value}' is not a share from 0 to 1`);
}

function splitList(value: string): string[] {
  return value.split(',').map((item) => item.trim());
}
