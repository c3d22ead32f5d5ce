/**
 * The views' providers before the stack bundle is loaded: registered at activation (so a view shown first has a
 * provider), they load dist/stack.js on the first getChildren and then hand everything to the real provider.
 * Imports only vscode, so extension.ts stays small.
 */
import * as vscode from 'vscode';

export class LazyTreeProvider<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private real: vscode.TreeDataProvider<T> | undefined;
  private subscription: vscode.Disposable | undefined;

  /** `load` loads the bundle and calls setDelegate on this provider before it resolves. */
  constructor(private readonly load: () => Promise<void>) {}

  setDelegate(real: vscode.TreeDataProvider<T>): void {
    this.subscription?.dispose();
    this.real = real;
    this.subscription = real.onDidChangeTreeData?.(() => this.changed.fire());
    this.changed.fire();
  }

  getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    // Elements exist only once the real provider gave them.
    return this.real!.getTreeItem(element);
  }

  async getChildren(element?: T): Promise<T[]> {
    if (!this.real) {
      try {
        await this.load();
      } catch {
        return []; // the load failure is reported by whoever loads
      }
    }
    return (await this.real?.getChildren(element)) ?? [];
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changed.dispose();
  }
}
