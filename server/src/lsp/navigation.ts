import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DocumentSymbol,
  type CodeLens,
  type CodeLensParams,
  SymbolKind,
  type CancellationToken,
  type DefinitionParams,
  type DocumentLink,
  type DocumentLinkParams,
  type DocumentSymbolParams,
  type Location,
} from 'vscode-languageserver';
import type { OutlineEntry, OutlineSection } from '../compose/navigationFacts';
import type { Section } from '../compose/references';
import { containingRoot, pathInside } from '../core/boundedFile';
import type { Span } from '../core/types';
import { START_STACK_COMMAND } from '../protocol';
import { uriPath } from './documentPaths';
import type { NavigationDocuments } from './navigationIndex';

const ENTRY_KINDS: Record<Section, SymbolKind> = {
  services: SymbolKind.Class,
  volumes: SymbolKind.Variable,
  networks: SymbolKind.Interface,
  models: SymbolKind.Object,
  configs: SymbolKind.Property,
  secrets: SymbolKind.Key,
};

/**
 * Document links, the outline and go to definition for Compose documents, from each document's navigation facts
 * (navigationIndex.ts).
 */
export class Navigation {
  constructor(
    private readonly navigations: NavigationDocuments,
    /** The workspace folders: a path becomes a link only inside the folder that holds the Compose file. */
    private readonly roots: () => readonly string[],
  ) {}

  /**
   * Pages of images and models, and the files and folders the file names (`env_file`, `build`, bind mounts,
   * `configs`/`secrets` files): only those that exist inside the Compose file's workspace folder.
   */
  async links(params: DocumentLinkParams, token?: CancellationToken): Promise<DocumentLink[] | null> {
    const open = await this.navigations.get(params.textDocument.uri);
    const facts = await open?.nav.all(() => !!token?.isCancellationRequested);
    if (!open || !facts) return null;
    const file = params.textDocument.uri.startsWith('file:') ? uriPath(params.textDocument.uri) : undefined;
    const root = file ? containingRoot(this.roots(), file) : undefined;
    const targets = new Map<string, string | undefined>();
    const fileTarget = (path: string) => {
      if (!file || !root) return undefined;
      if (!targets.has(path)) {
        const real = pathInside(root, resolve(dirname(file), path));
        targets.set(path, real ? pathToFileURL(real).href : undefined);
      }
      return targets.get(path);
    };
    const links: DocumentLink[] = [];
    for (const link of facts.links) {
      const range = open.nav.lines.rangeOf(link.span);
      if (link.target.kind === 'page') links.push({ range, target: link.target.url, tooltip: link.target.tooltip });
      else {
        const target = fileTarget(link.target.path);
        if (target) links.push({ range, target });
      }
    }
    return links;
  }

  /** The outline: each top-level section with its entries; a service's detail is its engine and model, or its image. */
  async symbols(params: DocumentSymbolParams, token?: CancellationToken): Promise<DocumentSymbol[] | null> {
    const open = await this.navigations.get(params.textDocument.uri);
    const facts = await open?.nav.all(() => !!token?.isCancellationRequested);
    if (!open || !facts) return null;
    const lines = open.nav.lines;
    const symbol = (name: string, kind: SymbolKind, span: Span, keyAt: Span, detail?: string, children?: DocumentSymbol[]) =>
      // An outline entry needs a name: an empty key (`"": …`) shows as the quotes it is written with.
      DocumentSymbol.create(name || '""', detail, kind, lines.rangeOf(span), lines.rangeOf(keyAt), children);
    const entry = (section: OutlineSection) => (e: OutlineEntry) => symbol(e.name, ENTRY_KINDS[section.section], e.span, e.keyAt, e.detail);
    return facts.sections.map((s) => symbol(s.section, SymbolKind.Namespace, s.span, s.keyAt, undefined, s.entries.map(entry(s))));
  }

  /**
   * "▶ Start inference stack" above `services:` of a Compose file on disk that defines a service: it starts the
   * project of that file (the client shows it only in a trusted workspace).
   */
  async startLens(params: CodeLensParams, token?: CancellationToken): Promise<CodeLens[] | null> {
    if (!params.textDocument.uri.startsWith('file:')) return null;
    const open = await this.navigations.get(params.textDocument.uri);
    const facts = await open?.nav.all(() => !!token?.isCancellationRequested);
    const services = facts?.sections.find((s) => s.section === 'services');
    if (!open || !services?.entries.length) return null;
    const command = { title: '$(play) Start inference stack', command: START_STACK_COMMAND, arguments: [params.textDocument.uri] };
    return [{ range: open.nav.lines.rangeOf(services.keyAt), command }];
  }

  /**
   * From a name to where it is defined: `depends_on`, `extends`, `models`, `networks`, named `volumes`, `configs`
   * and `secrets` to their key; an alias `*x` to its anchor `&x`.
   */
  async definition(params: DefinitionParams): Promise<Location[] | null> {
    const open = await this.navigations.get(params.textDocument.uri);
    if (!open) return null;
    const nav = open.nav;
    const offset = nav.lines.offsetAt(params.position);
    const facts = nav.factsIn({ start: offset, end: offset });
    const holds = (span: Span) => span.start <= offset && offset <= span.end;
    const reference = facts.flatMap((f) => f.references).find((r) => holds(r.span));
    const alias = reference ? undefined : facts.flatMap((f) => f.aliases).find((a) => holds(a.span));
    const target = reference ? nav.definitionOf(reference.section, reference.name) : alias ? nav.anchorBefore(alias.name, alias.span.start) : undefined;
    return target ? [{ uri: params.textDocument.uri, range: nav.lines.rangeOf(target) }] : null;
  }
}
