/**
 * What the editor's navigation shows about a parsed Compose text (a whole file, or one block of it; see
 * composeBlocks.ts): the outline's entries with their ranges and details, the links (registry and model pages,
 * files), the names that refer to a definition, YAML anchors and aliases, and where the inlay hints go (a model
 * id's cold start, a healthcheck's give-up time). Plain data with offsets into the parsed text, so it can be kept
 * per block and moved with it.
 */
import { isScalar, type Node } from 'yaml';
import type { BuildContextReader } from '../core/analysisOptions';
import type { Span } from '../core/types';
import { isRemoteContext } from './build';
import type { ComposeFile, ComposeService } from './composeFile';
import { durationField, readHealthcheck, retriesField, unhealthyAfter } from './healthcheck';
import { hasInterpolation, interpolate } from './interpolation';
import { SECTIONS, serviceReferences, type Section } from './references';
import { huggingFacePage, imagePage, type PageLink } from './registryPages';
import { describeService, type ServiceInfo } from './service';
import type { EngineId } from '../engines/engines';
import { MODEL_ENV_VARS, modelOfService } from './serviceColdStart';
import { serviceFitInput, type ServiceFitInput } from './serviceFit';
import { splitShortVolume, volumeTypeOf } from './volumes';
import { spanOf, type MapView, type ValueView } from './yamlView';
import { withoutTrailingSlashes } from '../core/trailingSlashes';

export interface OutlineEntry {
  name: string;
  keyAt: Span;
  /** From the key to the end of its value. */
  span: Span;
  /** Services: the engine and its model ("vLLM · Qwen/Qwen3-0.6B"), else the image; models: the model pulled. */
  detail?: string;
}

export interface OutlineSection {
  section: Section;
  keyAt: Span;
  span: Span;
  entries: OutlineEntry[];
}

/** A link's target: a page, or a path as written (relative paths are read from the Compose file's folder). */
export type LinkTarget = ({ kind: 'page' } & PageLink) | { kind: 'path'; path: string };

export interface LinkFact {
  span: Span;
  target: LinkTarget;
}

/** A name written where a service refers to a definition: `depends_on`, `extends`, `models`, `volumes`, `networks`… */
export interface NameReference {
  span: Span;
  section: Section;
  name: string;
}

/** `&name` or `*name` as written. */
export interface AnchorMark {
  name: string;
  span: Span;
}

/** The model a service serves, where its id is written. */
export interface ModelMention {
  service: string;
  model: string;
  /** The engine that serves it: cold starts differ by engine. */
  engine: EngineId | undefined;
  span: Span;
  /** The span holds exactly the id (not a `${VAR}` that resolves to it, nor a whole escaped scalar). */
  exact: boolean;
  /** The end of the word or value that names it (after a closing quote): where a hint goes. */
  end: number;
  /** What the memory estimate needs besides the GPU, when the file says it all (a vLLM service of a table model). */
  fit?: ServiceFitInput['input'];
}

/** A healthcheck's `start_period`, and how long after the container starts Docker gives up on it. */
export interface GiveUpMark {
  /** The end of the `start_period` value. */
  at: number;
  seconds: number;
}

export interface NavigationFacts {
  /** Top-level sections whose key is in the parsed text (all but `services` when the text is one service's block). */
  sections: OutlineSection[];
  /** The services defined in the text. */
  services: OutlineEntry[];
  links: LinkFact[];
  references: NameReference[];
  anchors: AnchorMark[];
  aliases: AnchorMark[];
  models: ModelMention[];
  giveUps: GiveUpMark[];
}

/**
 * The facts of `file`. Offsets are those of the parsed text less `origin`; whatever lies before `origin` (a
 * `services:` line or anchors put in front of a block to parse it) is left out.
 */
export function navigationFacts(file: ComposeFile, origin = 0, buildContexts?: BuildContextReader): NavigationFacts {
  const facts: NavigationFacts = { sections: [], services: [], links: [], references: [], anchors: [], aliases: [], models: [], giveUps: [] };
  const own = (span: Span | undefined) => span !== undefined && span.start >= origin;
  const move = (span: Span): Span => ({ start: span.start - origin, end: span.end - origin });
  const reader = new FactReader(file, facts, own, move);

  for (const service of file.services) if (own(service.keyAt)) reader.service(service, buildContexts);
  for (const entry of file.root?.entries() ?? []) {
    const section = SECTIONS.find((s) => s === entry.key);
    if (!section || !entry.pair || !own(entry.keyAt)) continue;
    const map = entry.value.asMap();
    const entries = section === 'services' ? facts.services.slice() : (map?.entries() ?? []).filter((e) => e.pair).map((e) => reader.definition(section, e.key, e.keyAt, e.value));
    facts.sections.push({ section, keyAt: move(entry.keyAt), span: move(entrySpan(file.text, entry.keyAt, entry.value)), entries });
  }
  readAnchors(file, facts, own, move);
  return facts;
}

class FactReader {
  constructor(
    private readonly file: ComposeFile,
    private readonly facts: NavigationFacts,
    private readonly own: (span: Span | undefined) => boolean,
    private readonly move: (span: Span) => Span,
  ) {}

  service(service: ComposeService, buildContexts: BuildContextReader | undefined): void {
    const info = describeService(service, this.file.dotEnv, buildContexts);
    const model = info.engine && info.isModelService ? modelOfService(info, this.file.dotEnv) : undefined;
    // Without a model argument the image says what is served (a NIM's image is its model).
    const detail = info.engine ? [info.engine.name, model ?? info.image].filter(Boolean).join(' · ') : info.image;
    this.facts.services.push({ name: service.name, keyAt: this.move(service.keyAt), span: this.move(entrySpan(this.file.text, service.keyAt, service.map)), ...(detail ? { detail } : {}) });

    const map = service.map;
    this.page(map.value('image'), imagePage);
    if (model !== undefined) this.modelMention(info, model, buildContexts);
    this.paths(map.value('env_file'), (item) => item.asMap()?.value('path') ?? item);
    const build = map.value('build');
    const buildMap = build?.asMap();
    const context = buildMap ? buildMap.value('context') : build;
    this.path(context, context?.text);
    const dockerfile = buildMap?.value('dockerfile');
    const contextText = context?.text ?? '.';
    if (dockerfile?.text !== undefined && !hasInterpolation(contextText) && !isRemoteContext(contextText)) {
      const file = dockerfile.text;
      this.path(dockerfile, file, file.startsWith('/') ? file : `${withoutTrailingSlashes(contextText)}/${file}`);
    }
    for (const item of map.seq('volumes')?.items() ?? []) {
      const long = item.asMap();
      if (long) {
        if (long.text('type') === 'bind') this.path(long.value('source'), long.text('source'));
        continue;
      }
      const source = item.text === undefined ? undefined : splitShortVolume(item.text)?.source;
      if (source !== undefined && volumeTypeOf(source) === 'bind') this.path(item, source);
    }
    for (const ref of serviceReferences(map)) {
      if (ref.nameSpan && this.own(ref.nameSpan)) this.facts.references.push({ span: this.move(ref.nameSpan), section: ref.section, name: ref.name });
    }
    this.giveUp(info);
  }

  /** An entry of `volumes`, `networks`, `models`, `configs` or `secrets`, with its links. */
  definition(section: Section, name: string, keyAt: Span, value: ValueView): OutlineEntry {
    const map = value.asMap();
    if (section === 'models') this.page(map?.value('model'), imagePage);
    if (section === 'configs' || section === 'secrets') this.path(map?.value('file'), map?.text('file'));
    const detail = section === 'models' ? map?.text('model') : undefined;
    return { name, keyAt: this.move(keyAt), span: this.move(entrySpan(this.file.text, keyAt, value)), ...(detail ? { detail } : {}) };
  }

  private page(value: ValueView | undefined, pageOf: (text: string) => PageLink | undefined): void {
    const text = value?.text;
    const page = text === undefined ? undefined : pageOf(text);
    const span = page && value ? writtenSpan(this.file.text, value, text!) : undefined;
    if (page && span && this.own(span)) this.facts.links.push({ span: this.move(span), target: { kind: 'page', ...page } });
  }

  /** `written` is the path's text at the start of the value; `path` what it points to (a Dockerfile: in its context). */
  private path(value: ValueView | undefined, written: string | undefined, path = written): void {
    if (!value || written === undefined || path === undefined || !isLocalPath(path)) return;
    const span = writtenSpan(this.file.text, value, written);
    if (span && this.own(span)) this.facts.links.push({ span: this.move(span), target: { kind: 'path', path } });
  }

  private paths(value: ValueView | undefined, pathOf: (item: ValueView) => ValueView): void {
    const list = value?.asSeq();
    if (!list) return this.path(value, value?.text);
    for (const item of list.items()) {
      const path = pathOf(item);
      this.path(path, path.text);
    }
  }

  /** Where the service's model id is written: a command-line word (`--model X`, `--model=X`, vLLM's positional), else a model env var. */
  private modelMention(info: ServiceInfo, model: string, buildContexts: BuildContextReader | undefined): void {
    const dotEnv = this.file.dotEnv;
    const fit = serviceFitInput(this.file, info, { reader: buildContexts });
    const resolved = (text: string) => interpolate(text, dotEnv) ?? text;
    const push = ([span, exact]: [Span, boolean], word: Span) => {
      if (!this.own(span)) return;
      this.facts.models.push({ service: info.service.name, model, engine: info.engine?.id, span: this.move(span), exact, end: this.move(word).end, ...(fit.known ? { fit: fit.input } : {}) });
      const page = exact ? huggingFacePage(model) : undefined;
      if (page) this.facts.links.push({ span: this.move(span), target: { kind: 'page', ...page } });
    };
    // The id as written inside the word (after `--model=`, inside quotes); else the whole word, for a hint only.
    const locate = (span: Span, value: string): [Span, boolean] => {
      const at = value === model ? this.file.text.indexOf(model, span.start) : -1;
      return at >= 0 && at + model.length <= span.end ? [{ start: at, end: at + model.length }, true] : [span, false];
    };
    for (const token of [...(info.entrypoint?.tokens ?? []), ...(info.command?.tokens ?? [])]) {
      const eq = token.text.startsWith('-') ? token.text.indexOf('=') : -1;
      const value = eq > 0 ? token.text.slice(eq + 1) : token.text;
      if (resolved(value) === model) return push(locate(token.span, value), token.span);
    }
    for (const name of MODEL_ENV_VARS) {
      const entry = info.env.find((e) => e.name === name && e.value !== undefined && resolved(e.value) === model);
      if (entry?.valueSpan) return push(locate(entry.valueSpan, entry.value!), entry.valueSpan);
    }
  }

  private giveUp(info: ServiceInfo): void {
    const healthcheck = readHealthcheck(info);
    const startPeriod = healthcheck?.map?.get('start_period');
    if (!healthcheck || healthcheck.disabled || !startPeriod?.pair || !this.own(startPeriod.value.at)) return;
    const dotEnv = this.file.dotEnv;
    const map = healthcheck.map;
    const seconds = unhealthyAfter(durationField(map, 'start_period', dotEnv), durationField(map, 'interval', dotEnv), retriesField(map, dotEnv));
    if (seconds !== undefined) this.facts.giveUps.push({ at: this.move(startPeriod.value.at).end, seconds });
  }
}

/** A path in the workspace as written: not `${VAR}`, not a URL, not the home folder. */
function isLocalPath(path: string): boolean {
  return path !== '' && !path.includes('$') && !path.startsWith('~') && !isRemoteContext(path) && !/[\0\r\n]/.test(path);
}

/** From a key to the end of its value, line breaks after it left out (the key alone when the value is empty). */
function entrySpan(text: string, keyAt: Span, value: ValueView | MapView): Span {
  let end = (value.inherited ? undefined : spanOf(value.node as Node | null)?.end) ?? keyAt.end;
  while (end > keyAt.end && /\s/.test(text[end - 1]!)) end--;
  return { start: keyAt.start, end: Math.max(keyAt.end, end) };
}

/**
 * Where `text` is written at the start of a scalar value (after its quote, if quoted); undefined when the value
 * came through an alias or is not written as is (escapes, folding).
 */
function writtenSpan(fileText: string, value: ValueView, text: string): Span | undefined {
  if (value.inherited || !isScalar(value.node)) return undefined;
  const at = value.at;
  const quoted = fileText[at.start] === '"' || fileText[at.start] === "'" ? 1 : 0;
  const start = at.start + quoted;
  return fileText.startsWith(text, start) && start + text.length <= at.end ? { start, end: start + text.length } : undefined;
}

/** Anchors (`&x`) and aliases (`*x`) from the source tokens the parse kept. */
function readAnchors(file: ComposeFile, facts: NavigationFacts, own: (span: Span) => boolean, move: (span: Span) => Span): void {
  const root = (file.doc.contents as (Node & { srcToken?: unknown }) | null)?.srcToken;
  const visit = (token: unknown, depth: number): void => {
    if (depth > 200 || token === null || typeof token !== 'object') return;
    if (Array.isArray(token)) {
      for (const t of token) visit(t, depth + 1);
      return;
    }
    const t = token as { type?: string; offset?: number; source?: string };
    if ((t.type === 'anchor' || t.type === 'alias') && typeof t.offset === 'number' && typeof t.source === 'string') {
      const span = { start: t.offset, end: t.offset + t.source.length };
      const name = t.source.slice(1);
      if (own(span)) (t.type === 'anchor' ? facts.anchors : facts.aliases).push({ name, span: move(span) });
      return;
    }
    for (const [key, value] of Object.entries(token)) if (key !== 'source' && typeof value === 'object') visit(value, depth + 1);
  };
  visit(root, 0);
}

/** The facts of a block parsed alone, moved to where the block starts in the file. */
export function movedFacts(facts: NavigationFacts, by: number): NavigationFacts {
  if (by === 0) return facts;
  const span = (s: Span): Span => ({ start: s.start + by, end: s.end + by });
  const entry = (e: OutlineEntry): OutlineEntry => ({ ...e, keyAt: span(e.keyAt), span: span(e.span) });
  const withSpan = <T extends { span: Span }>(x: T): T => ({ ...x, span: span(x.span) });
  return {
    sections: facts.sections.map((s) => ({ ...s, keyAt: span(s.keyAt), span: span(s.span), entries: s.entries.map(entry) })),
    services: facts.services.map(entry),
    links: facts.links.map(withSpan),
    references: facts.references.map(withSpan),
    anchors: facts.anchors.map(withSpan),
    aliases: facts.aliases.map(withSpan),
    models: facts.models.map((m) => ({ ...withSpan(m), end: m.end + by })),
    giveUps: facts.giveUps.map((g) => ({ ...g, at: g.at + by })),
  };
}
