import { Document, isMap, parseDocument, type YAMLError } from 'yaml';
import { LineIndex } from '../core/lineIndex';
import type { Span } from '../core/types';
import { yamlErrorMessage } from './yamlErrors';
import { MapView, deref, spanOf } from './yamlView';

export interface ComposeService {
  name: string;
  /** The service's name key: where findings about something missing in the service point. */
  keyAt: Span;
  map: MapView;
}

export interface SyntaxProblem {
  span: Span;
  message: string;
}

export interface ComposeFile {
  text: string;
  doc: Document;
  lines: LineIndex;
  root: MapView | undefined;
  services: ComposeService[];
  syntaxErrors: SyntaxProblem[];
  /** Variables from the `.env` file beside the Compose file: the only file Compose interpolates from. */
  dotEnv: ReadonlyMap<string, string>;
  /** Whole-file answers kept while the services' names stay (an incremental update keeps them; references.ts). */
  names?: NamesMemo;
}

/** What reading every service of a file gives, which only an added, removed or renamed service changes. */
export interface NamesMemo {
  defined?: Record<string, Set<string>>;
  allLoadableAlone?: boolean;
}

/** Parse options shared by every reader of Compose text. */
export const YAML_OPTIONS = {
  keepSourceTokens: true,
  uniqueKeys: false,
  prettyErrors: false,
  strict: false,
  // Compose files are YAML 1.2 with merge keys handled by our view (MapView), so keep `<<` a plain key.
  merge: false,
} as const;

/** The parser's errors in our words, at their offsets plus `offset` (a part of a file parsed alone). */
export function syntaxProblems(errors: readonly YAMLError[], offset = 0): SyntaxProblem[] {
  return errors.map((e) => ({ span: { start: e.pos[0] + offset, end: Math.max(e.pos[1], e.pos[0] + 1) + offset }, message: yamlErrorMessage(e) }));
}

export function parseCompose(text: string, dotEnv: ReadonlyMap<string, string> = new Map(), lines = new LineIndex(text)): ComposeFile {
  const doc = parseDocument(text, YAML_OPTIONS);
  const syntaxErrors = syntaxProblems(doc.errors);
  const rootNode = deref(doc, doc.contents);
  const root = isMap(rootNode) ? new MapView(doc, rootNode, spanOf(rootNode) ?? { start: 0, end: 0 }, false) : undefined;
  const services: ComposeService[] = [];
  const servicesMap = root?.map('services');
  if (servicesMap) {
    for (const entry of servicesMap.entries()) {
      const map = entry.value.asMap();
      if (map) services.push({ name: entry.key, keyAt: entry.keyAt, map });
    }
  }
  return { text, doc, lines, root, services, syntaxErrors, dotEnv, names: {} };
}

/** Is this YAML text a Compose file? It is when its top level is a map with `services`. */
export function looksLikeCompose(text: string): boolean {
  // The usual case, a `services:` line, answers without a full parse (seconds for a generated 2 MB stack).
  if (/^services[ \t]*:(?:[ \t]|\r?$)/m.test(text)) return true;
  const doc = parseDocument(text, YAML_OPTIONS);
  const root = deref(doc, doc.contents);
  return isMap(root) && root.items.some((p) => (p.key as { value?: unknown } | null)?.value === 'services');
}
