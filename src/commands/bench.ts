// `order-batch bench`: how throughput grows from one core to all of them.
// What the user sees comes first: the help and the options, then the action.
// Option parsers, signal handling and the efficiency gate are in ../bench/.
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { renderChart } from '../bench/chart.js';
import { gateOnEfficiency, warnIfOversubscribed } from '../bench/gate.js';
import {
  useGeneratedInput,
  useInputFile,
  type BenchInput,
} from '../bench/input.js';
import {
  benchReport,
  describeMachine,
  formatTable,
  githubBenchmark,
  toJsonText,
} from '../bench/report.js';
import {
  parseCounts,
  parseRows,
  parseRuns,
  parseShare,
  parseSize,
} from '../bench/options.js';
import { findMismatches, runBench } from '../bench/run.js';
import { runWithSignals } from '../run/signals.js';
import {
  computeResults,
  defaultProcessCounts,
  planConfigs,
} from '../bench/stats.js';
import { cannotCreate, internalError } from '../errors.js';
import type { OrderFileFormat } from '../generate/orders.js';
import { log, setLogPrefix } from '../log.js';

const DESCRIPTION = 'Measure how throughput scales with processes and threads';

const EXAMPLES = `
Each configuration runs \`order-batch process\` as a child process: one
warm-up, then --runs timed runs, of which the median counts. 1 process ×
1 thread always runs first: it is the baseline of speedup. Efficiency is
speedup ÷ cores used, where cores used is processes × threads capped at the
machine's cores. Peak RSS is that of the largest single process, read from
/usr/bin/time (GNU) where there is one. Without --input, a generated file
(seed 1) is kept in $TMPDIR/order-batch-bench-cache for the next run.

The table goes to standard output; progress to standard error.

Exit codes: 0 done, 3 efficiency at the most cores below --min-efficiency,
64 bad command line, 65 unusable input, 66 input missing, 70 configurations
wrote different invoices or a run failed, 73 a report cannot be written,
130/143 stopped by SIGINT/SIGTERM.

Examples:
  $ order-batch bench
  $ order-batch bench --processes 1,2,4 --threads 1,2 --runs 5
  $ order-batch bench --rows 500000 --json bench.json --chart bench.svg
  $ order-batch bench --github-benchmark gh.json --min-efficiency 0.6
  $ order-batch bench --input orders.jsonl.gz --processes 4 --quiet
`;

interface BenchFlags {
  input?: string;
  rows: number;
  format: OrderFileFormat;
  processes?: number[];
  threads: number[];
  runs: number;
  chunkSize?: string;
  json?: string;
  githubBenchmark?: string;
  chart?: string;
  minEfficiency?: number;
  quiet: boolean;
}

/** Defines `bench`; option values are checked as they are parsed. */
export function benchCommand(): Command {
  return new Command('bench')
    .description(DESCRIPTION)
    .addOption(
      new Option(
        '--input <file>',
        'order file to process ' + '(default: a generated one)',
      ).conflicts(['rows', 'format']),
    )
    .addOption(
      new Option('--rows <n>', 'rows of the generated file')
        .argParser(parseRows)
        .default(2_000_000, '2000000'),
    )
    .addOption(
      new Option('--format <format>', 'format of the generated file')
        .choices(['csv', 'jsonl'])
        .default('csv'),
    )
    .addOption(
      new Option(
        '--processes <list>',
        'process counts, comma ' +
          'separated (default: powers of two up to the cores, and the cores)',
      ).argParser(parseCounts),
    )
    .addOption(
      new Option(
        '--threads <list>',
        'thread counts in each ' + 'process, comma separated',
      )
        .argParser(parseCounts)
        .default([1], '1'),
    )
    .addOption(
      new Option('--runs <n>', 'timed runs of each configuration')
        .argParser(parseRuns)
        .default(3),
    )
    .addOption(
      new Option(
        '--chunk-size <size>',
        'passed on to process: ' + '1m, 64k or bytes',
      ).argParser(parseSize),
    )
    .addOption(new Option('--json <file>', 'write the results as JSON'))
    .addOption(
      new Option(
        '--github-benchmark <file>',
        'write the results ' +
          "for github-action-benchmark's customBiggerIsBetter",
      ),
    )
    .addOption(
      new Option(
        '--chart <file>',
        'write an SVG chart of speedup ' + 'against cores',
      ),
    )
    .addOption(
      new Option(
        '--min-efficiency <e>',
        'exit 3 when efficiency ' + 'at the most cores is below this, e.g. 0.7',
      ).argParser(parseShare),
    )
    .addOption(
      new Option('-q, --quiet', 'no progress on standard error').default(false),
    )
    .addHelpText('after', EXAMPLES)
    .action(runBenchCommand);
}

async function runBenchCommand(flags: BenchFlags): Promise<void> {
  setLogPrefix('order-batch bench');
  process.exitCode = await runWithSignals(
    (signal) => bench(flags, signal),
    'no report was written',
  );
}

async function bench(flags: BenchFlags, signal: AbortSignal): Promise<number> {
  const cores = availableParallelism();
  const configs = planConfigs(
    flags.processes ?? defaultProcessCounts(cores),
    flags.threads,
  );
  for (const config of configs) warnIfOversubscribed(config, cores);

  const input = await prepareInput(flags, signal);
  const bin = fileURLToPath(
    new URL('../../bin/order-batch.js', import.meta.url),
  );
  const run = await runBench({
    bin,
    input: input.file,
    configs,
    runs: flags.runs,
    chunkSize: flags.chunkSize,
    signal,
    onProgress: flags.quiet ? undefined : log,
  });

  const mismatches = findMismatches(run.outcomes);
  if (mismatches.length > 0) {
    throw internalError(
      `the invoices of ${mismatches.join(', ')} differ ` +
        'from those of p1 t1, so their timings measure wrong work',
    );
  }

  const results = computeResults(
    run.outcomes,
    run.outcomes[0],
    { bytes: input.bytes, rows: run.rows },
    cores,
  );
  process.stdout.write(formatTable(results));

  const machine = describeMachine();
  const inputInfo = {
    file: input.file,
    bytes: input.bytes,
    rows: run.rows,
    format: run.format,
  };
  if (flags.json) {
    await writeReport(
      flags.json,
      toJsonText(benchReport(machine, inputInfo, flags.runs, results)),
    );
  }
  if (flags.githubBenchmark) {
    await writeReport(
      flags.githubBenchmark,
      toJsonText(githubBenchmark(results, flags.runs)),
    );
  }
  if (flags.chart) {
    const subtitle =
      `${machine.model}, ${machine.cpus} cores · ` +
      `${(input.bytes / 1e6).toFixed(0)} MB ${run.format} · ` +
      `median of ${flags.runs} run${flags.runs === 1 ? '' : 's'}`;
    await writeReport(
      flags.chart,
      renderChart(results, cores, {
        title: 'order-batch: speedup against cores used',
        subtitle,
      }),
    );
  }

  return gateOnEfficiency(results, flags.minEfficiency);
}

async function prepareInput(
  flags: BenchFlags,
  signal: AbortSignal,
): Promise<BenchInput> {
  if (flags.input !== undefined) return useInputFile(flags.input);

  const say = flags.quiet ? () => undefined : log;
  const input = await useGeneratedInput(
    flags.rows,
    flags.format,
    signal,
    (file) => say(`generating ${flags.rows} rows into ${file}`),
  );
  if (!input.generated) say(`using cached ${input.file}`);
  return input;
}

async function writeReport(file: string, text: string): Promise<void> {
  await writeFile(file, text).catch((error: unknown) => {
    throw cannotCreate(file, error);
  });
}
