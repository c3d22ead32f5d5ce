/**
 * The compose-spec schema's verdict on a file, one problem per place: Ajv reports every branch of a `oneOf` that
 * failed (`depends_on` is a list of names OR a map: a typo in a condition fails both), compose-go prints the one
 * it finds most specific (schema/schema.go getMostSpecificError). Here a failed `oneOf` keeps what a person needs:
 * when every branch rejected the value's shape, one problem listing the shapes ("a mapping or a list"); else the
 * problems inside the branch that took the shape. A problem about a value Compose interpolates first (`${PORT}`) is
 * never certain, nor is a `oneOf` whose branch may have failed only because of one: both are dropped.
 */
import { validate } from './composeSchema.generated';
import type { SchemaInstance } from './schemaInstance';

/** One Ajv error (standalone code, `messages: false`). */
interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

export type SchemaProblem =
  /** A key the schema does not allow where it is (`pointer` is the map, `key` the key). */
  | { kind: 'unknown-key'; pointer: string; key: string }
  /** A value of the wrong shape; `expected` are JSON types and, for a `oneOf` of a type and an enum, values. */
  | { kind: 'type'; pointer: string; types: string[]; values: unknown[] }
  | { kind: 'enum'; pointer: string; values: unknown[] }
  | { kind: 'required'; pointer: string; missing: string }
  | { kind: 'range'; pointer: string; comparison: string; limit: number }
  | { kind: 'pattern'; pointer: string; pattern: string }
  /** Item `index` repeats an earlier item of the list at `pointer`. */
  | { kind: 'duplicate'; pointer: string; index: number }
  /** A value that matches more than one form of a `oneOf`. */
  | { kind: 'ambiguous'; pointer: string };

/** Internal: a problem, or a mark that something under `pointer` failed in a way that may not be real. */
type Item = SchemaProblem | { kind: 'uncertain'; pointer: string };

export function schemaProblems(instance: SchemaInstance): SchemaProblem[] {
  const valid = validate(instance.json) as boolean;
  if (valid) return [];
  const errors = ((validate as unknown as { errors?: AjvError[] }).errors ?? []).slice();
  return collapse(errors, instance.interpolated);
}

/**
 * Ajv (allErrors) pushes a `oneOf`'s branch errors right before the `oneOf` error itself, all at or under its
 * instance path, and takes them back when a branch passes: the errors before a `oneOf` error that lie under its
 * path are its branches' (the schema has no `oneOf` beside other keywords, so nothing else of that place is there).
 */
function collapse(errors: readonly AjvError[], interpolated: ReadonlySet<string>): SchemaProblem[] {
  const out: Item[] = [];
  for (const error of errors) {
    if (error.keyword !== 'oneOf' && error.keyword !== 'anyOf') {
      out.push(itemOf(error, interpolated));
      continue;
    }
    const at = error.instancePath;
    const group: Item[] = [];
    while (out.length && isUnder(out[out.length - 1]!.pointer, at)) group.unshift(out.pop()!);
    out.push(...resolveBranches(at, group, error));
  }
  const seen = new Set<string>();
  return out.filter((item): item is SchemaProblem => {
    if (item.kind === 'uncertain') return false;
    const key = `${item.kind}\0${item.pointer}\0${item.kind === 'unknown-key' ? item.key : ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function resolveBranches(at: string, group: Item[], error: AjvError): Item[] {
  // More than one branch passed (no branch errors left): the value fits two forms at once.
  if (!group.length) return error.params.passingSchemas ? [{ kind: 'ambiguous', pointer: at }] : [];
  if (group.some((i) => i.kind === 'uncertain')) return [{ kind: 'uncertain', pointer: at }];
  const here = group.filter((i) => i.pointer === at);
  if (here.length === group.length && here.every((i) => i.kind === 'type' || i.kind === 'enum')) {
    const types = new Set<string>();
    const values: unknown[] = [];
    for (const i of here) {
      if (i.kind === 'type') i.types.forEach((t) => types.add(t));
      else if (i.kind === 'enum') values.push(...i.values);
    }
    return [{ kind: 'type', pointer: at, types: [...types], values }];
  }
  // A branch took the value's shape and failed inside: its problems, not the other branches' "wrong shape".
  return group.filter((i) => !(i.pointer === at && i.kind === 'type'));
}

function itemOf(error: AjvError, interpolated: ReadonlySet<string>): Item {
  const pointer = error.instancePath;
  const p = error.params;
  // The content of an interpolated value is unknown; its type is (a string, or what the loader casts it to).
  if (interpolated.has(pointer) && error.keyword !== 'type') return { kind: 'uncertain', pointer };
  switch (error.keyword) {
    case 'additionalProperties':
      return { kind: 'unknown-key', pointer, key: String(p.additionalProperty) };
    case 'type':
      return { kind: 'type', pointer, types: ([] as string[]).concat(p.type as string | string[]), values: [] };
    case 'enum':
      return { kind: 'enum', pointer, values: (p.allowedValues as unknown[]) ?? [] };
    case 'required':
      return { kind: 'required', pointer, missing: String(p.missingProperty) };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { kind: 'range', pointer, comparison: String(p.comparison), limit: Number(p.limit) };
    case 'pattern':
      return { kind: 'pattern', pointer, pattern: String(p.pattern) };
    case 'uniqueItems':
      // Ajv names the two equal items: i, the later one, repeats j.
      return { kind: 'duplicate', pointer, index: Math.max(Number(p.i), Number(p.j)) };
    default:
      return { kind: 'ambiguous', pointer };
  }
}

function isUnder(pointer: string, at: string): boolean {
  return pointer === at || pointer.startsWith(`${at}/`) || at === '';
}
