// The help is part of the product: it names every option of the contract
// and every exit code.
import { describe, expect, test } from 'vitest';
import { runCli, tempDir } from './helpers.js';

const PROCESS_OPTIONS = [
  '--input-format',
  '--delimiter',
  '--currency',
  '--tax-rate',
  '--tax-table',
  '--tax-rounding',
  '--rounding',
  '--output-format',
  '-o, --output',
  '--rejects',
  '--summary',
  '--no-formula-guard',
  '--max-record-size',
  '--max-rejects',
  '--processes',
  '--threads',
  '--chunk-size',
  '-q, --quiet',
];

describe('help', () => {
  test('process --help names every option and exit code', async () => {
    const help = await runCli(['process', '--help'], { cwd: tempDir() });

    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    for (const option of PROCESS_OPTIONS) expect(help.stdout).toContain(option);
    for (const code of [
      '0',
      '3',
      '64',
      '65',
      '66',
      '70',
      '73',
      '74',
      '75',
      '130',
      '143',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`\\b${code}\\b`));
    }
  });

  test('generate --help names its options', async () => {
    const help = await runCli(['generate', '--help'], { cwd: tempDir() });

    expect(help.code).toBe(0);
    for (const option of [
      '--rows',
      '--seed',
      '--format',
      '--currencies',
      '--regions',
      '--reject-rate',
      '--shuffle',
      '-o, --output',
    ]) {
      expect(help.stdout).toContain(option);
    }
  });
});
