import assert from 'node:assert/strict';
import type { CompletionItem, CompletionList, Hover, Position, Range } from 'vscode-languageserver-protocol/node';
import { CompletionRequest, CompletionResolveRequest, HoverRequest } from 'vscode-languageserver-protocol/node';
import { LspSession } from './lspHarness';

/** Where `marker` is in `text` (the `|` convention: the cursor goes where the marker's `|` is, and it is removed). */
export function withCursor(marked: string): { text: string; offset: number; position: Position } {
  const offset = marked.indexOf('|');
  if (offset < 0) throw new Error('no | cursor marker');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { text, offset, position: positionOf(text, offset) };
}

export function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: offset - before.lastIndexOf('\n') - 1 };
}

function offsetOf(text: string, p: Position): number {
  const lines = text.split('\n');
  return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
}

export function textOfRange(text: string, range: Range): string {
  return text.slice(offsetOf(text, range.start), offsetOf(text, range.end));
}

/**
 * The text after accepting `item` as VS Code does: its edit replaces the range, and (insertTextMode
 * adjustIndentation) each line after the first gets the indentation of the line the cursor is on.
 */
export function accept(text: string, item: CompletionItem): string {
  const edit = item.textEdit as { range: Range; newText: string };
  const start = offsetOf(text, edit.range.start);
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const snippet = item.insertTextFormat === 2 ? edit.newText.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '') : edit.newText;
  const inserted = snippet.split('\n').join(`\n${indent}`);
  return text.slice(0, start) + inserted + text.slice(offsetOf(text, edit.range.end));
}

let opened = 0;

/** What a test document is opened as: its file name and language id. */
export interface AssistFile {
  name: string;
  languageId: string;
}

export const COMPOSE_FILE: AssistFile = { name: 'compose.yaml', languageId: 'dockercompose' };
export const DOCKERFILE: AssistFile = { name: 'Dockerfile', languageId: 'dockerfile' };

async function openNew(lsp: LspSession, text: string, file: AssistFile): Promise<string> {
  const uri = `file:///tmp/assist-${process.pid}-${++opened}/${file.name}`;
  await lsp.open(uri, file.languageId, text);
  return uri;
}

/** Opens `marked` (with a `|` cursor) as a new document (Compose unless told) and asks for completion there. */
export async function completeAt(lsp: LspSession, marked: string, file = COMPOSE_FILE): Promise<{ text: string; items: CompletionItem[]; list: CompletionList | null }> {
  const { text, position } = withCursor(marked);
  const uri = await openNew(lsp, text, file);
  const list = (await lsp.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionList | null;
  return { text, items: list?.items ?? [], list };
}

export async function resolveItem(lsp: LspSession, item: CompletionItem): Promise<CompletionItem> {
  return lsp.connection.sendRequest(CompletionResolveRequest.type, item);
}

/** Opens `marked` as a new document (Compose unless told) and hovers at the `|`. */
export async function hoverAt(lsp: LspSession, marked: string, file = COMPOSE_FILE): Promise<{ text: string; hover: Hover | null; markdown: string }> {
  const { text, position } = withCursor(marked);
  const uri = await openNew(lsp, text, file);
  const hover = await lsp.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  const contents = hover?.contents as { value?: string } | undefined;
  return { text, hover, markdown: contents?.value ?? '' };
}

export const labels = (items: CompletionItem[]): string[] => items.map((i) => i.label);

/** The item labelled `label`; fails the test, naming what was offered, when there is none. */
export function item(items: CompletionItem[], label: string): CompletionItem {
  const found = items.find((i) => i.label === label);
  assert.ok(found, `no ${label} in ${labels(items).slice(0, 20).join(', ')}…`);
  return found;
}

/** The range an item's edit replaces. */
export function editRange(item: CompletionItem): Range {
  return (item.textEdit as { range: Range }).range;
}
