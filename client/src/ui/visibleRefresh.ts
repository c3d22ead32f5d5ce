/**
 * Work that is done only while a view is visible: nvidia-smi for the GPUs view, /metrics for the Probe & metrics view.
 * Runs at once when the view becomes visible, then every `inferenceStack.<setting>` seconds; stops when it is hidden.
 * One run at a time: a slow nvidia-smi is not started again on top of itself.
 */
import * as vscode from 'vscode';

export function refreshWhileVisible(view: vscode.TreeView<unknown>, setting: string, work: () => Promise<void>): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const seconds = () => Math.max(1, vscode.workspace.getConfiguration('inferenceStack').get<number>(setting, 5));
  const tick = async () => {
    timer = undefined;
    if (!view.visible || running) return;
    running = true;
    try {
      await work();
    } finally {
      running = false;
      if (view.visible && !timer) timer = setTimeout(() => void tick(), seconds() * 1000);
    }
  };
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const sub = view.onDidChangeVisibility((e) => (e.visible ? void tick() : stop()));
  if (view.visible) void tick();
  return { dispose: () => (stop(), sub.dispose()) };
}
