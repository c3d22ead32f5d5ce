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

/** `value` when it is one of `allowed`; else the usage error `--format must be json or yaml, not "xml"`. */
export function choice<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be ${allowed.slice(0, -1).join(', ')}${allowed.length > 1 ? ' or ' : ''}${allowed[allowed.length - 1]}, not "${value}"`);
}

/** `value` as a whole number of at least 1; else the usage error `--gpus takes a whole number above 0, not "x"`. */
export function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} takes a whole number above 0, not "${value}"`);
  return n;
}

/** `value` as a number of seconds above 0; else the usage error `--time-budget takes a number of seconds above 0`. */
export function seconds(flag: string, value: string): number {
  const s = Number(value);
  if (!Number.isFinite(s) || s <= 0) throw new UsageError(`${flag} takes a number of seconds above 0`);
  return s;
}
