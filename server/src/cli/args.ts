/** What the CLI's subcommands share for reading their arguments. */

/** A wrong command line: the subcommand prints it with its usage and exits 2. */
export class UsageError extends Error {}

export interface ArgItem {
  /** The argument as written (`--format=json` whole). */
  arg: string;
  /** The option's name: `--format` for `--format=json` and `--format json`. */
  flag: string;
  /** The option's value: after `=`, else the next argument (consumed); a usage error when there is none. */
  value(): string;
}

/** Walks `argv`, one option or positional argument at a time. */
export function* argItems(argv: readonly string[]): Generator<ArgItem> {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    yield {
      arg,
      flag,
      value: () => {
        if (eq > 0) return arg.slice(eq + 1);
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`${flag} needs a value`);
        return v;
      },
    };
  }
}
