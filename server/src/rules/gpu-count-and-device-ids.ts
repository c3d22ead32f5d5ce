import type { Node, Pair } from 'yaml';
import type { ComposeFile } from '../compose/composeFile';
import { deviceRequests } from '../compose/gpuReservation';
import { MapEntry, MapView, spanOf } from '../compose/yamlView';
import type { Rule } from './rule';
import type { SpanEdit, SpanFix } from '../core/types';

/**
 * compose-go refuses a device request that sets both `count` and `device_ids` ("attributes are exclusive"),
 * in `deploy.resources.reservations.devices` and in the `gpus:` list alike (compose.json
 * `count_vs_device_ids`, `gpus_shorthand`). The preferred fix keeps `device_ids`: naming GPUs is the more
 * deliberate choice (corpus files keep `# count: all` commented out beside it), and it fixes the count too.
 */
export const rule: Rule = {
  meta: {
    id: 'gpu-count-and-device-ids',
    defaultSeverity: 'error',
    title: 'A device reservation sets both `count` and `device_ids`',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      for (const request of deviceRequests(info, true)) {
        const view = request.view;
        const count = view?.get('count');
        const ids = view?.get('device_ids');
        if (!view || !count || !ids) continue;
        const where = request.kind === 'gpus' ? '`gpus:` entry' : 'device reservation';
        ctx.report({
          span: ids.keyAt,
          message:
            `The ${where} of service "${info.service.name}" sets both \`count\` and \`device_ids\`: Compose refuses to start it ` +
            '("count" and "device_ids" attributes are exclusive). Keep one of them.',
          fixes: fixesFor(ctx.file, view, count, ids),
          involves: [{ span: count.keyAt, what: `count: ${count.value.text ?? ''}`.trim() }],
        });
      }
    }
  },
};

function fixesFor(file: ComposeFile, view: MapView, count: MapEntry, ids: MapEntry): SpanFix[] {
  if (view.inherited || view.isFlow || !count.pair || !ids.pair) return [];
  const fixes: SpanFix[] = [];
  const dropCount = removePair(file, view, count.pair);
  if (dropCount) fixes.push({ title: 'Keep device_ids (remove count)', preferred: true, edits: [dropCount] });
  const dropIds = removePair(file, view, ids.pair);
  if (dropIds) fixes.push({ title: 'Keep count (remove device_ids)', preferred: fixes.length === 0, edits: [dropIds] });
  return fixes;
}

/**
 * Removes one pair of a block map. A pair alone on its lines goes with its lines; a pair that starts on the
 * sequence dash line (`- count: 1`) is cut up to the next key, so the dash stays with what follows.
 */
function removePair(file: ComposeFile, view: MapView, pair: Pair): SpanEdit | undefined {
  const key = spanOf(pair.key as Node);
  if (!key) return undefined;
  const end = contentEnd(file, pair) ?? key.end;
  const lineStart = file.lines.lineStart(file.lines.lineOf(key.start));
  const alone = file.text.slice(lineStart, key.start).trim() === '';
  if (alone) {
    const lastLine = file.lines.lineOf(end);
    const to = lastLine + 1 < file.lines.lineCount ? file.lines.lineStart(lastLine + 1) : file.text.length;
    return { span: { start: lineStart, end: to }, newText: '' };
  }
  const items = view.node.items;
  const next = items[items.indexOf(pair) + 1];
  const nextKey = next ? spanOf(next.key as Node) : undefined;
  // Only whitespace between this pair and the next key: cut up to it; otherwise leave `-` and cut the pair.
  if (nextKey && file.text.slice(end, nextKey.start).trim() === '') return { span: { start: key.start, end: nextKey.start }, newText: '' };
  return { span: { start: key.start, end }, newText: '' };
}

/** Offset just past the pair's value (before trailing comments and line breaks). */
function contentEnd(file: ComposeFile, pair: Pair): number | undefined {
  const r = (pair.value as Node | null)?.range;
  if (!r) return spanOf(pair.key as Node)?.end;
  let end = r[1];
  // Block collections end after their last line break; step back onto content.
  while (end > r[0] && /\s/.test(file.text[end - 1] ?? '')) end--;
  return end;
}
