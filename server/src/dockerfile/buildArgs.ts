import { Arg } from 'dockerfile-ast';
import type { DockerfileModel } from './dockerfileModel';

/**
 * What a FROM line names once the ARGs declared before the first FROM are substituted with their defaults
 * (the only ARGs a FROM can see). BuildKit's automatic platform ARGs and ARGs without a default are
 * unknown until build time, so a name that needs them resolves to undefined.
 */
export function preambleArgs(model: DockerfileModel): Map<string, string | undefined> {
  const args = new Map<string, string | undefined>();
  for (const instruction of model.preamble) {
    if (!(instruction instanceof Arg)) continue;
    for (const property of instruction.getProperties()) {
      const name = property.getName();
      const raw = property.getUnescapedValue();
      args.set(name, raw === null ? undefined : substitute(raw, args));
    }
  }
  return args;
}

/** `${NAME}`, `$NAME`, `${NAME:-default}`, `${NAME-default}`, `${NAME:+alt}`, `${NAME+alt}`; undefined if unknown. */
export function substitute(text: string, args: ReadonlyMap<string, string | undefined>): string | undefined {
  return expand(text, args, false);
}

/**
 * Like `substitute`, but a reference that cannot be resolved stays as written: enough to tell which engine
 * `vllm/vllm-openai:${TAG}` is when TAG has no default.
 */
export function substituteKnown(text: string, args: ReadonlyMap<string, string | undefined>): string {
  return expand(text, args, true)!;
}

function expand(text: string, args: ReadonlyMap<string, string | undefined>, keepUnknown: boolean): string | undefined {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && text[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (ch !== '$') {
      out += ch;
      continue;
    }
    // `[^{}]`: a default looks no further than the next brace, so `${A:-${A:-…` without a `}` stays linear.
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^{}]*))?\}/.exec(text.slice(i));
    const bare = braced ? undefined : /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
    const match = braced ?? bare;
    if (!match) {
      out += ch;
      continue;
    }
    const value = args.get(match[1]!);
    const op = braced?.[2];
    const alt = () => expand(braced![3]!, args, keepUnknown);
    let resolved: string | undefined;
    if (op === ':-') resolved = value ? value : alt();
    else if (op === '-') resolved = value !== undefined ? value : alt();
    else if (op === ':+') resolved = value ? alt() : '';
    else if (op === '+') resolved = value !== undefined ? alt() : '';
    else resolved = value;
    if (resolved === undefined && !keepUnknown) return undefined;
    out += resolved ?? match[0];
    i += match[0].length - 1;
  }
  return out;
}
