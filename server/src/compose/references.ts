import { isScalar } from 'yaml';
import type { Span } from '../core/types';
import type { ComposeFile } from './composeFile';
import { hasInterpolation } from './interpolation';
import { splitShortVolume, volumeTypeOf } from './volumes';
import type { MapView, ValueView } from './yamlView';

/**
 * What a service refers to by name and what the file defines, as compose-go checks them (e70e961c3a3acebf0800b882f1afb3dbf1fb74a2
 * `loader/validate.go` checkConsistency; `loader/extends.go` for a same-file `extends`; `loader/normalize.go` for
 * the implicit `default` network).
 */

/** The top-level sections a service refers into. */
export type Section = 'services' | 'networks' | 'volumes' | 'configs' | 'secrets' | 'models';
export const SECTIONS: readonly Section[] = ['services', 'networks', 'volumes', 'configs', 'secrets', 'models'];

/** Where a reference is written, which decides compose-go's wording. */
export type ReferenceVia = 'depends_on' | 'extends' | 'networks' | 'volumes' | 'configs' | 'secrets' | 'build.secrets' | 'models';

export interface Reference {
  section: Section;
  via: ReferenceVia;
  name: string;
  /** Where to report: the item, key or value that names it. */
  at: Span;
  /** The name's own text in the file, when a fix may replace it (not inherited, not an escaped or folded scalar). */
  nameSpan: Span | undefined;
}

/** The names each top-level section defines in this file (keys, whatever their value, `null` included). */
export function definedNames(file: ComposeFile): Record<Section, Set<string>> {
  const kept = file.names?.defined as Record<Section, Set<string>> | undefined;
  if (kept) return kept;
  const out = {} as Record<Section, Set<string>>;
  for (const section of SECTIONS) out[section] = new Set((file.root?.map(section)?.entries() ?? []).map((e) => e.key));
  if (file.names) file.names.defined = out;
  return out;
}

/** Whether every service of the file is loadable alone (else the file is a fragment of a project). */
export function allLoadableAlone(file: ComposeFile): boolean {
  const kept = file.names?.allLoadableAlone;
  if (kept !== undefined) return kept;
  const all = file.services.every((s) => isLoadableAlone(s.map));
  if (file.names) file.names.allLoadableAlone = all;
  return all;
}

/**
 * compose-go refuses a service that has neither `image`, `build` nor `provider` ("has neither an image nor a build
 * context specified"); `extends` may bring them. A file with a service lacking all four is a fragment of a project
 * (an override adding `deploy:` to a service the base file defines): it cannot be loaded alone.
 */
export function isLoadableAlone(service: MapView): boolean {
  return ['image', 'build', 'extends', 'provider'].some((key) => service.has(key));
}

/**
 * The names a service refers to. Names that hold `${VAR}` are left out (the shell may set them at `up`), as is
 * `extends` with a `file:` (another file's service).
 */
export function serviceReferences(service: MapView): Reference[] {
  const refs: Reference[] = [];
  const add = (section: Section, via: ReferenceVia, name: string | undefined, at: Span, nameSpan: Span | undefined) => {
    if (name !== undefined && name !== '' && !hasInterpolation(name)) refs.push({ section, via, name, at, nameSpan });
  };
  const fromScalar = (section: Section, via: ReferenceVia, value: ValueView | undefined) => {
    if (value?.text !== undefined) add(section, via, value.text, value.at, exactSpan(value, value.text.length));
  };
  const namesIn = (section: Section, via: ReferenceVia, value: ValueView | undefined) => {
    // Short form: a list of names; long form: a map keyed by name.
    for (const item of value?.asSeq()?.items() ?? []) fromScalar(section, via, item);
    for (const entry of value?.asMap()?.entries() ?? []) add(section, via, entry.key, entry.keyAt, entry.pair ? exactSpan(entryKey(entry.keyNode, entry.keyAt), entry.key.length) : undefined);
  };
  const sources = (section: Section, via: ReferenceVia, value: ValueView | undefined) => {
    // `- name` or `- source: name` (compose-go transform/secrets.go).
    for (const item of value?.asSeq()?.items() ?? []) fromScalar(section, via, item.asMap()?.value('source') ?? item);
  };

  namesIn('services', 'depends_on', service.value('depends_on'));
  const extendsValue = service.value('extends');
  const extendsMap = extendsValue?.asMap();
  if (extendsMap) {
    if (!extendsMap.has('file')) fromScalar('services', 'extends', extendsMap.value('service'));
  } else fromScalar('services', 'extends', extendsValue);
  namesIn('networks', 'networks', service.value('networks'));
  for (const item of service.seq('volumes')?.items() ?? []) {
    const long = item.asMap();
    if (long) {
      if (long.text('type') === 'volume') fromScalar('volumes', 'volumes', long.value('source'));
      continue;
    }
    const source = item.text === undefined ? undefined : splitShortVolume(item.text)?.source;
    // Only a bare name is a named volume; a path (or anything computed) is a bind mount.
    if (source === undefined || volumeTypeOf(source) !== 'volume' || !item.text?.startsWith(source)) continue;
    const nameSpan = exactSpan(item, source.length);
    add('volumes', 'volumes', source, nameSpan ?? item.at, nameSpan);
  }
  sources('configs', 'configs', service.value('configs'));
  sources('secrets', 'secrets', service.value('secrets'));
  sources('secrets', 'build.secrets', service.map('build')?.value('secrets'));
  namesIn('models', 'models', service.value('models'));
  return refs;
}

/** A key scalar as a value view, so key and value names share `exactSpan`. */
function entryKey(node: unknown, at: Span): { node: unknown; at: Span; inherited: boolean } {
  return { node, at, inherited: false };
}

/**
 * The span of the first `length` characters of a scalar's text in the file, when the text is written as is (a
 * plain or simply quoted scalar, not reached through an alias); else undefined.
 */
function exactSpan(value: { node: unknown; at: Span; inherited: boolean }, length: number): Span | undefined {
  const node = value.node;
  if (value.inherited || !isScalar(node) || node.value === null || node.value === undefined) return undefined;
  const written = value.at.end - value.at.start;
  const text = String(node.value);
  if (node.type === 'PLAIN' && written === text.length) return { start: value.at.start, end: value.at.start + length };
  // A quoted scalar written without escapes: its text starts one character in.
  const quoted = node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE';
  return quoted && written === text.length + 2 ? { start: value.at.start + 1, end: value.at.start + 1 + length } : undefined;
}
