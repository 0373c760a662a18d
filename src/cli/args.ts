/** A CLI usage error: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  positional: string[];
  /** Each flag with the values that followed it (a flag may take several: --images a b c). */
  flags: Map<string, string[]>;
}

/** Parses `a b --flag v1 v2 --other v`; `--flag=v` works too. */
export function parseArgs(argv: readonly string[], known: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const arg of argv) {
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (!known.includes(name)) throw new UsageError(`unknown option --${name} (known: ${known.map((k) => `--${k}`).join(', ')})`);
      current = flags.get(name) ?? [];
      flags.set(name, current);
      if (inline !== undefined) current.push(inline);
    } else if (current) {
      current.push(arg);
    } else {
      positional.push(arg);
    }
  }
  return { positional, flags };
}

export function single(args: ParsedArgs, name: string, required: true): string;
export function single(args: ParsedArgs, name: string, required?: false): string | undefined;
export function single(args: ParsedArgs, name: string, required = false): string | undefined {
  const values = args.flags.get(name);
  if (!values) {
    if (required) throw new UsageError(`--${name} is required`);
    return undefined;
  }
  if (values.length !== 1) throw new UsageError(`--${name} takes one value`);
  return values[0];
}
