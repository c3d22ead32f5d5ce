/**
 * Compose variable interpolation (`${VAR}`, `$VAR`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`,
 * `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, nesting, `$$`) as the rules use it, over compose-go's substitution
 * (template.ts). Values come from the shell environment and the `.env` file only: `env_file:` and `environment:`
 * never feed interpolation.
 */
import { MAX_NESTING, substitute, templateTokens } from './template';

export interface VariableRef {
  name: string;
  /** Offsets within the interpolated string. */
  start: number;
  end: number;
}

export function variableRefs(value: string): VariableRef[] {
  return templateTokens(value).flatMap((t) => (t.kind === 'plain' || t.kind === 'operator' ? [{ name: t.name, start: t.start, end: t.end }] : []));
}

/** Whether the value has anything Compose substitutes or refuses (`$$` alone is plain text). */
export function hasInterpolation(value: string): boolean {
  return templateTokens(value).some((t) => t.kind !== 'escaped' && t.kind !== 'dollar');
}

/** The text with `$$` unescaped and references left out: what is literal in the value. */
export function literalPart(value: string): string {
  let out = '';
  let at = 0;
  for (const token of templateTokens(value)) {
    out += value.slice(at, token.start);
    if (token.kind === 'escaped' || token.kind === 'dollar') out += '$';
    else if (token.kind === 'invalid') out += value.slice(token.start, token.end);
    at = token.end;
  }
  return out + value.slice(at);
}

/**
 * Resolves the value with `env` as compose-go does; undefined when a variable it needs is unset and has no
 * default (the real value is then only known at `compose up` time), or when Compose would refuse it.
 */
export function interpolate(value: string, env: ReadonlyMap<string, string>): string | undefined {
  if (!value.includes('$')) return value;
  const result = substitute(value, (name) => env.get(name));
  return result.errors.length || result.unset || result.tooDeep ? undefined : result.value;
}

/**
 * Like `interpolate`, but an unset variable with no default becomes empty (as Compose does, with a warning),
 * so `${REGISTRY}/vllm/vllm-openai:v0.11.0` still names the vLLM image. A value Compose refuses: its literal part.
 */
export function interpolateBestEffort(value: string, env: ReadonlyMap<string, string>): string {
  if (!value.includes('$')) return value;
  const result = substitute(value, (name) => env.get(name));
  return result.errors.length || result.tooDeep ? literalPart(value) : result.value;
}

/**
 * How a message names a value that variables supplied: "set by ${HF_TOKEN}" (the variables of `raw` that `env`
 * sets), so a finding never echoes what came from the environment or `.env` rather than from the file itself.
 * Undefined when no variable supplied any of it (plain text, or only `${VAR:-default}` defaults): show the value.
 */
export function suppliedBy(raw: string, env: ReadonlyMap<string, string>): string | undefined {
  const names = [...new Set(referencedNames(raw).filter((n) => env.has(n)))];
  return names.length ? `set by ${names.map((n) => `\${${n}}`).join(' and ')}` : undefined;
}

/** Every variable `value` names, those in defaults and alternatives (`${A:-${B}}`) included. */
function referencedNames(value: string, from = 0, to = value.length, depth = 0): string[] {
  if (depth > MAX_NESTING) return [];
  return templateTokens(value, from, to).flatMap((t) => {
    if (t.kind === 'plain') return [t.name];
    if (t.kind === 'operator') return [t.name, ...referencedNames(value, t.argFrom, t.argTo, depth + 1)];
    return [];
  });
}
