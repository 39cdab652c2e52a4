// `order-batch bench`: how throughput grows from one core to all of them.
// What the user sees comes first: the help and the options, then the action,
// whose work (../bench/main.ts) loads only when bench runs, so that the
// other commands start without it. Option parsers are in ../bench/.
import { Command, Option } from 'commander';
import type { BenchFlags } from '../bench/main.js';
import {
  parseCounts,
  parseRows,
  parseRuns,
  parseShare,
  parseSize,
} from '../bench/options.js';
import { setLogPrefix } from '../log.js';
import { runWithSignals } from '../run/signals.js';

const DESCRIPTION = 'Measure how throughput scales with processes and threads';

const EXAMPLES = `
Each configuration runs \`order-batch process\` as a child process: one
warm-up, then --runs timed runs, of which the median counts. 1 process ×
1 thread always runs first: it is the baseline of speedup. Efficiency is
speedup ÷ cores used, where cores used is processes × threads capped at the
machine's cores. On Linux each run is pinned (taskset) to as many CPUs as
it uses, so that the baseline runs on one core, helpers and all (--no-pin
lets every run use all of them). Peak RSS is that of the largest single
process, read from /usr/bin/time (GNU) where there is one. MB/s counts the
input's bytes as given (compressed, for .gz). Without --input, a generated
file (seed 1) is kept in $TMPDIR/order-batch-bench-cache for the next run.

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
      new Option(
        '--no-pin',
        'let every run use all the cores, not only as many ' + 'as it uses',
      ),
    )
    .addOption(
      new Option('-q, --quiet', 'no progress on standard error').default(false),
    )
    .addHelpText('after', EXAMPLES)
    .action(runBenchCommand);
}

async function runBenchCommand(flags: BenchFlags): Promise<void> {
  setLogPrefix('order-batch bench');
  const { bench } = await import('../bench/main.js');
  process.exitCode = await runWithSignals(
    (signal) => bench(flags, signal),
    'no report was written',
  );
}
