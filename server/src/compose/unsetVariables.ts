/**
 * The `${VAR}` references of Compose files that nothing sets, for pre-flight (client/src/stack/runner/variableCheck.ts):
 * Compose interpolates every string value (extensions included, keys never: compose-go interpolation.Interpolate)
 * from the shell and the env files. A plain reference to an unset variable becomes "" with a warning ("The "X"
 * variable is not set. Defaulting to a blank string."); `${VAR:?message}` (unset or empty) and `${VAR?message}`
 * (unset) stop Compose ("required variable VAR is missing a value"). Defaults and alternatives are followed only where
 * Compose uses them (`${A:-${B}}` needs B only when A is unset or empty). The tokens are template.ts's, compose-go's
 * own grammar; the YAML is the parser's.
 */
import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { LineIndex } from '../core/lineIndex';
import { YAML_OPTIONS } from './composeFile';
import { MAX_NESTING, templateTokens } from './template';
import type { PlannedVariable } from './stackPlanTypes';

export interface ComposeText {
  file: string;
  text: string;
  /** The variables this file is interpolated with, when not the project's (an included file's: interpolatedFiles.ts). */
  env?: ReadonlyMap<string, string>;
}

/** Each unset variable once (required wins), in the order written across `files`. */
export function unsetVariables(files: readonly ComposeText[], projectEnv: ReadonlyMap<string, string>): PlannedVariable[] {
  const found = new Map<string, PlannedVariable>();
  for (const { file, text, env = projectEnv } of files) {
    if (!text.includes('$')) continue;
    const lines = new LineIndex(text);
    const at = (offset: number) => {
      const pos = lines.positionAt(offset);
      return `${file}:${pos.line + 1}:${pos.character + 1}`;
    };
    const note = (name: string, required: boolean, offset: number) => {
      const known = found.get(name);
      if (!known) found.set(name, { name, required, at: at(offset) });
      else if (required && !known.required) found.set(name, { name, required, at: at(offset) });
    };
    for (const doc of parseAllDocuments(text, YAML_OPTIONS) as unknown as Iterable<{ contents: unknown }>) {
      walk(doc.contents, (value, offset) => refs(value, 0, value.length, env, 0, (name, required) => note(name, required, offset)));
    }
  }
  return [...found.values()];
}

/** Every string scalar value (aliases not followed: an anchor's values are visited where they are written). */
function walk(node: unknown, visit: (value: string, offset: number) => void): void {
  if (isScalar(node)) {
    if (typeof node.value === 'string' && node.value.includes('$')) visit(node.value, node.range?.[0] ?? 0);
  } else if (isMap(node)) {
    for (const pair of node.items) walk(pair.value, visit);
  } else if (isSeq(node)) {
    for (const item of node.items) walk(item, visit);
  }
}

/** The variables value[from, to) needs that `env` does not set, as Compose substitutes it. */
function refs(value: string, from: number, to: number, env: ReadonlyMap<string, string>, depth: number, note: (name: string, required: boolean) => void): void {
  if (depth > MAX_NESTING) return;
  for (const t of templateTokens(value, from, to)) {
    if (t.kind === 'plain') {
      if (!env.has(t.name)) note(t.name, false);
      continue;
    }
    if (t.kind !== 'operator') continue;
    const set = env.has(t.name);
    const empty = !set || env.get(t.name) === '';
    const inner = () => refs(value, t.argFrom, t.argTo, env, depth + 1, note);
    switch (t.op) {
      case ':-':
        if (empty) inner();
        break;
      case '-':
        if (!set) inner();
        break;
      case ':+':
        if (!empty) inner();
        break;
      case '+':
        if (set) inner();
        break;
      case ':?':
        // Set but empty is compose-interpolation-invalid's (the editor says it); here only what nothing sets.
        if (!set) note(t.name, true);
        break;
      case '?':
        if (!set) note(t.name, true);
        break;
    }
  }
}
