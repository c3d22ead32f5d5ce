/**
 * One TreeDataProvider for the three views: the rows come from sidebarModel.ts (pure) and are only turned into
 * TreeItems here. Tooltips stay plain strings (never MarkdownString): what a container printed is not markup.
 */
import * as vscode from 'vscode';
import type { Row } from '../stack/views/sidebarModel';

export function toTreeItem(row: Row): vscode.TreeItem {
  const state = row.children?.length
    ? row.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed
    : vscode.TreeItemCollapsibleState.None;
  const item = new vscode.TreeItem(row.label, state);
  item.id = row.id;
  if (row.description !== undefined) item.description = row.description;
  if (row.tooltip !== undefined) item.tooltip = row.tooltip;
  if (row.icon) item.iconPath = new vscode.ThemeIcon(row.icon.id, row.icon.color ? new vscode.ThemeColor(row.icon.color) : undefined);
  if (row.contextValue) item.contextValue = row.contextValue;
  if (row.command) item.command = { command: row.command.command, title: row.command.title, ...(row.command.arguments ? { arguments: row.command.arguments } : {}) };
  return item;
}

export class RowTreeProvider implements vscode.TreeDataProvider<Row>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly rows: () => Row[]) {}

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(row: Row): vscode.TreeItem {
    return toTreeItem(row);
  }

  getChildren(row?: Row): Row[] {
    return row ? row.children ?? [] : this.rows();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
