import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

/**
 * The folders of server/src and client/src form layers, each importing only those below it (ARCHITECTURE.md). This
 * reads every .ts file, resolves its relative imports and checks the folder graph against the list below. A new
 * folder must be added to the list: where it sits is a decision, not an accident.
 */
const root = join(__dirname, '..', '..', '..');

/** Bottom first. A folder may import its own layer's files and the folders of lower layers; folders that share a layer do not import each other. */
const LAYERS: readonly (readonly string[])[] = [
  // Spans, edits, durations, file kinds, command-line words, bounded reads; and the messages both sides exchange.
  ['server/src/core', 'server/src/protocol'],
  // Everything known about each engine; the load generator (an HTTP client of the engines' API, for the CLI and
  // the extension alike).
  ['server/src/engines', 'server/src/load'],
  ['server/src/dockerfile'],
  // The YAML view, the service model, the stack plan and its types.
  ['server/src/compose'],
  // "New Inference Stack…" and `inference-stack new`: the stack templates, their config files, the probe script.
  ['server/src/scaffold'],
  // The rule contract, one file per rule, the registry.
  ['server/src/rules'],
  // analyze, the incremental store, fix-all, budgets.
  ['server/src/analysis'],
  ['server/src/lsp', 'server/src/cli'],
  ['client/src/stack'],
  ['client/src/ui'],
  // extension.ts and languageClient.ts.
  ['client/src/entry'],
];

/** The server folders the client may use: the libraries, not the analysis, the language server or the CLI. */
const CLIENT_MAY_IMPORT: ReadonlySet<string> = new Set(['server/src/core', 'server/src/protocol', 'server/src/engines', 'server/src/load', 'server/src/dockerfile', 'server/src/compose', 'server/src/scaffold']);

interface Import {
  /** Importing file, relative to the repository root. */
  file: string;
  /** As written. */
  specifier: string;
  /** Resolved file, relative to the repository root. */
  target: string;
}

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) tsFiles(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const STATIC_IMPORT = /^\s*(?:import|export)\b[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT_IMPORT = /^\s*import\s*['"]([^'"]+)['"]/gm;
const CALL_IMPORT = /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolveImport(fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return base;
}

function importsOf(path: string): Import[] {
  const text = readFileSync(path, 'utf8');
  const specifiers = [STATIC_IMPORT, SIDE_EFFECT_IMPORT, CALL_IMPORT].flatMap((re) => [...text.matchAll(re)].map((m) => m[1]!));
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((specifier) => ({ file: relative(root, path), specifier, target: relative(root, resolveImport(path, specifier)) }));
}

/** The node a file belongs to: its top folder under server/src or client/src; files right under them are `protocol` and `entry`. */
function nodeOf(file: string): string | undefined {
  const parts = file.split(/[\\/]/);
  if (parts[1] !== 'src' || (parts[0] !== 'server' && parts[0] !== 'client')) return undefined;
  if (parts.length > 3) return parts.slice(0, 3).join('/');
  return parts[0] === 'server' ? 'server/src/protocol' : 'client/src/entry';
}

const layerOf = new Map(LAYERS.flatMap((nodes, rank) => nodes.map((n) => [n, rank] as const)));
const imports = ['server/src', 'client/src'].flatMap((dir) => tsFiles(join(root, dir))).flatMap(importsOf);
const describeImport = (i: Import) => `${i.file} imports '${i.specifier}' (${i.target})`;

describe('layers: folders import only downward', () => {
  it('finds the sources (the test reads the tree, not the compiled output)', () => {
    assert.ok(imports.length > 100, `only ${imports.length} imports found under ${root}`);
  });

  it('every folder has a place in LAYERS', () => {
    const nodes = new Set(imports.flatMap((i) => [nodeOf(i.file), nodeOf(i.target)]).filter((n): n is string => n !== undefined));
    const missing = [...nodes].filter((n) => !layerOf.has(n));
    assert.deepEqual(missing, [], `add these folders to LAYERS in test/unit/layers.test.ts: ${missing.join(', ')}`);
  });

  it('the server never imports the client', () => {
    const bad = imports.filter((i) => i.file.startsWith('server/') && i.target.startsWith('client/'));
    assert.deepEqual(bad.map(describeImport), [], 'the server must not depend on the client: move what both need into a server folder');
  });

  it('the client imports only the server\'s library folders', () => {
    const bad = imports.filter((i) => i.file.startsWith('client/') && i.target.startsWith('server/') && !CLIENT_MAY_IMPORT.has(nodeOf(i.target) ?? ''));
    assert.deepEqual(bad.map(describeImport), [], `the client may import only ${[...CLIENT_MAY_IMPORT].join(', ')}`);
  });

  it('no folder imports a folder of its own or a higher layer', () => {
    const bad = imports.filter((i) => {
      const from = nodeOf(i.file);
      const to = nodeOf(i.target);
      if (!from || !to || from === to) return false;
      const fromRank = layerOf.get(from);
      const toRank = layerOf.get(to);
      return fromRank !== undefined && toRank !== undefined && toRank >= fromRank;
    });
    const lines = bad.map((i) => `${describeImport(i)}: ${nodeOf(i.file)} (layer ${layerOf.get(nodeOf(i.file)!)}) may not import ${nodeOf(i.target)} (layer ${layerOf.get(nodeOf(i.target)!)})`);
    assert.deepEqual(lines, [], 'move the imported code down a layer, or the importing code up');
  });

  it('the folders form no cycle', () => {
    const edges = new Map<string, Map<string, Import>>();
    for (const i of imports) {
      const from = nodeOf(i.file);
      const to = nodeOf(i.target);
      if (!from || !to || from === to) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, i);
    }
    const cycle = findCycle(edges);
    assert.equal(cycle, undefined, `folder cycle:\n  ${(cycle ?? []).map(describeImport).join('\n  ')}`);
  });
});

/** One cycle of the folder graph, as the import behind each of its edges; undefined when there is none. */
function findCycle(edges: ReadonlyMap<string, ReadonlyMap<string, Import>>): Import[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): Import[] | undefined => {
    state.set(node, 'open');
    path.push(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (state.get(next) === 'open') {
        const loop = [...path.slice(path.indexOf(next)), next];
        return loop.slice(1).map((to, k) => edges.get(loop[k]!)!.get(to)!);
      }
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of edges.keys()) {
    if (state.has(node)) continue;
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}
