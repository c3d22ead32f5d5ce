/**
 * Which parts of the compose-spec schema apply at a place of a file: the keys a map there may have (to suggest
 * `restart` for `restarx`), the values a key there may take. Walks the schema along the path, following `$ref`,
 * every branch of a `oneOf`, `properties`, `patternProperties` and `items`.
 */
import { composeSchema } from './composeSchema.generated';

interface SchemaNode {
  $ref?: string;
  oneOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  enum?: unknown[];
  type?: string | string[];
  description?: string;
}

const ROOT = composeSchema as unknown as SchemaNode & { $defs: Record<string, SchemaNode> };
const patterns = new Map<string, RegExp>();

/** `$ref` followed and `oneOf` spread: the plain schemas a value at this place must (one of them) satisfy. */
function expand(node: SchemaNode, out: SchemaNode[] = [], depth = 0): SchemaNode[] {
  if (depth > 16) return out;
  const target = node.$ref?.startsWith('#/$defs/') ? ROOT.$defs[node.$ref.slice('#/$defs/'.length)] : node;
  if (!target) return out;
  if (target.oneOf) for (const branch of target.oneOf) expand(branch, out, depth + 1);
  else out.push(target);
  return out;
}

/** The schemas that apply at `path` (map keys, `[]` for a list item) below the root. */
export function schemasAt(path: readonly string[]): SchemaNode[] {
  let current = expand(ROOT);
  for (const part of path) {
    const next: SchemaNode[] = [];
    for (const node of current) {
      if (part === '[]') {
        if (node.items) expand(node.items, next);
        continue;
      }
      const named = node.properties?.[part];
      if (named) expand(named, next);
      for (const [pattern, schema] of Object.entries(node.patternProperties ?? {})) {
        if (regex(pattern).test(part)) expand(schema, next);
      }
      if (!named && typeof node.additionalProperties === 'object') expand(node.additionalProperties, next);
    }
    current = next;
  }
  return current;
}

/** The keys a map at `path` may have (its `properties`; `x-` extensions aside). */
export function keysAt(path: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const node of schemasAt(path)) for (const key of Object.keys(node.properties ?? {})) keys.add(key);
  return [...keys];
}

/** Whether a map at `path` takes names of its own choosing as keys (`services`, `volumes`): a bad key is a bad name. */
export function takesNamesAt(path: readonly string[]): boolean {
  return schemasAt(path).some((node) => Object.keys(node.patternProperties ?? {}).some((p) => p !== '^x-'));
}

/**
 * What the schema says a key means: the description at the property (`restart` of a service), else at its
 * definition. Only for keys the schema names: a name of the file's own (a label, a service) has none.
 */
export function describeKey(path: readonly string[]): string | undefined {
  const key = path[path.length - 1];
  if (key === undefined) return undefined;
  const properties = schemasAt(path.slice(0, -1)).flatMap((node) => (node.properties?.[key] ? [node.properties[key]] : []));
  if (!properties.length) return undefined;
  return properties.find((p) => p.description)?.description ?? schemasAt(path).find((node) => node.description)?.description;
}

/** The values the key `key` of a map at `path` may take, when the schema lists them. */
export function valuesAt(path: readonly string[], key: string): unknown[] {
  return schemasAt([...path, key]).flatMap((node) => node.enum ?? []);
}

/** Every `patternProperties` key of the schema as the lookup compiles it (the linear-time test fuzzes each). */
export function schemaKeyPatterns(): RegExp[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'patternProperties' && inner && typeof inner === 'object') for (const p of Object.keys(inner)) found.add(p);
        visit(inner);
      }
    }
  };
  visit(ROOT);
  return [...found].map(regex);
}

function regex(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) patterns.set(pattern, (re = new RegExp(pattern, 'u')));
  return re;
}
