// One `order-batch process` run from start to exit code: lock, read the
// header, process every chunk, merge, check the invariants, publish.
import { createReadStream, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { runChunks } from '../engine/coordinator.js';
import type { ChunkMerge } from '../engine/merge.js';
import type { MergeOutputs } from '../engine/merge-stretch.js';
import {
  checkHere,
  checkOnThread,
  type SpreadIdCheck,
} from '../engine/spread-ids-aside.js';
import type { JobSpec } from '../engine/task.js';
import {
  ExitCode,
  inputChanged,
  ioError,
  isInputChanged,
  isOutOfSpace,
  OrderBatchError,
  outOfSpace,
} from '../errors.js';
import { jsonLayout, readCsvLayout } from '../io/header.js';
import { hasChangedSince, prepareInput } from '../io/input.js';
import { OutputWriter } from '../io/output-writer.js';
import {
  checkSeparate,
  defaultOutputPaths,
  type OutputPaths,
} from '../io/output-paths.js';
import { closeQuietly, OutputSet } from '../io/outputs.js';
import { readTaxTable } from '../io/tax-table.js';
import { log } from '../log.js';
import type { RoundingMode, TaxRate } from '../money/tax.js';
import { INVOICE_HEADER, REJECTS_HEADER } from '../orders/render.js';
import {
  noColumns,
  type ChunkSettings,
  type InputFormat,
  type OutputFormat,
} from '../orders/rules.js';
import { Progress } from '../progress.js';
import { summaryJson, summaryText } from './summary.js';

/** The options of a process run, checked by the command. */
export interface ProcessOptions {
  input: string;
  inputFormat?: InputFormat;
  delimiter: number;
  currency: string;
  taxRate: TaxRate;
  taxTable?: string;
  taxRounding: 'order' | 'line';
  rounding: RoundingMode;
  outputFormat: OutputFormat;
  output?: string;
  rejects?: string;
  summary?: string;
  formulaGuard: boolean;
  maxRecordBytes: number;
  maxRejects: number;
  processes?: number;
  threads?: number;
  chunkBytes: number;
  quiet: boolean;
}

// Below this size, forking processes and threads costs more than it saves.
const INLINE_MAX_BYTES = 8 * 1024 * 1024;
const DEFAULT_THREADS = 1;

/** Runs `process`; resolves to the exit code. */
export async function processFile(
  options: ProcessOptions,
  signal: AbortSignal,
): Promise<number> {
  const startedMs = Date.now();
  const paths = {
    ...defaultOutputPaths(options.input, options.outputFormat),
    ...(options.output ? { invoices: options.output } : {}),
    ...(options.rejects ? { rejects: options.rejects } : {}),
    ...(options.summary ? { summary: options.summary } : {}),
  };
  checkSeparate(options.input, paths, options.taxTable);
  const outputs = new OutputSet(paths);
  const progress = await Progress.create(!options.quiet, 'processing');
  outputs.lock();
  // A second signal exits at once; the clean-up is synchronous, so it still
  // runs on the way out.
  const cleanUpOnExit = () => outputs.cleanUp();
  process.once('exit', cleanUpOnExit);
  let idCheck: SpreadIdCheck | undefined;
  let fds: { invoices: number; rejects: number } | undefined;
  const closeOutputs = () => {
    if (!fds) return;
    closeQuietly(fds.invoices);
    closeQuietly(fds.rejects);
    fds = undefined;
  };
  let merging: Promise<ChunkMerge> | undefined;
  try {
    fds = outputs.openTemporaries();
    // The bar starts once its total is known: over 0 bytes it drew 100 %.
    // Standard input, whose size is not known, draws none while spooled.
    const input = await prepareInput(
      options.input,
      options.inputFormat,
      join(outputs.spillDir, 'input'),
      (done, total) => {
        if (total > 0 && done === 0) progress.start(total);
        progress.setBytes(done);
      },
      signal,
    );
    signal.throwIfAborted();
    const settings = settingsFor(options, input);
    const layout =
      input.format === 'csv'
        ? readCsvLayout(
            input.path,
            input.fileBytes,
            options.delimiter,
            options.maxRecordBytes,
            input.name,
          )
        : jsonLayout(input.path, input.fileBytes, input.name);
    settings.columns = layout.columns;
    settings.fieldCount = layout.fieldCount;

    const job: JobSpec = {
      inputPath: input.path,
      fileBytes: input.fileBytes,
      spillDir: outputs.spillDir,
      settings,
    };
    const explicit =
      options.processes !== undefined || options.threads !== undefined;
    const inline = !explicit && input.fileBytes < INLINE_MAX_BYTES;
    const processes = inline
      ? 1
      : (options.processes ?? availableParallelism());
    const threads = inline ? 1 : (options.threads ?? DEFAULT_THREADS);
    progress.start(input.fileBytes - layout.dataStart);
    const check = (idCheck = inline ? checkHere() : checkOnThread());
    // The id check's thread starts when nine tenths are read: its start
    // then overlaps the last chunks, not the merge (and not the whole run,
    // which it would slow while both cores are busy).
    const prepareCheckAt = 0.9 * (input.fileBytes - layout.dataStart);
    let bytesRead = 0;
    const writers = openWriters(fds, options, paths);
    // The merge's code loads while the first chunks are read rather than
    // before the shard processes are forked; until then, the merge writes
    // nothing ahead. A failure to start it is met where it is awaited.
    let merge: ChunkMerge | undefined;
    merging = import('../engine/merge.js').then(
      ({ ChunkMerge }) => (merge = new ChunkMerge(job, writers, check, signal)),
    );
    merging.catch(() => undefined);
    const chain = await runChunks(job, {
      processes,
      threads,
      chunkBytes: options.chunkBytes,
      dataStart: layout.dataStart,
      headerLines: layout.headerLines,
      inputName: input.name,
      inline,
      signal,
      onChunk: (report) => {
        progress.add(report.end - report.start, report.rows);
        bytesRead += report.end - report.start;
        if (bytesRead >= prepareCheckAt) check.prepare();
      },
      onAccepted: (accepted) => merge?.writeAhead(accepted),
    });
    signal.throwIfAborted();
    progress.stop();

    const result = await (await merging).finish(chain.accepted);
    closeOutputs();
    // A file that grew (or changed) while it was read has rows this run
    // did not see: its invoices would be short.
    if (hasChangedSince(input)) throw inputChanged(input.name);
    if (paths.invoices === '-') await copyToStdout(outputs.invoicesTemporary);

    signal.throwIfAborted();
    const exitCode =
      result.rejectedRows > options.maxRejects
        ? ExitCode.tooManyRejects
        : ExitCode.ok;
    const facts = {
      input: input.name,
      format: input.format,
      bytes: input.sourceBytes,
      processes,
      threads,
      elapsedMs: Date.now() - startedMs,
      exitCode,
      paths,
    };
    const spillRemoved = outputs.removeSpill();
    // On standard output the summary comes first: if it cannot be written,
    // nothing is published.
    if (paths.summary === '-') writeToStdout(summaryJson(facts, result));
    outputs.publish(
      paths.summary === '-' ? undefined : summaryJson(facts, result),
    );
    await spillRemoved;
    if (!options.quiet) log(summaryText(facts, result));
    return exitCode;
  } catch (error) {
    // A full disk, met by any process or thread writing the run's
    // temporary files, is a write failure (74), not a bug; so is an input
    // cut short while the merge reads some of it again.
    if (!(error instanceof OrderBatchError) && isOutOfSpace(error)) {
      throw outOfSpace(resolve(dirname(outputs.spillDir)));
    }
    if (!(error instanceof OrderBatchError) && isInputChanged(error)) {
      throw inputChanged(options.input);
    }
    throw error;
  } finally {
    const merge = await merging?.catch(() => undefined);
    await merge?.close();
    closeOutputs();
    await idCheck?.stop();
    progress.stop();
    process.off('exit', cleanUpOnExit);
    outputs.cleanUp();
  }
}

function settingsFor(
  options: ProcessOptions,
  input: { format: InputFormat },
): ChunkSettings {
  return {
    format: input.format,
    delimiter: options.delimiter,
    columns: noColumns(),
    fieldCount: 0,
    defaultCurrency: options.currency,
    tax: {
      rate: options.taxRate,
      table: options.taxTable ? readTaxTable(options.taxTable) : undefined,
      rounding: options.taxRounding,
    },
    rounding: options.rounding,
    outputFormat: options.outputFormat,
    formulaGuard: options.formulaGuard,
    maxRecordBytes: options.maxRecordBytes,
  };
}

// The writers of the invoices and the rejects, their headers written.
function openWriters(
  fds: { invoices: number; rejects: number },
  options: ProcessOptions,
  paths: OutputPaths,
): MergeOutputs {
  const toStdout = options.output === '-';
  const invoices = new OutputWriter(
    fds.invoices,
    toStdout ? 'standard output' : paths.invoices,
    { durable: !toStdout },
  );
  const rejects = new OutputWriter(fds.rejects, paths.rejects);
  if (options.outputFormat === 'csv') invoices.write(INVOICE_HEADER);
  rejects.write(REJECTS_HEADER);
  return { invoices, rejects };
}

function writeToStdout(text: string): void {
  try {
    writeFileSync(process.stdout.fd, text);
  } catch (error) {
    throw ioError('standard output', error);
  }
}

async function copyToStdout(path: string): Promise<void> {
  try {
    await pipeline(createReadStream(path), process.stdout, { end: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
    throw ioError('standard output', error);
  }
}
