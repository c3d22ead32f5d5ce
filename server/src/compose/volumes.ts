import type { Span } from '../core/types';
import { interpolate } from './interpolation';
import type { MapEntry, MapView, ValueView } from './yamlView';

/**
 * A service's `volumes:` entries, read from the short syntax (`src:dst[:mode]`, or `dst` alone for an
 * anonymous volume) and the long syntax (a map with `type`, `source`, `target`). Source: compose-spec
 * `05-services.md#volumes`; compose-go `format/volume.go` splits the short form on `:` with Windows drive
 * letters kept whole. Interpolation runs first in Compose, so `${VAR:-./x}:/data` is split outside `${...}`.
 */
export interface Mount {
  type: 'volume' | 'bind' | 'tmpfs' | 'other';
  /** Raw source as written (may hold `${VAR}`); undefined for an anonymous volume. */
  source: string | undefined;
  /** Container path, interpolated with `.env`; undefined when it cannot be resolved (`${VAR}` unset). */
  target: string | undefined;
  /** Where the entry is written (the alias that brought it, when inherited). */
  at: Span;
}

export interface ServiceMounts {
  entry: MapEntry | undefined;
  mounts: Mount[];
}

export function serviceMounts(service: MapView, dotEnv: ReadonlyMap<string, string>): ServiceMounts {
  const entry = service.get('volumes');
  const mounts: Mount[] = [];
  for (const item of entry?.value.asSeq()?.items() ?? []) {
    const mount = readMount(item, dotEnv);
    if (mount) mounts.push(mount);
  }
  return { entry, mounts };
}

function readMount(item: ValueView, dotEnv: ReadonlyMap<string, string>): Mount | undefined {
  const map = item.asMap();
  if (map) {
    const type = map.text('type') ?? 'volume';
    const rawTarget = map.text('target');
    return {
      type: type === 'volume' || type === 'bind' || type === 'tmpfs' ? type : 'other',
      source: map.text('source'),
      target: rawTarget === undefined ? undefined : resolvePath(rawTarget, dotEnv),
      at: item.at,
    };
  }
  const text = item.text;
  if (text === undefined) return undefined;
  const spec = splitShortVolume(text);
  if (!spec) return undefined;
  return { type: volumeTypeOf(spec.source), source: spec.source, target: resolvePath(spec.target, dotEnv), at: item.at };
}

/** `src:dst[:mode]` → parts; a lone `dst` is an anonymous volume. Colons inside `${...}` do not split. */
export function splitShortVolume(spec: string): { source: string | undefined; target: string; mode: string | undefined } | undefined {
  const parts = splitOutsideBraces(spec.trim());
  // A Windows drive letter (`C:\data:/data`) is part of the source.
  if (parts.length >= 3 && /^[a-zA-Z]$/.test(parts[0]!) && /^[\\/]/.test(parts[1]!)) {
    parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
  }
  if (parts.length === 1) return parts[0] ? { source: undefined, target: parts[0], mode: undefined } : undefined;
  if (parts.length === 2 || parts.length === 3) {
    const [source, target, mode] = parts;
    if (!target) return undefined;
    return { source: source || undefined, target, mode };
  }
  return undefined;
}

function splitOutsideBraces(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '$' && text[i + 1] === '{') depth++;
    else if (ch === '}' && depth > 0) depth--;
    if (ch === ':' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

export function volumeTypeOf(source: string | undefined): Mount['type'] {
  if (source === undefined) return 'volume';
  // A named volume is a bare name; anything path-like (or computed) is a bind mount.
  return /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(source) ? 'volume' : 'bind';
}

function resolvePath(raw: string, dotEnv: ReadonlyMap<string, string>): string | undefined {
  const value = interpolate(raw, dotEnv);
  return value === undefined || value === '' ? undefined : normalizePath(value);
}

/** `/a//b/./` → `/a/b`. Relative paths keep their leading segment. */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  const joined = segments.join('/');
  return absolute ? `/${joined}` : joined;
}

/** True when one absolute path is the other or lies under it (a volume at a parent or child counts). */
export function pathsOverlap(a: string, b: string): boolean {
  return isAncestorOrSelf(a, b) || isAncestorOrSelf(b, a);
}

/** `outer` is `inner` or a folder above it. */
export function isAncestorOrSelf(outer: string, inner: string): boolean {
  const x = normalizePath(outer);
  const y = normalizePath(inner);
  return x === y || x === '/' || y.startsWith(`${x}/`);
}
