/**
 * What to offer where the cursor is in a Compose file: the engine's flags and their values in `command:` /
 * `entrypoint:`, the env vars the engine reads in `environment:` (both decided by engines/engineSuggestions.ts, as
 * in a Dockerfile), the service keys that matter to a model service (as snippets that lint clean), and service names
 * in `depends_on`.
 */
import { dirname } from 'node:path';
import type { AnalysisOptions } from '../core/analysisOptions';
import { recommendedStartPeriod } from '../engines/coldStart';
import { releaseTag } from '../engines/engines';
import { argumentSuggestions as engineArgumentSuggestions, envSuggestions, type LocalModel, type Suggestion } from '../engines/engineSuggestions';
import { mountedFolders } from './mountedFolders';
import { runsThroughShell } from './commandEdits';
import { cursorAt, describeServiceAt, listServices, parseServiceBlock, toParsed, type ComposeCursor, type ServiceAtCursor, type ServiceBlock } from './cursor';
import { countForReservation, reservationText } from './gpuReservation';
import { healthcheckBody, probeFor } from './healthcheck';
import { describeService, engineImage, type ServiceInfo } from './service';
import { serviceColdStart } from './serviceColdStart';

export interface Suggestions {
  items: Suggestion[];
  /** More would match: the editor asks again as the user types (depends_on in a file of thousands of services). */
  incomplete: boolean;
}

const NONE: Suggestions = { items: [], incomplete: false };

/** The models a Hugging Face cache folder of the host holds (core/hfCacheModels.ts, inside the workspace). */
export type ModelLister = (folder: string) => string[];

export function completionsAt(text: string, offset: number, options: AnalysisOptions, listModels?: ModelLister): Suggestions {
  const cursor = cursorAt(text, offset);
  if (!cursor.service) return NONE;
  const section = cursor.path[2];
  if (cursor.path.length === 2 && cursor.slot === 'key') return { items: serviceKeySuggestions(text, cursor, options), incomplete: false };
  if (section === 'depends_on' && cursor.path.length === 3 && cursor.slot !== 'value') return dependsOnSuggestions(text, cursor, options);
  if (cursor.path.length !== 3) return NONE;
  const at = describeServiceAt(text, cursor, options);
  if (!at || !at.info.isModelService) return NONE;
  if ((section === 'command' || section === 'entrypoint') && cursor.slot !== 'key') return { items: argumentSuggestions(cursor, at, section, options, listModels), incomplete: false };
  if (section === 'environment' && cursor.slot !== 'value') return { items: environmentSuggestions(text, cursor, at), incomplete: false };
  return NONE;
}

/** The tag of the image that tells the engine's release (engines.ts `releaseTag`). */
export function engineTag(info: ServiceInfo): string | undefined {
  return releaseTag(engineImage(info));
}

function argumentSuggestions(cursor: ComposeCursor, at: ServiceAtCursor, section: 'command' | 'entrypoint', options: AnalysisOptions, listModels: ModelLister | undefined): Suggestion[] {
  const { info, parsed } = at;
  const engine = info.engine;
  if (!engine || runsThroughShell(info)) return [];
  const list = section === 'command' ? info.command : info.entrypoint;
  const wordStart = toParsed(parsed, cursor.word.start);
  const before = (list?.tokens ?? []).filter((t) => t.span.end <= wordStart);
  const written = info.flags.filter((f) => !(f.nameSpan.start <= wordStart && wordStart <= f.nameSpan.end)).map((f) => f.name);
  const previous = before[before.length - 1]?.text;
  const afterModelFlag = previous !== undefined && engine.modelFlags.includes(previous);
  return engineArgumentSuggestions({
    engine,
    tag: engineTag(info),
    word: cursor.word,
    prefix: cursor.prefix,
    previous,
    written,
    startsWithProgram: section === 'entrypoint',
    ...(afterModelFlag && listModels ? { localModels: cachedModels(info, options, listModels) } : {}),
  });
}

/** The models in the Hugging Face caches the service bind-mounts (a saved file's folders only: they are on disk). */
function cachedModels(info: ServiceInfo, options: AnalysisOptions, listModels: ModelLister): LocalModel[] {
  if (options.fileName === undefined) return [];
  const seen = new Set<string>();
  const out: LocalModel[] = [];
  for (const folder of mountedFolders(info, options.dotEnv ?? new Map(), dirname(options.fileName)).folders) {
    for (const id of listModels(folder.path)) {
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ id, folder: folder.written });
    }
  }
  return out;
}

function environmentSuggestions(text: string, cursor: ComposeCursor, at: ServiceAtCursor): Suggestion[] {
  const form = cursor.slot === 'item' ? 'list' : 'map';
  const eq = cursor.wordText.indexOf('=');
  if (form === 'list' && eq >= 0 && cursor.prefix.length > eq) return []; // past `=`: the value
  const name = { start: cursor.word.start, end: eq >= 0 ? cursor.word.start + eq : cursor.word.end };
  // The rest of the entry is written already (`NAME: value`, `NAME=value`): replace the name alone.
  const hasSeparator = form === 'list' ? eq >= 0 : text[cursor.word.end] === ':';
  const nameUnderCursor = text.slice(name.start, name.end);
  return envSuggestions(at.info.engine, {
    replace: name,
    written: new Set(at.info.env.map((e) => e.name).filter((n) => n !== nameUnderCursor)),
    insertText: (v) => (hasSeparator ? v : form === 'map' ? `${v}: ` : `${v}=`),
  });
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
