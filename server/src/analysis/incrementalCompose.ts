import { isAlias, isCollection, isMap, isPair, isScalar, Node, Pair, parseDocument, YAMLMap } from 'yaml';
import { ComposeFile, ComposeService, parseCompose, SyntaxProblem, syntaxProblems, YAML_OPTIONS } from '../compose/composeFile';
import { describeService, ServiceInfo } from '../compose/service';
import { isLoadableAlone, serviceReferences } from '../compose/references';
import { deref, keyText, MapView, MERGE_KEY, resetViewCache, spanOf } from '../compose/yamlView';
import { collectComposeReports, finalize, RawReport, syntaxReports, tooLargeFindings } from './analyze';
import { RULES } from '../rules/registry';
import { LineIndex } from '../core/lineIndex';
import type { AnalysisOptions, BuildContextReader } from '../core/analysisOptions';
import type { Finding, Report, Span, SpanFix } from '../core/types';
import { changedRegion } from '../core/textDiff';
import type { PeerLookup, PeerRead } from '../rules/rule';
import { REFERENCE_RULE_ID } from '../rules/compose-reference-undefined';

/**
 * The analysis of one Compose document, kept so that an edit inside one service re-parses and re-checks
 * only that service. The full `yaml` parse of a 5,000-service file takes seconds; one service takes well
 * under a millisecond.
 *
 * How: the document is cut into service segments (from the line of a service's key to the line of the next
 * one, or the end of the `services:` block). An edit that stays inside one segment re-parses that segment
 * alone, splices the new service into the full document (node ranges moved to file offsets), moves every
 * later range by the edit's length, and re-runs the rules on that service only (`ctx.services` holds just it,
 * `ctx.scope` is its segment). Reports of other services are kept, their offsets moved.
 *
 * Incremental only when it cannot differ from a full analysis; otherwise `update` returns false and the
 * caller starts over with `IncrementalCompose.create` (this instance is then spent). Not incremental: parse
 * errors, anchors / aliases / merge keys anywhere (a service could read another's nodes), an edit across
 * services or outside them, a changed or added service key, a change in an answer rules got about the edited
 * service while checking others (ComposeContext.peer), a change of the file's line break style or final line break, other options,
 * a `build:` Dockerfile or a file a rule read (a vLLM `--config`) that reads differently now (`BuildReads`).
 */
export class IncrementalCompose {
  /** The current reports, before suppression comments and settings (`findings` applies them). */
  private raw: RawReport[];
  private options: AnalysisOptions;
  /** Finalized once asked for: the project analysis reads the raw reports only. */
  private finalized: Finding[] | undefined;
  private readonly eligible: boolean;
  /** Set while the document is being changed; stays set when an update gave up half-way. */
  private spent = false;
  /** Segment k is [bounds[k], bounds[k + 1]). */
  private bounds: number[] = [];
  private names: string[] = [];
  private byName = new Map<string, number>();
  private column = 0;
  private infos: Array<ServiceInfo | undefined> = [];
  /** Raw reports per segment; reports that start outside every segment are `global`. */
  private perSegment: RawReport[][] = [];
  /** YAML syntax errors per segment (a service broken while typing); none when the analysis was created. */
  private segmentErrors: SyntaxProblem[][] = [];
  private global: RawReport[] = [];
  /** What rules asked about each service (ComposeContext.peer), with the answers they got. */
  private readonly peerReads: PeerReads;

  private constructor(
    private text: string,
    private file: ComposeFile | undefined,
    options: AnalysisOptions,
    private readonly optionsKey: string,
    raw: RawReport[],
    infos: ServiceInfo[],
    peerReads: PeerReads,
    /** The Dockerfiles of `build:` contexts read so far, and the reader of the latest options. */
    private readonly reads: BuildReads,
  ) {
    this.peerReads = peerReads;
    this.eligible = !!file && this.index(infos);
    if (this.eligible) this.partition(raw);
    // The views' entry indexes of every service would stay alive as long as the kept document.
    resetViewCache();
    if (this.eligible) this.file = this.rebuildFile(text, file!.lines, 0, false);
    this.raw = raw;
    this.options = options;
  }

  /** Findings of the current text, as `analyze` would return them. */
  get findings(): Finding[] {
    return (this.finalized ??= this.file ? finalize(this.rawReports, this.text, this.file.lines, this.options) : []);
  }

  /**
   * The reports of the current text, before finalize (same as analyze.ts composeReports gives). Kept with their
   * fixes while a service is broken, and given out as a full analysis gives them then: without fixes, and without
   * the rules that say nothing about a file with a syntax error.
   */
  get rawReports(): readonly RawReport[] {
    if (!this.file?.syntaxErrors.length) return this.raw;
    return this.raw.filter((r) => !SILENT_ON_SYNTAX_ERRORS.has(r.rule)).map((r) => (r.report.fixes?.length ? { ...r, report: { ...r.report, fixes: [] } } : r));
  }

  /** The current text as parsed (its services' ranges are current); undefined for a file declined as too large. */
  get parsed(): ComposeFile | undefined {
    return this.file;
  }

  /** The facts of each service of the current text (described once each until an edit moves it). */
  get serviceInfos(): readonly ServiceInfo[] {
    return this.file ? this.file.services.map((_, i) => this.infoAt(i)) : [];
  }

  /** A full analysis of `text` (same findings as `analyze(text, 'compose', options)`). */
  static create(text: string, options: AnalysisOptions = {}): IncrementalCompose {
    const key = optionsKey(options);
    const tooLarge = tooLargeFindings(text, options);
    if (tooLarge) {
      const state = new IncrementalCompose(text, undefined, options, key, [], [], new Map(), new BuildReads(undefined));
      state.finalized = tooLarge;
      return state;
    }
    const lines = new LineIndex(text);
    const file = parseCompose(text, options.dotEnv, lines);
    const reads = new BuildReads(options.buildContexts);
    const infos = file.services.map((s) => describeService(s, file.dotEnv, reads.reader));
    const byName = new Map(infos.map((s) => [s.service.name, s]));
    const peerReads: PeerReads = new Map();
    const peer = recordingPeer((name) => byName.get(name), file.dotEnv, peerReads);
    const raw = [...syntaxReports(file), ...collectComposeReports(file, infos, { ...options, buildContexts: reads.reader }, undefined, peer)];
    return new IncrementalCompose(text, file, options, key, raw, infos, peerReads, reads);
  }

  /** Length of the analysed text (its kept parse takes about 70 bytes of memory per character). */
  get textLength(): number {
    return this.text.length;
  }

  /** Whether edits can be applied incrementally at all (false: every `update` returns false). */
  get incremental(): boolean {
    return this.eligible && !this.spent;
  }

  /**
   * Brings the analysis to `newText`. True: done, `findings` are current. False: not safe incrementally;
   * the caller must do a full analysis, and this instance must not be used again.
   */
  update(newText: string, options: AnalysisOptions = {}): boolean {
    const file = this.file;
    if (!this.incremental || !file || optionsKey(options) !== this.optionsKey) return false;
    if (tooLargeFindings(newText, options)) return false;
    // A Dockerfile edited on disk may change what any service is: only a full analysis can tell.
    if (!this.reads.unchangedFor(options.buildContexts)) return false;
    const old = this.text;
    if (old === newText) return true;
    const { start, oldEnd, delta } = this.regionInOneSegment(old, changedRegion(old, newText));
    const k = this.segmentOf(start, oldEnd);
    if (k < 0) return false;
    const segStart = this.bounds[k]!;
    const oldSegEnd = this.bounds[k + 1]!;
    const newSegEnd = oldSegEnd + delta;
    // Fixes elsewhere write the file's line break and may add a final one.
    if (crlfMayChange(old, newText, start, oldEnd, delta) && old.includes('\r\n') !== newText.includes('\r\n')) return false;
    if (oldSegEnd === old.length && old.endsWith('\n') !== newText.endsWith('\n')) return false;

    // The next service (or top-level key) must still start a line of its own.
    if (newSegEnd !== newText.length && newText.charCodeAt(newSegEnd - 1) !== 10) return false;
    const last = k === this.names.length - 1;
    const follow: Follow = !last ? 'service' : oldSegEnd < old.length ? 'top-level' : 'end';
    const parsed = this.parseSegment(newText.slice(segStart, newSegEnd), segStart, follow);
    if (!parsed) return false;
    const { pairs, errors } = parsed;
    // The segment may now hold other services (a service added, removed or renamed), never one named elsewhere.
    const oldName = this.names[k]!;
    const newNames = pairs.map((p) => keyText(p)!);
    if (new Set(newNames).size !== newNames.length || newNames.some((n) => n !== oldName && this.byName.has(n))) return false;
    const renamed = newNames.length !== 1 || newNames[0] !== oldName;
    if (renamed && !this.otherServicesIgnore(k, oldName, newNames)) return false;
    // What rules asked about these services while checking others: asked again after the edit, below.
    const asked = [...new Set([oldName, ...newNames])].map((name) => ({ name, reads: this.peerReads.get(name) }));
    // Whether every service is loadable alone decides whether the whole file is a fragment (compose-reference-undefined).
    const loadableBefore = isLoadableAlone(file.services[k]!.map);
    const shiftedRest = this.shiftReports(k, segStart, oldSegEnd, delta);
    if (!shiftedRest) return false;

    // From here on the document is changed: a false return leaves this instance spent.
    this.spent = true;
    const servicesMap = this.servicesMap();
    servicesMap.items.splice(k, 1, ...pairs);
    this.shiftDocument(servicesMap, k + pairs.length, oldSegEnd, delta);
    resetViewCache();
    const lines = LineIndex.afterEdit(file.lines, newText, start, oldEnd, delta);
    const starts = pairs.map((p) => lines.lineStart(lines.lineOf((p.key as Node).range![0])));
    const movedErrors = (list: SyntaxProblem[]) => list.map((e) => ({ ...e, span: { start: e.span.start + delta, end: e.span.end + delta } }));
    this.segmentErrors = [...this.segmentErrors.slice(0, k), ...pairs.map((_, j) => (j === 0 ? errors : [])), ...this.segmentErrors.slice(k + 1).map(movedErrors)];
    this.bounds = [...this.bounds.slice(0, k), ...starts, ...this.bounds.slice(k + 1).map((b) => b + delta)];
    if (renamed) {
      this.names.splice(k, 1, ...newNames);
      this.byName = new Map(this.names.map((name, i) => [name, i]));
    }
    // Services before the edit kept their offsets, so their infos stay; later ones are rebuilt on demand.
    this.infos = this.infos.slice(0, k);
    this.infos.length = this.names.length;
    const next = this.rebuildFile(newText, lines, k, renamed);
    this.file = next;
    this.text = newText;
    const infos = pairs.map((_, j) => (this.infos[k + j] = describeService(next.services[k + j]!, next.dotEnv, this.reads.reader)));
    for (const { name, reads } of asked) {
      const info = this.lookup(name);
      if (reads && [...reads].some(([read, { json }]) => stableJson(info && read(info, next.dotEnv)) !== json)) return false;
    }
    if (infos.every((info) => isLoadableAlone(info.service.map)) !== loadableBefore) return false;

    const scope: Span = { start: segStart, end: newSegEnd };
    // Checked as if the file had no syntax error, so the reports keep their fixes for when the error is gone
    // (rawReports takes them away meanwhile).
    const intact: ComposeFile = { ...next, syntaxErrors: [] };
    const raw = [
      ...syntaxReports({ ...next, syntaxErrors: errors }),
      ...collectComposeReports(intact, infos, { ...options, buildContexts: this.reads.reader }, scope, recordingPeer((n) => this.lookup(n), next.dotEnv, this.peerReads)),
    ];
    if (raw.some((r) => r.report.span.start < segStart || r.report.span.start >= newSegEnd)) return false;
    // Each report goes to the service whose lines hold it.
    const added: RawReport[][] = pairs.map(() => []);
    for (const r of raw) {
      let j = starts.length - 1;
      while (j > 0 && starts[j]! > r.report.span.start) j--;
      added[j]!.push(r);
    }
    this.perSegment = shiftedRest.perSegment;
    this.perSegment.splice(k, 1, ...added);
    this.global = shiftedRest.global;
    this.spent = false;
    this.raw = [...this.global, ...this.perSegment.flat()];
    this.options = options;
    this.finalized = undefined;
    return true;
  }

  /**
   * A deletion is found at the end of the longest common prefix, which for a whole service removed lies in the next
   * one (`  svc-4:…  svc-5:` less `  svc-4:…` keeps `  svc-` of both): the same deletion a few characters earlier
   * gives the same text and may fit in one segment.
   */
  private regionInOneSegment(old: string, region: { start: number; oldEnd: number; delta: number }): { start: number; oldEnd: number; delta: number } {
    let { start, oldEnd } = region;
    if (oldEnd - start !== -region.delta) return region;
    for (let slid = 0; slid < 256 && start > 0 && this.segmentOf(start, oldEnd) < 0 && old.charCodeAt(start - 1) === old.charCodeAt(oldEnd - 1); slid++) {
      start--;
      oldEnd--;
    }
    return this.segmentOf(start, oldEnd) < 0 ? region : { start, oldEnd, delta: region.delta };
  }

  private lookup(name: string): ServiceInfo | undefined {
    const i = this.byName.get(name);
    return i === undefined ? undefined : this.infoAt(i);
  }

  /** Infos of services that were not re-parsed are rebuilt on demand: their offsets may have moved. */
  private infoAt(i: number): ServiceInfo {
    return (this.infos[i] ??= describeService(this.file!.services[i]!, this.file!.dotEnv, this.reads.reader));
  }

  private servicesMap(): YAMLMap {
    const root = this.file!.doc.contents as YAMLMap;
    return root.items.find((p) => keyText(p) === 'services')!.value as YAMLMap;
  }

  /** Checks the document can be updated incrementally and cuts it into service segments. */
  private index(infos: ServiceInfo[]): boolean {
    const file = this.file!;
    const { doc, text, lines } = file;
    if (doc.errors.length || !isMap(doc.contents) || doc.contents.flow || !file.root) return false;
    const root = doc.contents;
    // A directive (`%YAML 1.1`) would change how the re-parsed segment reads.
    const rootStart = root.range?.[0] ?? 0;
    if (/^%/m.test(text.slice(0, rootStart))) return false;
    if (hasSharedNodes(root)) return false;
    const at = root.items.findIndex((p) => keyText(p) === 'services');
    if (at < 0 || root.items.filter((p) => keyText(p) === 'services').length > 1) return false;
    const services = root.items[at]!.value;
    if (!isMap(services) || services.flow || services.items.length === 0) return false;
    if (file.services.length !== services.items.length || infos.length !== services.items.length) return false;
    const bounds: number[] = [];
    let column = -1;
    for (let i = 0; i < services.items.length; i++) {
      const item = services.items[i]!;
      const keyStart = (item.key as Node | null)?.range?.[0];
      const name = keyText(item);
      if (keyStart === undefined || name === undefined || !isMap(item.value) || this.byName.has(name)) return false;
      const lineStart = lines.lineStart(lines.lineOf(keyStart));
      if (text.slice(lineStart, keyStart).trim() !== '') return false;
      if (column >= 0 && keyStart - lineStart !== column) return false;
      column = keyStart - lineStart;
      bounds.push(lineStart);
      this.byName.set(name, i);
      this.names.push(name);
    }
    // The last segment ends where the next top-level key's line starts, or at the end of the text.
    const nextKey = (root.items[at + 1]?.key as Node | null)?.range?.[0];
    bounds.push(nextKey === undefined ? text.length : lines.lineStart(lines.lineOf(nextKey)));
    if (bounds[bounds.length - 1]! < bounds[bounds.length - 2]!) return false;
    this.bounds = bounds;
    this.column = column;
    // Infos are rebuilt on demand (a lookup, an edit): keeping 5,000 of them costs more memory than time.
    this.infos = new Array(infos.length);
    return true;
  }

  private partition(raw: RawReport[]): void {
    const n = this.names.length;
    this.perSegment = Array.from({ length: n }, () => []);
    this.segmentErrors = Array.from({ length: n }, () => []);
    for (const r of raw) {
      const k = this.segmentAt(r.report.span.start);
      (k >= 0 ? this.perSegment[k]! : this.global).push(r);
    }
  }

  /** The segment holding `offset`, or -1. */
  private segmentAt(offset: number): number {
    const b = this.bounds;
    if (offset < b[0]! || offset >= b[b.length - 1]!) return -1;
    let lo = 0;
    let hi = b.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (b[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The one segment that holds the changed text [start, oldEnd), or -1. */
  private segmentOf(start: number, oldEnd: number): number {
    const b = this.bounds;
    const last = b.length - 2;
    // An insertion right at the end of the services block belongs to the last service.
    const k = start === b[last + 1] && oldEnd === start ? last : this.segmentAt(start);
    return k >= 0 && oldEnd <= b[k + 1]! ? k : -1;
  }

  /**
   * Parses the segment as a file of its own (`services:` then the segment). Returns its services' pairs (none when
   * the edit removed the service, several when it added some) with ranges moved to file offsets, or undefined unless
   * each is a map whose key starts a line at the services' column, without anchors, aliases or merge keys, the
   * first on the segment's first line.
   */
  private parseSegment(segment: string, segStart: number, follow: Follow): { pairs: Pair[]; errors: SyntaxProblem[] } | undefined {
    if (/^(---|\.\.\.)/m.test(segment)) return undefined;
    const prefix = 'services:\n';
    // What follows the segment in the file decides where its last node ends (trailing comments belong to
    // it only when more keys follow), so a stand-in for it follows here too.
    const sentinel = follow === 'service' ? `${' '.repeat(this.column)}${SENTINEL}:\n` : follow === 'top-level' ? `${SENTINEL}:\n` : '';
    const doc = parseDocument(prefix + segment + sentinel, YAML_OPTIONS);
    // A syntax error inside the service (an indentation typed half-way) stays its own when the parser still reads
    // the service's key and, after it, what follows as it follows in the file: the key line of the next service
    // (or top-level key) closes whatever the error left open: the stand-in below must be read as that key. An error
    // that reaches past the segment (an open quote or bracket swallows the next lines) fails that check, and the
    // whole file is parsed again.
    const inside = (pos: number) => pos >= prefix.length + this.column && pos < prefix.length + segment.length;
    if (doc.errors.some((e) => !inside(e.pos[0]) || !inside(Math.max(e.pos[0], e.pos[1] - 1)))) return undefined;
    if (!isMap(doc.contents) || doc.contents.items.length !== (follow === 'top-level' ? 2 : 1)) return undefined;
    const services = doc.contents.items[0]!;
    if (keyText(services) !== 'services' || !isMap(services.value) || services.value.flow) return undefined;
    const items = services.value.items;
    const pairs = follow === 'service' ? items.slice(0, -1) : items;
    if (follow === 'service' && keyText(items[items.length - 1]!) !== SENTINEL) return undefined;
    if (follow === 'top-level' && keyText(doc.contents.items[1]!) !== SENTINEL) return undefined;
    const lines = new LineIndex(prefix + segment);
    for (const [j, pair] of pairs.entries()) {
      const keyStart = (pair.key as Node | null)?.range?.[0];
      if (keyStart === undefined || keyText(pair) === undefined || keyText(pair) === SENTINEL || !isMap(pair.value)) return undefined;
      // Each key starts a line at the services' column; the first opens the segment (a line put before it would
      // belong to the previous service).
      const lineStart = lines.lineStart(lines.lineOf(keyStart));
      if (keyStart - lineStart !== this.column || (prefix + segment).slice(lineStart, keyStart).trim() !== '') return undefined;
      if (j === 0 && lineStart !== prefix.length) return undefined;
    }
    if (hasSharedNodes(doc.contents)) return undefined;
    const base = segStart - prefix.length;
    for (const pair of pairs) {
      walkNodes(pair, (node) => {
        const r = node.range!;
        r[0] += base;
        r[1] += base;
        r[2] += base;
      });
    }
    return { pairs, errors: syntaxProblems(doc.errors, base) };
  }

  /**
   * Whether the other services' findings stay the same when the services of segment `k` change names (one added,
   * removed or renamed): compose-reference-undefined off, or no finding of it elsewhere (its suggestions read every
   * name) and no other service that names a removed one. What rules asked through ComposeContext.peer is checked after the edit.
   */
  private otherServicesIgnore(k: number, oldName: string, newNames: readonly string[]): boolean {
    // Off (a project's merged analysis leaves it to each file's own), nothing else reads every name.
    if (this.options.rules?.[REFERENCE_RULE_ID] === 'off') return true;
    if (this.perSegment.some((list, i) => i !== k && list.some((r) => r.rule === REFERENCE_RULE_ID))) return false;
    if (this.global.some((r) => r.rule === REFERENCE_RULE_ID)) return false;
    if (newNames.includes(oldName)) return true;
    const services = this.file!.services;
    return services.every((service, i) => i === k || !serviceReferences(service.map).some((r) => r.section === 'services' && r.name === oldName));
  }

  /** Moves every range at or after the old segment end, in the services from `firstMoved` on and the rest of the file. */
  private shiftDocument(servicesMap: YAMLMap, firstMoved: number, from: number, delta: number): void {
    if (delta === 0) return;
    const shift = (node: Node) => {
      const r = node.range!;
      if (r[0] >= from) r[0] += delta;
      if (r[1] >= from) r[1] += delta;
      if (r[2] >= from) r[2] += delta;
    };
    const doc = this.file!.doc;
    const root = doc.contents as YAMLMap;
    if (doc.range) {
      for (let i = 0; i < 3; i++) if (doc.range[i]! >= from) doc.range[i]! += delta;
    }
    if (root.range) shift(root);
    if (servicesMap.range) shift(servicesMap);
    for (let i = firstMoved; i < servicesMap.items.length; i++) walkNodes(servicesMap.items[i]!, shift);
    for (const item of root.items) {
      if (item.value === servicesMap) {
        if (isScalar(item.key) && item.key.range) shift(item.key);
        continue;
      }
      walkNodes(item, shift);
    }
  }

  /**
   * The ComposeFile over the updated document: new text and line index, fresh views from service `k` on
   * (views cache their entries' offsets; services before `k` did not move).
   */
  private rebuildFile(text: string, lines: LineIndex, k: number, renamed: boolean): ComposeFile {
    const prev = this.file!;
    const rootNode = deref(prev.doc, prev.doc.contents) as YAMLMap;
    const root = new MapView(prev.doc, rootNode, spanOf(rootNode) ?? { start: 0, end: 0 }, false);
    const items = this.servicesMap().items;
    const services: ComposeService[] = prev.services.slice(0, k);
    for (let i = k; i < items.length; i++) {
      const value = items[i]!.value as YAMLMap;
      services.push({ name: this.names[i]!, keyAt: spanOf(items[i]!.key as Node)!, map: new MapView(prev.doc, value, spanOf(value) ?? { start: 0, end: 0 }, false) });
    }
    // The names memo holds while no service was added, removed or renamed (loadability changes fall back).
    return { ...prev, text, lines, root, services, syntaxErrors: this.segmentErrors.flat(), names: renamed ? {} : prev.names ?? {} };
  }

  /**
   * The kept reports of every other segment and the global ones, offsets moved by `delta` past the old
   * segment. Undefined when one of them touches the edited segment (its fix would be stale).
   */
  private shiftReports(k: number, segStart: number, segEnd: number, delta: number): { perSegment: RawReport[][]; global: RawReport[] } | undefined {
    // A first pass only reads (a 5,000-service file keeps tens of thousands of reports, and most stay as they are):
    // a report is copied only when one of its offsets lies past the edited segment and the edit changed the length.
    let stale = false;
    const moves = (offset: number) => {
      if (offset > segStart && offset < segEnd) stale = true;
      return offset >= segEnd;
    };
    const needsMove = (r: RawReport): boolean => {
      let any = moves(r.report.span.start) || moves(r.report.span.end);
      for (const fix of r.report.fixes ?? []) for (const e of fix.edits) any = moves(e.span.start) || moves(e.span.end) || any;
      for (const v of r.report.involves ?? []) any = moves(v.span.start) || moves(v.span.end) || any;
      return any && delta !== 0;
    };
    const at = (offset: number) => (offset >= segEnd ? offset + delta : offset);
    const move = (span: Span): Span => ({ start: at(span.start), end: at(span.end) });
    const moveReport = (r: RawReport): RawReport => {
      if (!needsMove(r)) return r;
      const report: Report = { ...r.report, span: move(r.report.span) };
      if (r.report.fixes) report.fixes = r.report.fixes.map((f): SpanFix => ({ ...f, edits: f.edits.map((e) => ({ ...e, span: move(e.span) })) }));
      if (r.report.involves) report.involves = r.report.involves.map((v) => ({ ...v, span: move(v.span) }));
      return { ...r, report };
    };
    const moveList = (list: RawReport[]): RawReport[] => {
      let moved: RawReport[] | undefined;
      for (let j = 0; j < list.length; j++) {
        const r = moveReport(list[j]!);
        if (r !== list[j]) (moved ??= list.slice())[j] = r;
      }
      return moved ?? list;
    };
    const perSegment = this.perSegment.map((list, i) => (i === k ? [] : moveList(list)));
    const global = moveList(this.global);
    return stale ? undefined : { perSegment, global };
  }
}

/**
 * Every file the analysis read through `options.buildContexts` (the Dockerfiles of `build:`, the files rules read
 * with `readFile`), with the text it got. Kept findings of other services were computed from those texts: an
 * update first reads them again with the new options' reader, and falls back to a full analysis when one differs.
 */
class BuildReads {
  /** Each read, keyed by what it asked, with the text it got and how to ask another reader the same. */
  private readonly texts = new Map<string, { read: (reader: BuildContextReader) => string | undefined; text: string | undefined }>();
  /** What describeService and the rules are given: records every read; undefined without a reader, as in `analyze`. */
  readonly reader: BuildContextReader | undefined;
  private inner: BuildContextReader | undefined;

  constructor(inner: BuildContextReader | undefined) {
    this.inner = inner;
    this.reader = inner && {
      readDockerfile: (context, dockerfile) => this.record([context, dockerfile], (r) => r.readDockerfile(context, dockerfile)),
      readFile: (path) => this.record([path], (r) => r.readFile?.(path)),
    };
  }

  private record(asked: string[], read: (reader: BuildContextReader) => string | undefined): string | undefined {
    const text = this.inner && read(this.inner);
    this.texts.set(JSON.stringify(asked), { read, text });
    return text;
  }

  /** Whether `reader` gives every file read so far the same text; if so, later reads go to it. */
  unchangedFor(reader: BuildContextReader | undefined): boolean {
    if (!reader || !this.inner) return !reader && !this.inner;
    for (const { read, text } of this.texts.values()) if (read(reader) !== text) return false;
    this.inner = reader;
    return true;
  }
}

/** What follows a segment in the file: another service, a top-level key, or nothing. */
type Follow = 'service' | 'top-level' | 'end';
const SENTINEL = '__inference_stack_next__';


/** Rules that say nothing about a file with a syntax error (RuleMeta.silentOnSyntaxErrors). */
const SILENT_ON_SYNTAX_ERRORS: ReadonlySet<string> = new Set(RULES.filter((r) => r.meta.silentOnSyntaxErrors).map((r) => r.meta.id));

/** What rules asked about each service through ComposeContext.peer: question → answer, and as stableJson. */
type PeerReads = Map<string, Map<PeerRead<unknown>, { answer: unknown; json: string }>>;

/**
 * ComposeContext.peer over `find`, recording each question and its answer in `reads`. A question asked before is
 * answered from the record: the answers hold no offsets (rule.ts PeerLookup), and an edited service's recorded answers
 * are checked against what it says now before any rule runs again (update's `asked`), so every record is current. A
 * rule comparing one service with all the others then does not describe the others again after each edit.
 */
function recordingPeer(find: (name: string) => ServiceInfo | undefined, dotEnv: ReadonlyMap<string, string>, reads: PeerReads): PeerLookup {
  return (name, read) => {
    let asked = reads.get(name);
    const recorded = asked?.get(read as PeerRead<unknown>);
    if (recorded) return recorded.answer as ReturnType<typeof read>;
    const info = find(name);
    const answer = info && read(info, dotEnv);
    if (!asked) reads.set(name, (asked = new Map()));
    asked.set(read as PeerRead<unknown>, { answer, json: stableJson(answer) });
    return answer;
  };
}

/** Whether the edit removed or wrote a \r (next to the edit included): only then can `\r\n` appear or go. */
function crlfMayChange(old: string, next: string, start: number, oldEnd: number, delta: number): boolean {
  const from = Math.max(0, start - 1);
  return old.slice(from, oldEnd + 1).includes('\r') || next.slice(from, oldEnd + delta + 1).includes('\r');
}

/** Anchors, aliases or merge keys: one service may then read nodes written in another place. */
function hasSharedNodes(root: Node): boolean {
  let shared = false;
  const visit = (node: unknown): void => {
    if (shared || node === null || node === undefined) return;
    if (isAlias(node)) {
      shared = true;
      return;
    }
    if (isPair(node)) {
      if (isScalar(node.key) && node.key.value === MERGE_KEY) shared = true;
      visit(node.key);
      visit(node.value);
      return;
    }
    if ((node as Node).anchor) shared = true;
    if (isCollection(node)) for (const item of node.items) visit(item);
  };
  visit(root);
  return shared;
}

/** Calls `fn` on every node with a range under `start` (aliases are not followed). */
function walkNodes(start: unknown, fn: (node: Node) => void): void {
  const visit = (node: unknown): void => {
    if (node === null || node === undefined) return;
    if (isPair(node)) {
      visit(node.key);
      visit(node.value);
      return;
    }
    if ((isScalar(node) || isCollection(node) || isAlias(node)) && (node as Node).range) fn(node as Node);
    if (isCollection(node)) for (const item of node.items) visit(item);
  };
  visit(start);
}

/** Options as a stable string: an update needs the very same options as the analysis it continues. */
export function optionsKey(options: AnalysisOptions): string {
  return stableJson({
    coldStartSeconds: options.coldStartSeconds,
    measuredColdStarts: options.measuredColdStarts,
    rules: options.rules,
    dotEnv: options.dotEnv ? [...options.dotEnv] : undefined,
    // A function has no stable text: whether there is one is in the key, what it reads is in BuildReads.
    buildContexts: options.buildContexts ? true : undefined,
    fileName: options.fileName,
    // The memory and GPU rules read these: a new target GPU or a config fetched from the Hub is a new analysis.
    gpu: options.gpu,
    hostGpus: options.hostGpus,
    hubModelConfigs: options.hubModelConfigs,
    // resource-limits-missing sizes its fix from the engine's CPUs and memory.
    engineResources: options.engineResources,
    // Sets have no JSON text of their own: their sorted names do.
    project: options.project
      ? { ...Object.fromEntries(Object.entries(options.project.definedElsewhere).map(([kind, names]) => [kind, [...names].sort()])), fileAlone: options.project.fileAlone }
      : undefined,
  });
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
