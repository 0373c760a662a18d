// How every CLI command runs: `--help`/`-h` prints its help, progress goes to stderr, and an
// error is one line (no stack trace) with a non-zero exit (2 for a usage error).
import { UsageError } from './args';

export interface Command {
  /** One line: `npm run <name> -- <arguments>`. */
  usage: string;
  /** What the command does and what each option means, printed by --help after the usage. */
  help: string;
  main(argv: string[]): Promise<void>;
}

export function runCli(command: Command): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`usage: ${command.usage}\n\n${command.help.trim()}\n`);
    process.exit(0);
  }
  command.main(argv).then(
    () => process.exit(0),
    (e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      process.stderr.write(`error: ${message.split('\n')[0]}\n`);
      if (e instanceof UsageError) process.stderr.write(`usage: ${command.usage}\n`);
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}

export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
