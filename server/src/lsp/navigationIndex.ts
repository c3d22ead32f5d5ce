import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { blocksAfterEdit, splitComposeBlocks, type ComposeBlocks, type KeyedBlock } from '../compose/composeBlocks';
import { parseCompose } from '../compose/composeFile';
import { documentParts } from '../compose/yamlDocuments';
import { movedFacts, navigationFacts, type NavigationFacts } from '../compose/navigationFacts';
import type { AnalysisOptions } from '../core/analysisOptions';
import { LineIndex } from '../core/lineIndex';
import { changedRegion } from '../core/textDiff';
import type { Span } from '../core/types';
import { kindOf } from './documentPaths';
import type { DocumentSettings } from './settings';

/**
 * A part of the document parsed on its own: one service, one other top-level entry, or (unsplittable) all of it,
 * one piece per YAML document of a file of several.
 */
interface Piece {
  kind: 'service' | 'top' | 'whole';
  start: number;
  end: number;
}

/** Work done without a pause while the whole document's facts are gathered, so other requests get a turn. */
const SLICE_MS = 10;
const SERVICES_LINE = 'services:\n';

/**
 * The navigation facts of one version of a Compose document (links, outline, definitions, inlay hints). The text is
 * cut into blocks (composeBlocks.ts); a block is parsed only when a request needs it, and its facts are kept by
 * its text across versions, so after an edit only the edited service is parsed again. Gathering every block (the
 * outline, the links) pauses every few milliseconds: a 5,000-service file never holds up a completion.
 */
export class DocumentNavigation {
  readonly lines: LineIndex;
  readonly blocks: ComposeBlocks | undefined;
  private readonly pieces: Piece[];
  private readonly perPiece: Array<NavigationFacts | undefined>;
  /** The top-level blocks that define anchors, put before a service's block that uses an alias. */
  private prelude: string | undefined;
  private whole: Promise<NavigationFacts | undefined> | undefined;
  /** A newer version replaced this one: gathering for it stops (what was parsed is kept for the newer one). */
  retired = false;

  constructor(
    readonly version: number,
    readonly text: string,
    private readonly options: AnalysisOptions,
    /** Facts by parsed text, shared with the document's other versions. */
    private readonly kept: Map<string, NavigationFacts>,
    /** The document's previous version, read with the same options: an edit inside one block re-cuts nothing. */
    previous?: DocumentNavigation,
  ) {
    const edit = previous?.blocks ? changedRegion(previous.text, text) : undefined;
    const moved = edit && blocksAfterEdit(previous!.blocks!, text, edit.start, edit.oldEnd, edit.delta);
    this.lines = moved ? LineIndex.afterEdit(previous!.lines, text, edit.start, edit.oldEnd, edit.delta) : new LineIndex(text);
    this.blocks = moved ?? splitComposeBlocks(text);
    this.pieces = this.blocks ? piecesOf(this.blocks) : documentParts(text).map(({ start, end }): Piece => ({ kind: 'whole', start, end }));
    this.perPiece = new Array(this.pieces.length);
    // The blocks before an edited service did not move: their facts stand (the anchors a block may read are the same).
    const inService = moved && this.pieces.some((p) => p.kind === 'service' && p.start <= edit.start && edit.start < p.end);
    if (inService) for (let i = 0; i < this.pieces.length && this.pieces[i]!.end < edit.start; i++) this.perPiece[i] = previous!.perPiece[i];
    // Facts of texts no longer in the document go once they outnumber the live ones.
    if (kept.size > 2 * this.pieces.length + 64) this.prune();
  }

  /** The facts of the blocks that overlap `span` (both ends included). */
  factsIn(span: Span): NavigationFacts[] {
    const out: NavigationFacts[] = [];
    for (let i = this.firstPieceEndingAfter(span.start); i < this.pieces.length && this.pieces[i]!.start <= span.end; i++) out.push(this.factsOf(i));
    return out;
  }

  /** Every block's facts, in file order; undefined when `cancelled` says so first. */
  all(cancelled: () => boolean = () => false): Promise<NavigationFacts | undefined> {
    this.whole ??= this.gather(cancelled).then((facts) => {
      if (!facts) this.whole = undefined;
      return facts;
    });
    return this.whole;
  }

  /** Where `name` is defined in `section` (a service's key, a volume's key…): first written, in a file of several documents. */
  definitionOf(section: string, name: string): Span | undefined {
    if (this.blocks && section === 'services') return this.blocks.services?.entries.find((e) => e.key === name)?.keyAt;
    const block = this.blocks?.topLevel.find((b) => b.key === section);
    for (let i = 0; i < this.pieces.length; i++) {
      if (this.pieces[i]!.kind !== 'whole' && this.pieces[i]!.start !== block?.start) continue;
      const at = this.factsOf(i).sections.find((s) => s.section === section)?.entries.find((e) => e.name === name)?.keyAt;
      if (at) return at;
    }
    return undefined;
  }

  /** The anchor `&name` an alias at `offset` refers to: the last one written before it. */
  anchorBefore(name: string, offset: number): Span | undefined {
    let best: Span | undefined;
    for (let i = 0; i < this.pieces.length && this.pieces[i]!.start < offset; i++) {
      const piece = this.pieces[i]!;
      const at = this.text.indexOf(`&${name}`, piece.start);
      if (at < 0 || at >= Math.min(piece.end, offset)) continue;
      for (const anchor of this.factsOf(i).anchors) if (anchor.name === name && anchor.span.start < offset && (!best || anchor.span.start > best.start)) best = anchor.span;
    }
    return best;
  }

  private async gather(cancelled: () => boolean): Promise<NavigationFacts | undefined> {
    let sliceStart = performance.now();
    const all: NavigationFacts[] = [];
    for (let i = 0; i < this.pieces.length; i++) {
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        if (cancelled() || this.retired) return undefined;
        sliceStart = performance.now();
      }
      all.push(this.factsOf(i));
    }
    return this.merged(all);
  }

  /** One list of facts for the whole document, with the `services:` section put together from its services. */
  private merged(all: NavigationFacts[]): NavigationFacts {
    const out: NavigationFacts = { sections: [], services: [], links: [], references: [], anchors: [], aliases: [], models: [], giveUps: [] };
    for (const facts of all) {
      for (const key of Object.keys(out) as Array<keyof NavigationFacts>) (out[key] as unknown[]).push(...(facts[key] as unknown[]));
    }
    const services = this.blocks?.services;
    if (services) {
      const end = Math.max(services.keyAt.end, ...out.services.map((s) => s.span.end));
      out.sections.push({ section: 'services', keyAt: services.keyAt, span: { start: services.keyAt.start, end }, entries: out.services });
      out.sections.sort((a, b) => a.keyAt.start - b.keyAt.start);
    }
    return out;
  }

  private factsOf(i: number): NavigationFacts {
    const cached = this.perPiece[i];
    if (cached) return cached;
    const piece = this.pieces[i]!;
    const body = this.text.slice(piece.start, piece.end);
    const prefix = piece.kind === 'service' ? (usesAlias(body) ? this.anchorPrelude() : '') + SERVICES_LINE : '';
    const parsed = prefix + body;
    let facts = this.kept.get(parsed);
    if (!facts) {
      facts = navigationFacts(parseCompose(parsed, this.options.dotEnv), prefix.length, this.options.buildContexts);
      this.kept.set(parsed, facts);
    }
    return (this.perPiece[i] = movedFacts(facts, piece.start));
  }

  private anchorPrelude(): string {
    this.prelude ??= (this.blocks?.topLevel ?? [])
      .filter((b) => this.text.slice(b.start, b.end).includes('&'))
      .map((b) => this.text.slice(b.start, b.end).replace(/(?<!\n)$/, '\n'))
      .join('');
    return this.prelude;
  }

  private firstPieceEndingAfter(offset: number): number {
    let lo = 0;
    let hi = this.pieces.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pieces[mid]!.end < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private prune(): void {
    const live = new Set<string>();
    for (const piece of this.pieces) live.add(this.text.slice(piece.start, piece.end));
    for (const key of this.kept.keys()) {
      if (!live.has(key) && !live.has(key.slice(SERVICES_LINE.length))) this.kept.delete(key);
    }
  }
}

/** The blocks in file order: the top-level entries, with `services:` replaced by its services. */
function piecesOf(blocks: ComposeBlocks): Piece[] {
  const top = (b: KeyedBlock): Piece => ({ kind: 'top', start: b.start, end: b.end });
  const services = (blocks.services?.entries ?? []).map((b): Piece => ({ kind: 'service', start: b.start, end: b.end }));
  return [...blocks.topLevel.map(top), ...services].sort((a, b) => a.start - b.start);
}

/** An alias (`*x`, `<<: *x`) may be in the block: it is then parsed after the anchors' blocks. */
function usesAlias(body: string): boolean {
  return /(?:^|[\s[{,])\*[^\s,\]}]/.test(body);
}

/** A document's navigation as of now, with the analysis options it was read with. */
export interface OpenNavigation {
  nav: DocumentNavigation;
  options: AnalysisOptions;
}

/**
 * The navigation of each open Compose document: the latest version's, and the facts kept by block text, which are
 * dropped when what they were read with changes (the `.env` values, a Dockerfile on disk).
 */
export class NavigationDocuments {
  private readonly states = new Map<string, { inputsKey: string; kept: Map<string, NavigationFacts>; nav?: DocumentNavigation }>();

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settings: DocumentSettings,
  ) {}

  async get(uri: string): Promise<OpenNavigation | undefined> {
    const doc = this.documents.get(uri);
    if (!doc || kindOf(doc) !== 'compose') return undefined;
    const version = doc.version;
    const text = doc.getText();
    const { options } = await this.settings.inputsFor(doc, 'compose');
    for (const open of this.states.keys()) if (!this.documents.get(open)) this.states.delete(open);
    const inputsKey = `${this.settings.diskEpoch}\0${JSON.stringify([...(options.dotEnv ?? [])])}`;
    let state = this.states.get(uri);
    if (!state || state.inputsKey !== inputsKey) {
      if (state?.nav) state.nav.retired = true;
      this.states.set(uri, (state = { inputsKey, kept: new Map() }));
    }
    // A request for a version older than one already read answers nothing: the editor asks again for the new one.
    if (state.nav && state.nav.version > version) return undefined;
    if (state.nav?.version !== version || state.nav.text !== text) {
      if (state.nav) state.nav.retired = true;
      state.nav = new DocumentNavigation(version, text, options, state.kept, state.nav);
    }
    return { nav: state.nav, options };
  }
}
