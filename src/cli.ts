// Wires the subcommands into one program. Commander's own errors (unknown
// option, bad value) become one line and exit code 64.
import { Command, CommanderError } from 'commander';
import { benchCommand } from './commands/bench.js';
import { generateCommand } from './commands/generate.js';
import { processCommand } from './commands/process.js';
import { ExitCode, OrderBatchError } from './errors.js';
import { log } from './log.js';

const program = new Command('order-batch')
  .description(
    'Batch invoicing: order files in, invoices out, exact to the cent',
  )
  .version('0.1.0');

// Commander would print its own "error: ..." line too; one line is enough.
const silentErrors = { outputError: () => undefined };
for (const command of [processCommand(), generateCommand(), benchCommand()]) {
  program.addCommand(command.exitOverride().configureOutput(silentErrors));
}
program.exitOverride().configureOutput(silentErrors);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof OrderBatchError) {
    log(error.message);
    process.exit(error.exitCode);
  }
  if (!(error instanceof CommanderError)) throw error;
  const quiet = [
    'commander.helpDisplayed',
    'commander.version',
    'commander.help',
  ];
  // Help asked for is a success; help shown for want of a command is not.
  if (quiet.includes(error.code) && error.exitCode === 0) {
    process.exit(ExitCode.ok);
  }
  if (quiet.includes(error.code)) {
    log('Cannot run order-batch: name a command (process, generate or bench)');
    process.exit(ExitCode.usage);
  }
  log(describeUsageError(error));
  process.exitCode = ExitCode.usage;
}

// Commander's messages in the project's grammar: "Cannot use --rows 'x':
// why", one line, no final period.
function describeUsageError(error: CommanderError): string {
  const text = error.message.replace(/^error: /, '').replace(/\.$/, '');
  const invalid =
    /^option '(\S+)[^']*' argument '(.*)' is invalid\. (.*)$/s.exec(text);
  if (invalid) {
    const [, flag, value, why] = invalid;
    return `Cannot use ${flag} '${value}': ${why.replace(/\.$/, '')}`;
  }
  return `Cannot run order-batch: ${text}; see order-batch --help`;
}
