import { Healthcheck } from 'dockerfile-ast';
import { isScalar, type Scalar } from 'yaml';
import type { ComposeFile } from '../compose/composeFile';
import { insertAfterLine } from '../compose/edits';
import { readHealthcheck } from '../compose/healthcheck';
import type { ValueView } from '../compose/yamlView';
import { composeHealthcheckCommand, dockerHealthcheckCommand } from '../core/healthcheckCommand';
import { statusBlindArgv, statusBlindScript, type StatusBlindProbe } from '../core/httpProbe';
import type { Span, SpanEdit, SpanFix } from '../core/types';
import { shippedStages, spanOfRange } from '../dockerfile/dockerfileModel';
import type { DockerfileContext, Rule } from './rule';

/**
 * A healthcheck that probes a health endpoint but passes whatever status it answers (core/httpProbe.ts): the
 * container is "healthy" while the server answers 503, so `depends_on: service_healthy` and restarts trust it.
 * Reported on every service: what a probe's exit status means does not depend on the engine.
 */
export const rule: Rule = {
  meta: {
    id: 'healthcheck-ignores-status',
    defaultSeverity: 'warning',
    title: 'Healthcheck passes on an HTTP error status',
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      const hc = readHealthcheck(info);
      if (!hc?.test || hc.disabled) continue;
      const found = composeProbe(ctx.file, hc.test);
      if (!found) continue;
      ctx.report({
        span: hc.test.at,
        message: message(found.probe, `service "${info.service.name}"`),
        fixes: found.edit ? [addFail(found.edit)] : [],
      });
    }
  },
  dockerfile(ctx) {
    const healthcheck = shippedStages(ctx.model)
      .flatMap((s) => s.instructions)
      .filter((i): i is Healthcheck => i instanceof Healthcheck)
      .pop();
    if (!healthcheck || healthcheck.getSubcommand()?.getValue().toUpperCase() !== 'CMD') return;
    const args = healthcheck.getArguments();
    const first = args[1];
    const last = args[args.length - 1];
    if (!first || !last) return;
    const span = { start: spanOfRange(ctx.model, first.getRange()).start, end: spanOfRange(ctx.model, last.getRange()).end };
    const found = dockerfileProbe(ctx, span);
    if (!found) return;
    ctx.report({ span, message: message(found.probe, 'the image'), fixes: found.edit ? [addFail(found.edit)] : [] });
  },
};

function message(probe: StatusBlindProbe, whose: string): string {
  return probe.tool === 'curl'
    ? `The healthcheck of ${whose} passes when the server answers an HTTP error: curl exits 0 on any response, 503 included, ` +
        'unless it is given -f (--fail). Add -f, so a server that is up but not ready or broken is reported unhealthy.'
    : `The healthcheck of ${whose} passes when the server answers an HTTP error: requests.get() and httpx.get() return ` +
        'a 503 response without raising. Call .raise_for_status() on the response (or check .status_code).';
}

function addFail(edit: SpanEdit): SpanFix {
  return { title: 'Add -f to curl', preferred: true, edits: [edit] };
}

interface Found {
  probe: StatusBlindProbe;
  edit: SpanEdit | undefined;
}

/** `test: [CMD, curl, ...]`, `test: [CMD-SHELL, "curl ..."]` or `test: curl ...` (a shell string). */
function composeProbe(file: ComposeFile, test: ValueView): Found | undefined {
  const seq = test.asSeq();
  const command = composeHealthcheckCommand(test.text, seq?.items().map((i) => ({ text: i.text, at: i })), test);
  if (!command) return undefined;
  if (command.kind === 'script') {
    const probe = statusBlindScript(command.script);
    return probe && { probe, edit: scriptEdit(file, command.at, probe) };
  }
  const probe = statusBlindArgv(command.argv);
  if (!probe) return undefined;
  if (probe.scriptIndex !== undefined) return { probe, edit: scriptEdit(file, command.items[probe.scriptIndex]!, probe) };
  if (probe.curlIndex === undefined) return { probe, edit: undefined };
  const curl = command.items[probe.curlIndex]!;
  return { probe, edit: seq!.inherited ? undefined : argvEdit(file, curl, seq!.isFlow) };
}

/** Inserts ` -f` after the curl word of a script written plainly in the file (no escapes, one line). */
function scriptEdit(file: ComposeFile, view: ValueView, probe: StatusBlindProbe): SpanEdit | undefined {
  const start = plainTextStart(file, view);
  if (start === undefined || probe.curlEnd === undefined) return undefined;
  const at = start + probe.curlEnd;
  return { span: { start: at, end: at }, newText: ' -f' };
}

/** Where a scalar's value starts in the file, when the source holds the value as is (no escapes or folding). */
function plainTextStart(file: ComposeFile, view: ValueView): number | undefined {
  const scalar = view.asScalar() as Scalar | undefined;
  const text = view.text;
  if (view.inherited || !isScalar(scalar) || !scalar.range || text === undefined || /[\r\n]/.test(text)) return undefined;
  if (scalar.type !== 'PLAIN' && scalar.type !== 'QUOTE_DOUBLE' && scalar.type !== 'QUOTE_SINGLE') return undefined;
  const start = scalar.range[0] + (scalar.type === 'PLAIN' ? 0 : 1);
  return file.text.slice(start, start + text.length) === text ? start : undefined;
}

/** A new `"-f"` item after the curl item: `, "-f"` in a flow list, a `- "-f"` line in a block list. */
function argvEdit(file: ComposeFile, curl: ValueView, flow: boolean): SpanEdit | undefined {
  const range = curl.asScalar()?.range;
  if (curl.inherited || !range) return undefined;
  if (flow) return { span: { start: range[1], end: range[1] }, newText: ', "-f"' };
  const lineText = file.lines.lineText(file.lines.lineOf(range[0]));
  const lineStart = file.lines.lineStart(file.lines.lineOf(range[0]));
  const before = /^(\s*)-\s+$/.exec(file.text.slice(lineStart, range[0]));
  if (!before || lineText.length === 0) return undefined;
  return insertAfterLine(file, range[0], before[1]!.length, ['- "-f"']);
}

/** A Dockerfile HEALTHCHECK CMD in shell form (`CMD curl ...`) or exec form (`CMD ["curl", ...]`). */
function dockerfileProbe(ctx: DockerfileContext, span: Span): Found | undefined {
  const text = ctx.model.text.slice(span.start, span.end);
  const command = dockerHealthcheckCommand(text);
  if (!command) return undefined;
  if (command.kind === 'script') {
    const probe = statusBlindScript(command.script);
    const at = probe?.curlEnd === undefined ? undefined : span.start + probe.curlEnd;
    return probe && { probe, edit: at === undefined ? undefined : { span: { start: at, end: at }, newText: ' -f' } };
  }
  const probe = statusBlindArgv(command.argv);
  if (!probe) return undefined;
  // The curl string of the JSON array ends where `, "-f"` goes.
  const end = probe.curlIndex === undefined ? undefined : jsonStringEnds(text)[probe.curlIndex];
  const at = end === undefined ? undefined : span.start + end;
  return { probe, edit: at === undefined ? undefined : { span: { start: at, end: at }, newText: ', "-f"' } };
}

/** Offsets just past each JSON string of `text`, in order (one pass: an unterminated string ends the list). */
function jsonStringEnds(text: string): number[] {
  const ends: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '"') continue;
    for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    if (i >= text.length) break;
    ends.push(i + 1);
  }
  return ends;
}
