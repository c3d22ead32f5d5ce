import type { Node } from 'yaml';
import type { Span } from '../core/types';

/** Whether an incremental run (re-checking only `scope`) skips `node`: it does not overlap the re-checked part. */
export function outsideScope(scope: Span | undefined, node: unknown): boolean {
  const r = scope ? (node as Node | null)?.range : undefined;
  return !!r && (r[0] >= scope!.end || (r[2] <= scope!.start && r[0] < scope!.start));
}
