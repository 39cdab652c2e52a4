// What `order-batch bench` does once its options are read: runs each
// configuration, checks that all wrote the same invoices, prints the table
// and writes the reports asked for. Loaded by ../commands/bench.ts.
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { renderChart } from './chart.js';
import { gateOnEfficiency, warnIfOversubscribed } from './gate.js';
import { useGeneratedInput, useInputFile, type BenchInput } from './input.js';
import {
  benchReport,
  describeMachine,
  formatTable,
  githubBenchmark,
  toJsonText,
} from './report.js';
import { pinnableCpus } from './pin.js';
import { findMismatches, runBench } from './run.js';
import { computeResults, defaultProcessCounts, planConfigs } from './stats.js';
import { cannotCreate, internalError } from '../errors.js';
import type { OrderFileFormat } from '../generate/orders.js';
import { log } from '../log.js';

/** The options of `bench`, checked as they were parsed. */
export interface BenchFlags {
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
  pin: boolean;
  quiet: boolean;
}

/** Runs the benchmark; resolves to the exit code. */
export async function bench(
  flags: BenchFlags,
  signal: AbortSignal,
): Promise<number> {
  const cores = availableParallelism();
  const configs = planConfigs(
    flags.processes ?? defaultProcessCounts(cores),
    flags.threads,
  );
  for (const config of configs) warnIfOversubscribed(config, cores);

  const cpus = flags.pin ? pinnableCpus() : undefined;
  if (flags.pin && !cpus && !flags.quiet) {
    log('cannot pin runs to cores here (no taskset): each uses every core');
  }
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
    cpus,
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
      toJsonText(
        benchReport(
          machine,
          inputInfo,
          flags.runs,
          results,
          cpus !== undefined,
        ),
      ),
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
