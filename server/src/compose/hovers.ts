/**
 * What a hover shows in a Compose file: an engine flag or env var (engines/engineDocs.ts), the model a command
 * serves (parameters, weights, estimated cold start, the memory estimate when a GPU is set), and a healthcheck's
 * timing against the cold start. Everything written in the user's file is escaped: it renders as text.
 */
import type { AnalysisOptions } from '../core/analysisOptions';
import { formatDuration } from '../core/duration';
import { escapeMarkdown, inlineCode } from '../core/markdown';
import { describeEstimate, parseParameterCount, recommendedStartPeriod } from '../engines/coldStart';
import { envHover, flagHover, flagValueHover, type HoverText } from '../engines/engineHovers';
import { gpuLabel } from '../engines/fit/gpuFacts';
import { modelFacts, parameterCount } from '../engines/fit/modelFacts';
import { gib } from '../engines/fit/vllmMemory';
import { isFlagToken } from '../core/commandWords';
import { interpolate } from './interpolation';
import { engineTag } from './completions';
import { describeKey } from './schema/schemaLookup';
import { cursorAt, describeServiceAt, toDocument, toParsed, type ComposeCursor, type ServiceAtCursor } from './cursor';
import { durationField, imageHealthcheck, readHealthcheck, retriesField, unhealthyAfter } from './healthcheck';
import { modelOfService, serviceColdStart } from './serviceColdStart';
import { serviceFit } from './serviceFit';

export function hoverAt(text: string, offset: number, options: AnalysisOptions): HoverText | undefined {
  const cursor = cursorAt(text, offset);
  if (cursor.wordText === '') return undefined;
  return (cursor.service ? serviceHover(cursor, text, options) : undefined) ?? keyHover(cursor);
}

/** A Compose key: what the compose-spec schema says it means. */
function keyHover(cursor: ComposeCursor): HoverText | undefined {
  // On a written key the cursor is in a key slot of the map holding it; the word is the key.
  if (cursor.slot !== 'key') return undefined;
  const path = [...cursor.path, cursor.wordText].map((p) => (p === '-' ? '[]' : p));
  const description = describeKey(path);
  if (!description) return undefined;
  const markdown = `${inlineCode(cursor.wordText)} · Compose\n\n${escapeMarkdown(description)}\n\nSource: the Compose specification's schema (compose-go e70e961)`;
  return { markdown, span: cursor.word };
}

function serviceHover(cursor: ComposeCursor, text: string, options: AnalysisOptions): HoverText | undefined {
  const section = cursor.path[2];
  const onHealthcheckKey = cursor.path.length === 2 && cursor.wordText === 'healthcheck';
  if (section !== 'command' && section !== 'entrypoint' && section !== 'environment' && section !== 'healthcheck' && !onHealthcheckKey) return undefined;
  const at = describeServiceAt(text, cursor, options);
  if (!at) return undefined;
  if (section === 'healthcheck' || onHealthcheckKey) return healthcheckHover(cursor, at, options);
  if (!at.info.isModelService || cursor.path.length !== 3) return undefined;
  if (section === 'environment') return environmentHover(cursor, at);
  return argumentHover(cursor, at, options, section === 'entrypoint' ? 'entrypoint' : 'command');
}

function argumentHover(cursor: ComposeCursor, at: ServiceAtCursor, options: AnalysisOptions, section: 'command' | 'entrypoint'): HoverText | undefined {
  const { info, parsed } = at;
  const engine = info.engine;
  const word = cursor.wordText;
  if (!engine) return undefined;
  if (isFlagToken(word)) return flagHover(engine, engineTag(info), word, cursor.word, cursor.offset);
  const dotEnv = options.dotEnv ?? new Map<string, string>();
  const model = modelOfService(info, dotEnv);
  if (model !== undefined && (interpolate(word, dotEnv) ?? word) === model) return { markdown: modelMarkdown(at, options, model), span: cursor.word };
  const list = section === 'command' ? info.command : info.entrypoint;
  const start = toParsed(parsed, cursor.word.start);
  const before = (list?.tokens ?? []).filter((t) => t.span.end <= start);
  return flagValueHover(engine, engineTag(info), before[before.length - 1]?.text, cursor.word);
}

function environmentHover(cursor: ComposeCursor, at: ServiceAtCursor): HoverText | undefined {
  const eq = cursor.wordText.indexOf('=');
  const name = eq >= 0 ? cursor.wordText.slice(0, eq) : cursor.wordText;
  if (cursor.slot === 'item' && eq >= 0 && cursor.offset > cursor.word.start + eq) return undefined;
  return envHover(at.info.engine, name, { start: cursor.word.start, end: cursor.word.start + name.length });
}

const DTYPE_BYTES: Readonly<Record<string, number>> = { bfloat16: 2, float16: 2, float32: 4 };

function modelMarkdown(at: ServiceAtCursor, options: AnalysisOptions, model: string): string {
  const lines = [`${inlineCode(model)} · model`, ''];
  const facts = modelFacts(model);
  const count = facts ? parameterCount(facts) : null;
  if (facts && count) {
    const bytes = facts.quantization ? undefined : DTYPE_BYTES[facts.dtype ?? ''];
    lines.push(`- Parameters: ${(count.total / 1e9).toFixed(1)}B (from its config: ${facts.layers} layers, hidden size ${facts.hiddenSize}${facts.moe ? `, ${facts.moe.experts} experts` : ''})`);
    if (bytes) lines.push(`- Weights: about ${gib(count.total * bytes)} GiB in ${escapeMarkdown(facts.dtype!)}`);
    if (facts.quantization) lines.push(`- Checkpoint quantization: ${escapeMarkdown(facts.quantization)}`);
    if (facts.maxPositionEmbeddings) lines.push(`- Context: ${facts.maxPositionEmbeddings.toLocaleString('en')} tokens (max_position_embeddings)`);
  } else {
    const billions = parseParameterCount(model);
    if (billions !== undefined) lines.push(`- Parameters: about ${billions}B (from the name; the model is not in the facts table)`);
  }
  const estimate = serviceColdStart(at.info, options, options.dotEnv);
  lines.push(`- Estimated cold start: ${escapeMarkdown(describeEstimate(estimate))}`);
  const fit = serviceFit(at.parsed.file, at.info, options);
  if (fit.known) {
    const f = fit.fit;
    const gpu = options.gpu ? escapeMarkdown(gpuLabel(options.gpu)) : 'the GPU';
    if (f.weightsBytesPerGpu !== null) lines.push(`- GPU memory on ${gpu}: weights ${gib(f.weightsBytesPerGpu)} GiB per GPU of ${gib(f.requestedBytes)} GiB requested`);
    if (f.kvCacheBytes !== null && f.kvTokens !== null) lines.push(`- KV cache: ${gib(f.kvCacheBytes)} GiB, about ${Math.max(0, Math.floor(f.kvTokens)).toLocaleString('en')} tokens`);
    if (f.refusal) lines.push(`- vLLM would stop at start-up: ${escapeMarkdown(f.refusal)}`);
  } else if (!options.gpu && facts && at.info.engine?.id === 'vllm') {
    lines.push('- GPU memory: set `inferenceStack.gpu`, or open the GPUs view on a machine with NVIDIA GPUs, for the estimate');
  }
  return lines.join('\n');
}

function healthcheckHover(cursor: ComposeCursor, at: ServiceAtCursor, options: AnalysisOptions): HoverText | undefined {
  const { info } = at;
  const hc = readHealthcheck(info);
  const dotEnv = options.dotEnv ?? new Map<string, string>();
  if (hc?.disabled) return undefined;
  if (!hc?.test && !imageHealthcheck(info)) return undefined;
  const map = hc?.map;
  const startPeriod = durationField(map, 'start_period', dotEnv);
  const interval = durationField(map, 'interval', dotEnv);
  const retries = retriesField(map, dotEnv);
  const grace = unhealthyAfter(startPeriod, interval, retries);
  const name = inlineCode(info.service.name);
  const lines = [`Healthcheck of ${name}`, ''];
  if (grace === undefined) {
    lines.push('- Its timing is known only at `compose up` (a `${VAR}` with no value in `.env`), or is invalid.');
  } else {
    const shown = (f: typeof startPeriod, fallback: string) => (f.kind === 'ok' && f.value > 0 ? formatDuration(f.value) : `${fallback} (default)`);
    const tries = retries.kind === 'ok' && retries.value > 0 ? String(Math.round(retries.value)) : '3 (default)';
    lines.push(
      `- Unhealthy after ${formatDuration(grace)} of failing probes: start_period ${startPeriod.kind === 'ok' && startPeriod.value > 0 ? formatDuration(startPeriod.value) : '0s'}, then ${tries} failures ${shown(interval, '30s')} apart`,
    );
  }
  if (info.isModelService) {
    const estimate = serviceColdStart(info, options, dotEnv);
    lines.push(`- Estimated cold start: ${escapeMarkdown(describeEstimate(estimate))}`);
    const needed = recommendedStartPeriod(estimate);
    if (grace !== undefined && grace < needed) lines.push(`- Shorter than twice the cold start (${formatDuration(needed)}): a slow load is marked unhealthy`);
  }
  const anchor = hc ? toDocument(at.parsed, hc.entry.keyAt) : cursor.word;
  return { markdown: lines.join('\n'), span: cursor.path.length === 2 ? anchor : cursor.word };
}
