/**
 * What a healthcheck runs, as Docker reads it: a shell script (Compose's string form and `CMD-SHELL`, a Dockerfile
 * `HEALTHCHECK CMD` in shell form) or an argv (`CMD`, the exec form). Generic over where the words come from: the
 * Compose reader hands YAML items, the Dockerfile reader strings.
 */
export type HealthcheckCommand<T> = { kind: 'script'; script: string; at: T } | { kind: 'argv'; argv: string[]; items: readonly T[] };

/** A Compose `test`: its items' texts (undefined for a non-scalar) and what each item is, or the string form. */
export function composeHealthcheckCommand<T>(text: string | undefined, items: ReadonlyArray<{ text: string | undefined; at: T }> | undefined, whole: T): HealthcheckCommand<T> | undefined {
  if (!items) return text === undefined ? undefined : { kind: 'script', script: text, at: whole };
  const kind = items[0]?.text;
  if (kind === 'CMD-SHELL') {
    const script = items[1];
    return script?.text === undefined ? undefined : { kind: 'script', script: script.text, at: script.at };
  }
  if (kind !== 'CMD') return undefined;
  const rest = items.slice(1);
  return { kind: 'argv', argv: rest.map((i) => i.text ?? ''), items: rest.map((i) => i.at) };
}

/** A Dockerfile `HEALTHCHECK CMD`'s text after `CMD`: a JSON array of strings (exec form), else a shell script. */
export function dockerHealthcheckCommand(text: string): HealthcheckCommand<undefined> | undefined {
  if (!text.startsWith('[')) return { kind: 'script', script: text, at: undefined };
  let argv: unknown;
  try {
    argv = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) return undefined;
  return { kind: 'argv', argv: argv as string[], items: argv.map(() => undefined) };
}
