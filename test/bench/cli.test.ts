// Runs the built CLI (npm test builds it first) in a fresh folder each
// time, with TMPDIR there too, so the input cache starts empty.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { benchCommand } from '../../src/commands/bench.js';

const BIN = fileURLToPath(new URL('../../bin/order-batch.js', import.meta.url));

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'bench-test-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

function runCli(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        { cwd: folder, env: { ...process.env, TMPDIR: folder } },
        (error, stdout, stderr) => {
          const code = error ? Number(error.code ?? 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    },
  );
}

// Parses like the CLI does, but with an action that only keeps the options.
async function parseOptions(args: string[]): Promise<Record<string, unknown>> {
  const command = benchCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  let options: Record<string, unknown> = {};
  command.action((flags: Record<string, unknown>) => {
    options = flags;
  });
  await command.parseAsync(args, { from: 'user' });
  return options;
}

describe('bench options', () => {
  test('defaults', async () => {
    expect(await parseOptions([])).toEqual({
      rows: 2_000_000,
      format: 'csv',
      threads: [1],
      runs: 3,
      pin: true,
      quiet: false,
    });
  });

  test('--no-pin lets every run use all the cores', async () => {
    expect(await parseOptions(['--no-pin'])).toMatchObject({ pin: false });
  });

  test('lists are split, trimmed and deduplicated in order', async () => {
    const options = await parseOptions([
      '--processes',
      '4, 1,2,4',
      '--threads',
      '2,1',
      '--min-efficiency',
      '.75',
      '--chunk-size',
      '64k',
    ]);
    expect(options).toMatchObject({
      processes: [4, 1, 2],
      threads: [2, 1],
      minEfficiency: 0.75,
      chunkSize: '64k',
    });
  });

  test.each([
    [['--processes', '0'], "'0' is not a whole number from 1 to 1024"],
    [['--processes', '1,,2'], "'' is not a whole number from 1 to 1024"],
    [['--threads', 'two'], "'two' is not a whole number from 1 to 1024"],
    [['--runs', '0'], "'0' is not a whole number from 1 to 1000"],
    [['--rows', '1e6'], "'1e6' is not a whole number from 1 up"],
    [['--chunk-size', '0'], "'0' is not a size like 4m, 64k or 1000"],
    [['--min-efficiency', '-1'], "'-1' is not a number like 0.7"],
    [['--format', 'xml'], 'Allowed choices are csv, jsonl'],
    [['--input', 'x.csv', '--rows', '5'], 'cannot be used with option'],
  ])('bench %j exits 64', async (args, message) => {
    const { code, stdout, stderr } = await runCli(['bench', ...args]);
    expect(code).toBe(64);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a missing --input exits 66 and names it', async () => {
    const { code, stderr } = await runCli(['bench', '--input', 'none.csv']);
    expect(code).toBe(66);
    expect(stderr).toContain('Cannot read none.csv: ENOENT');
  });

  test('--help describes every option', async () => {
    const { code, stdout } = await runCli(['bench', '--help']);
    expect(code).toBe(0);
    for (const option of benchCommand().options) {
      expect(stdout).toContain(option.long);
    }
    expect(stdout).toContain('Examples:');
  });
});

describe('bench end to end', () => {
  test('writes the table, the JSON, the chart and the benchmark file', async () => {
    const { code, stdout, stderr } = await runCli([
      'bench',
      '--rows',
      '2000',
      '--runs',
      '1',
      '--processes',
      '1,2',
      '--json',
      'f.json',
      '--chart',
      'c.svg',
      '--github-benchmark',
      'g.json',
    ]);
    expect(stderr).toMatch(/p2 t1 run 1\/1: \d+\.\d\d s/);
    expect(code).toBe(0);

    expect(stdout.split('\n')[0]).toMatch(/^processes +threads +cores/);
    expect(stdout.trim().split('\n')).toHaveLength(3);
    const readJson = async (name: string) =>
      JSON.parse(await readFile(join(folder, name), 'utf8'));
    const report = await readJson('f.json');
    expect(report.input).toMatchObject({ rows: 2000, format: 'csv' });
    expect(report.pinned).toBe(existsSync('/usr/bin/taskset'));
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(
      report.results.map((r: { processes: number }) => r.processes),
    ).toEqual([1, 2]);
    expect(report.results[0]).toMatchObject({ speedup: 1, efficiency: 1 });
    const entries = await readJson('g.json');
    expect(entries).toHaveLength(6);
    expect(entries[3]).toMatchObject({
      name: 'throughput p2 t1',
      unit: 'MB/s',
    });
    const svg = await readFile(join(folder, 'c.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg.match(/<circle /g)).toHaveLength(2);
  }, 60_000);

  test('--min-efficiency above what is reached exits 3', async () => {
    const { code, stdout, stderr } = await runCli([
      'bench',
      '--rows',
      '2000',
      '--runs',
      '1',
      '--processes',
      '1',
      '--min-efficiency',
      '99',
      '-q',
    ]);
    expect(code).toBe(3);
    expect(stdout).toContain('processes');
    expect(stderr).toContain('is below --min-efficiency 99: exit code 3');
  }, 30_000);
});
