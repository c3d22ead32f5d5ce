/**
 * What to offer where the cursor is in a Compose file: the engine's flags and their values in `command:` /
 * `entrypoint:`, the env vars the engine reads in `environment:`, the service keys that matter to a model service
 * (as snippets that lint clean), and service names in `depends_on`. Facts only (engines/engineDocs.ts): an engine
 * with no vendored flag list gets no flag items.
 */
import type { AnalysisOptions } from '../core/analysisOptions';
import { isFlagToken } from '../core/commandWords';
import type { Span } from '../core/types';
import { recommendedStartPeriod } from '../engines/coldStart';
import { envDoc, envMarkdown, envVarsFor, flagDoc, flagMarkdown, flagsFor, defaultText, type FlagDoc } from '../engines/engineDocs';
import { ENGINES, parseImageRef, type EngineId } from '../engines/engines';
import { runsThroughShell } from './commandEdits';
import { cursorAt, describeServiceAt, listServices, parseServiceBlock, toParsed, type ComposeCursor, type ServiceAtCursor, type ServiceBlock } from './cursor';
import { countForReservation, reservationText } from './gpuReservation';
import { healthcheckBody, probeFor } from './healthcheck';
import { describeService, engineImage, type ServiceInfo } from './service';
import { serviceColdStart } from './serviceColdStart';

export type SuggestionKind = 'flag' | 'value' | 'variable' | 'snippet' | 'service';

export interface Suggestion {
  label: string;
  kind: SuggestionKind;
  /** One line beside the label. */
  detail: string | undefined;
  /** Markdown. */
  documentation: string | undefined;
  /** Where the documentation comes from when it is written only for the item the user looks at (`docFor`). */
  doc: DocRef | undefined;
  insertText: string;
  /** `insertText` is an LSP snippet (`$1`, `${1:x}`); its lines after the first are relative to the cursor's line. */
  snippet: boolean;
  /** What accepting the item replaces (document offsets). */
  replace: Span;
  /** What the editor matches the typed text against, when not the label. */
  filterText: string | undefined;
  deprecated: boolean;
  /** Orders items the editor ranks alike: the flags most deployments set first. */
  sortText: string;
}

/** A flag or env var of an engine, whose documentation `docFor` writes on demand. */
export interface DocRef {
  engine: EngineId;
  flag?: string;
  env?: string;
  /** The image tag, for the defaults of its release. */
  tag?: string;
}

/** The documentation of an item, written when the editor shows it (hundreds of flags are offered at once). */
export function docFor(ref: DocRef): string | undefined {
  const engine = ENGINES.find((e) => e.id === ref.engine);
  if (!engine) return undefined;
  if (ref.flag !== undefined) {
    const doc = flagDoc(engine, ref.flag);
    return doc && flagMarkdown(engine.name, doc, ref.tag);
  }
  const env = ref.env !== undefined ? envDoc(engine, ref.env) : undefined;
  return env && envMarkdown(engine.name, env);
}

export interface Suggestions {
  items: Suggestion[];
  /** More would match: the editor asks again as the user types (depends_on in a file of thousands of services). */
  incomplete: boolean;
}

const NONE: Suggestions = { items: [], incomplete: false };

export function completionsAt(text: string, offset: number, options: AnalysisOptions): Suggestions {
  const cursor = cursorAt(text, offset);
  if (!cursor.service) return NONE;
  const section = cursor.path[2];
  if (cursor.path.length === 2 && cursor.slot === 'key') return { items: serviceKeySuggestions(text, cursor, options), incomplete: false };
  if (section === 'depends_on' && cursor.path.length === 3 && cursor.slot !== 'value') return dependsOnSuggestions(text, cursor, options);
  if (cursor.path.length !== 3) return NONE;
  const at = describeServiceAt(text, cursor, options);
  if (!at || !at.info.isModelService) return NONE;
  if ((section === 'command' || section === 'entrypoint') && cursor.slot !== 'key') return { items: argumentSuggestions(cursor, at, section), incomplete: false };
  if (section === 'environment' && cursor.slot !== 'value') return { items: environmentSuggestions(text, cursor, at), incomplete: false };
  return NONE;
}

/** The tag of the image that tells the engine's release; undefined when not pinned or only known at `up`. */
export function engineTag(info: ServiceInfo): string | undefined {
  const image = engineImage(info);
  return image && !image.includes('$') ? parseImageRef(image).tag : undefined;
}

function argumentSuggestions(cursor: ComposeCursor, at: ServiceAtCursor, section: 'command' | 'entrypoint'): Suggestion[] {
  const { info, parsed } = at;
  const engine = info.engine;
  const tag = engineTag(info);
  const flags = flagsFor(engine, tag);
  if (!flags || !engine || runsThroughShell(info)) return [];
  const list = section === 'command' ? info.command : info.entrypoint;
  const wordStart = toParsed(parsed, cursor.word.start);
  const eq = cursor.prefix.indexOf('=');
  if (cursor.prefix.startsWith('--') && eq > 0) {
    // `--dtype=` takes its value in the same word.
    const doc = flagDoc(engine, cursor.prefix.slice(0, eq));
    return doc ? valueSuggestions(doc, { start: cursor.word.start + eq + 1, end: cursor.word.end }) : [];
  }
  const before = (list?.tokens ?? []).filter((t) => t.span.end <= wordStart);
  const previous = before[before.length - 1];
  if (!cursor.prefix.startsWith('-')) {
    const owner = previous && isFlagToken(previous.text) && !previous.text.includes('=') ? flagDoc(engine, previous.text) : undefined;
    if (owner?.takesValue) return valueSuggestions(owner, cursor.word);
    // A model id, a path, a value of an unknown flag; and an entrypoint's own words before the engine's arguments.
    if (cursor.prefix !== '' || (section === 'entrypoint' && !previous)) return [];
  }
  const present = new Set<string>();
  for (const flag of info.flags) {
    const underCursor = flag.nameSpan.start <= wordStart && wordStart <= flag.nameSpan.end;
    const doc = underCursor ? undefined : flagDoc(engine, flag.name);
    if (doc && !doc.repeatable) present.add(doc.flag);
  }
  return flags
    .filter((doc) => !present.has(doc.flag))
    .map((doc) => ({
      label: doc.flag,
      kind: 'flag' as const,
      detail: flagDetail(doc),
      documentation: undefined,
      doc: { engine: engine.id, flag: doc.flag, ...(tag !== undefined ? { tag } : {}) },
      insertText: doc.flag,
      snippet: false,
      replace: cursor.word,
      filterText: undefined,
      deprecated: doc.deprecated,
      sortText: `${doc.common ? 0 : 1}${doc.removed ? 1 : 0}${doc.flag}`,
    }));
}

/** One line: what the flag does, its default. */
function flagDetail(doc: FlagDoc): string {
  if (doc.removed) return `Removed from vLLM on ${doc.removed.date}; this image's release still accepts it.`;
  const shown = defaultText(doc.default);
  return `${doc.meaning}${shown !== undefined ? ` (default ${shown})` : ''}`;
}

function valueSuggestions(doc: FlagDoc, replace: Span): Suggestion[] {
  const fallback = defaultText(doc.default);
  return (doc.choices ?? []).map((choice, i) => ({
    label: choice,
    kind: 'value' as const,
    detail: `${doc.flag}${choice === fallback ? ' · default' : ''}${doc.deprecatedChoices.has(choice) ? ' · needs --allow-deprecated-quantization' : ''}`,
    documentation: undefined,
    doc: undefined,
    insertText: choice,
    snippet: false,
    replace,
    filterText: undefined,
    deprecated: doc.deprecatedChoices.has(choice),
    sortText: String(i).padStart(3, '0'),
  }));
}

function environmentSuggestions(text: string, cursor: ComposeCursor, at: ServiceAtCursor): Suggestion[] {
  const engine = at.info.engine;
  const vars = envVarsFor(engine);
  if (!vars || !engine) return [];
  const form = cursor.slot === 'item' ? 'list' : 'map';
  const eq = cursor.wordText.indexOf('=');
  if (form === 'list' && eq >= 0 && cursor.prefix.length > eq) return []; // past `=`: the value
  const name = { start: cursor.word.start, end: eq >= 0 ? cursor.word.start + eq : cursor.word.end };
  // The rest of the entry is written already (`NAME: value`, `NAME=value`): replace the name alone.
  const hasSeparator = form === 'list' ? eq >= 0 : text[cursor.word.end] === ':';
  const nameUnderCursor = text.slice(name.start, name.end);
  const present = new Set(at.info.env.map((e) => e.name).filter((n) => n !== nameUnderCursor));
  return vars
    .filter((v) => !present.has(v.name))
    .map((v) => ({
      label: v.name,
      kind: 'variable' as const,
      detail: `${v.deprecated ? 'Deprecated: ' : ''}${v.meaning}${v.default !== undefined && v.default !== '' ? ` (default ${v.default})` : ''}`,
      documentation: undefined,
      doc: { engine: engine.id, env: v.name },
      insertText: hasSeparator ? v.name : form === 'map' ? `${v.name}: ` : `${v.name}=`,
      snippet: false,
      replace: name,
      filterText: undefined,
      deprecated: v.deprecated !== undefined,
      sortText: `${/^(VLLM_|OLLAMA_|HF_TOKEN$)/.test(v.name) ? 0 : 1}${v.name}`,
    }));
}

/** The keys a model service needs and often lacks, each a snippet the rules accept as it is. */
function serviceKeySuggestions(text: string, cursor: ComposeCursor, options: AnalysisOptions): Suggestion[] {
  const at = describeServiceAt(text, cursor, options);
  if (!at) return [];
  const { info } = at;
  const map = info.service.map;
  const unit = indentStep(text, cursor);
  const nest = (lines: readonly string[]) => lines.map((l, i) => (i === 0 ? l : l.replace(/^((?: {2})*)/, (m) => unit.repeat(m.length / 2))));
  const dotEnv = options.dotEnv ?? new Map<string, string>();
  const out: Suggestion[] = [];
  const add = (key: string, label: string, detail: string, lines: readonly string[], snippet = false, template = true) => {
    if (map.has(key)) return;
    out.push({
      label,
      kind: 'snippet',
      detail,
      documentation: undefined,
      doc: undefined,
      insertText: (template ? nest(lines) : lines).join('\n'),
      snippet,
      replace: cursor.word,
      filterText: key,
      deprecated: false,
      sortText: `0${key}`,
    });
  };
  if (!info.isModelService) return out;
  if (info.engine?.needsGpu !== false && !info.gpu.any) {
    const count = countForReservation(info, dotEnv);
    const detail = `reserve ${count === 'all' ? 'all GPUs' : `${count} GPU${count === 1 ? '' : 's'}`} (driver nvidia, capabilities [gpu])`;
    add('deploy', 'deploy: GPU reservation', detail, reservationText(count, unit).split('\n'), false, false);
    add('gpus', 'gpus: all', 'every GPU of the host (Compose 2.30+)', ['gpus: all']);
  }
  const probe = probeFor(info, dotEnv);
  if (probe) {
    const estimate = serviceColdStart(info, options, dotEnv);
    const body = healthcheckBody(probe, recommendedStartPeriod(estimate));
    add('healthcheck', 'healthcheck: engine probe', `${probe.slice(1).join(' ')}; ${body[body.length - 1]} (twice the estimated cold start)`, ['healthcheck:', ...body.map((l) => `  ${l}`)]);
  }
  add('logging', 'logging: rotated json-file', 'rotate at 10 MB, keep 3 files', ['logging:', '  driver: json-file', '  options:', '    max-size: 10m', '    max-file: "3"']);
  if (!map.has('shm_size') && !map.has('ipc')) {
    add('ipc', 'ipc: host', "share the host's IPC namespace (NCCL's shared memory)", ['ipc: host']);
    add('shm_size', 'shm_size', 'more /dev/shm than Docker\'s 64 MiB', [`shm_size: \${1:${info.engine?.id === 'tgi' ? '1g' : '16g'}}`], true);
  }
  return out;
}

/** The file's indentation step: from the service's key to its own keys (the cursor's column when typing one). */
function indentStep(text: string, cursor: ComposeCursor): string {
  const own = cursor.keys[2]?.column ?? cursor.word.start - (text.lastIndexOf('\n', cursor.word.start - 1) + 1);
  const step = own - cursor.service!.column;
  return ' '.repeat(step > 0 ? step : 2);
}

/** How many names to send at most: the editor asks again as the user types more. */
const MAX_SERVICE_NAMES = 50;

function dependsOnSuggestions(text: string, cursor: ComposeCursor, options: AnalysisOptions): Suggestions {
  const own = cursor.service!;
  const at = describeServiceAt(text, cursor, options);
  const listed = new Set(dependsOnNames(at));
  const prefix = cursor.prefix.toLowerCase();
  const candidates = listServices(text).filter((s) => s.name !== own.name && !listed.has(s.name) && s.name.toLowerCase().includes(prefix));
  const shown = candidates.slice(0, MAX_SERVICE_NAMES);
  const unit = indentStep(text, cursor);
  const items = shown.map((s, i): Suggestion => {
    const model = isModelService(text, s, options);
    const condition = model ? 'service_healthy' : 'service_started';
    const mapForm = cursor.slot === 'key';
    return {
      label: s.name,
      kind: 'service',
      detail: mapForm ? `condition: ${condition}` : model ? 'model service' : undefined,
      documentation: undefined,
      doc: undefined,
      insertText: mapForm ? `${s.name}:\n${unit}condition: ${condition}` : s.name,
      snippet: false,
      replace: cursor.word,
      filterText: undefined,
      deprecated: false,
      sortText: String(i).padStart(4, '0'),
    };
  });
  return { items, incomplete: candidates.length > shown.length };
}

function dependsOnNames(at: ServiceAtCursor | undefined): string[] {
  const value = at?.info.service.map.value('depends_on');
  const seq = value?.asSeq();
  if (seq) return seq.items().flatMap((i) => (i.text !== undefined ? [i.text] : []));
  return value?.asMap()?.entries().map((e) => e.key) ?? [];
}

function isModelService(text: string, block: ServiceBlock, options: AnalysisOptions): boolean {
  const parsed = parseServiceBlock(text, block);
  return !!parsed && describeService(parsed.service, options.dotEnv ?? new Map(), options.buildContexts).isModelService;
}
