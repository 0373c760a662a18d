import { UsageError } from './args';

/** Runs a CLI command: progress on stderr, an error as one line (no stack trace) and a non-zero exit. */
export function runCli(usage: string, main: (argv: string[]) => Promise<void>): void {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      process.stderr.write(`error: ${message.split('\n')[0]}\n`);
      if (e instanceof UsageError) process.stderr.write(`usage: ${usage}\n`);
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}

export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
