/**
 * Where "Write Accuracy Probe Healthcheck Script" puts the probe when the model service runs a stock image (no
 * Dockerfile to edit): in the Compose file, the script bind-mounted read-only into the service and its `healthcheck:`
 * running it, in place of the service's own healthcheck (Compose keeps one per service) or added. Edited through
 * the language server's YAML model and comment-preserving edits (edits.ts), never by hand; the two changes are
 * made one after the other on the text and returned as the one edit between the old text and the new.
 */
import { parseCompose, type ComposeFile, type ComposeService } from '../../../../server/src/compose/composeFile';
import { appendToMap, replaceEntry } from '../../../../server/src/compose/edits';
import { insertUnderPath } from '../../../../server/src/compose/nestedInsert';
import { changedRegion } from '../../../../server/src/core/textDiff';
import { documentParts, partText } from '../../../../server/src/compose/yamlDocuments';
import type { OffsetEdit, SpanEdit } from '../../../../server/src/core/types';

export const PROBE_COMPOSE_COMMENT = '# Accuracy probe (Inference Stack: Write Accuracy Probe Healthcheck Script)';

export type ComposeProbeEdit = { ok: true; edit: OffsetEdit; replaced: boolean } | { ok: false; reason: string };

function apply(text: string, edit: SpanEdit): string {
  return text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
}

function findService(file: ComposeFile, name: string): ComposeService | undefined {
  return file.services.find((s) => s.name === name);
}

/**
 * The edit that gives `service` the probe: `volume` (composeHealthcheck's `./probe.py:/probe.py:ro`) under
 * `volumes:` unless already there, and `healthcheck` (its two-space YAML block) as the service's healthcheck. In a
 * file of several YAML documents (compose-go merges them in order, as files) the edit goes into the last document that
 * writes the service, whose healthcheck is the one Compose keeps.
 */
export function composeProbeHealthcheckEdit(text: string, service: string, probe: { volume: string; healthcheck: string }): ComposeProbeEdit {
  const parts = documentParts(text);
  let documentText = text;
  let parsedDocument: ComposeFile | undefined;
  if (parts.length > 1) {
    const texts = parts.map((part) => partText(text, part));
    const parsed = texts.map((t) => parseCompose(t));
    if (parsed.some((file) => file.syntaxErrors.length)) return { ok: false, reason: 'the Compose file does not parse' };
    const last = parsed.map((file) => !!findService(file, service)).lastIndexOf(true);
    if (last < 0) return { ok: false, reason: `the Compose file has no service "${service}"` };
    // One document as a text of its own, at the file's offsets: an edit inside it is an edit of the file.
    documentText = texts[last]!;
    parsedDocument = parsed[last];
  }
  const edited = probeIn(documentText, service, probe, parsedDocument);
  if (!edited.ok) return edited;
  const { start, oldEnd, delta } = changedRegion(documentText, edited.next);
  return { ok: true, edit: { start, end: oldEnd, newText: edited.next.slice(start, oldEnd + delta) }, replaced: edited.replaced };
}

/** `text` (one YAML document; `first`, its parse when the caller has it) with the probe given to `service`. */
function probeIn(text: string, service: string, probe: { volume: string; healthcheck: string }, first = parseCompose(text)): { ok: true; next: string; replaced: boolean } | { ok: false; reason: string } {
  if (first.syntaxErrors.length) return { ok: false, reason: 'the Compose file does not parse' };
  const svc = findService(first, service);
  if (!svc) return { ok: false, reason: `the Compose file has no service "${service}"` };
  if (svc.map.isFlow || svc.map.inherited) return { ok: false, reason: `"${service}" is written in flow style or comes from an anchor: add the healthcheck by hand` };

  const own = svc.map.get('healthcheck');
  const replaced = own !== undefined && own.pair !== undefined && !own.value.inherited;
  // Run again, the probe's comment is already on the line above: keep one.
  const above = replaced ? first.lines.lineText(Math.max(first.lines.lineOf(own.keyAt.start) - 1, 0)).trim() : '';
  const block = [...(above === PROBE_COMPOSE_COMMENT ? [] : [PROBE_COMPOSE_COMMENT]), ...probe.healthcheck.split('\n')];
  // A merged-in healthcheck is overridden by an own key, which is what appending gives.
  const healthEdit = replaced ? replaceEntry(first, own, block) : appendToMap(first, svc.map, block);
  if (!healthEdit) return { ok: false, reason: `cannot edit the healthcheck of "${service}" safely: add it by hand` };
  let next = apply(text, healthEdit);

  const second = parseCompose(next);
  const again = findService(second, service);
  const mounts = again?.map.seq('volumes')?.items().map((i) => i.text) ?? [];
  if (again && !mounts.includes(probe.volume)) {
    const volumeEdit = insertUnderPath(second, again.map, ['volumes'], [`- ${probe.volume}`]);
    if (!volumeEdit) return { ok: false, reason: `cannot add ${probe.volume} to the volumes of "${service}" safely (flow style?): add it by hand` };
    next = apply(next, volumeEdit);
  }
  return { ok: true, next, replaced };
}
