/**
 * What a hover shows over an engine's flag, a flag's value or an env var the engine reads, wherever it is written
 * (a Compose service, a Dockerfile): the same documentation (engineDocs.ts) in both.
 */
import { isFlagToken } from '../core/commandWords';
import type { Span } from '../core/types';
import { envDoc, envMarkdown, flagDoc, flagMarkdown } from './engineDocs';
import type { EngineSpec } from './engines';

export interface HoverText {
  markdown: string;
  /** What the hover is about (document offsets). */
  span: Span;
}

/**
 * A flag word (`--dtype`, `-tp`, `--dtype=half`): its doc over its name. On the value of `--flag=value` the flag
 * still explains it, over the whole word.
 */
export function flagHover(engine: EngineSpec, tag: string | undefined, word: string, at: Span, offset: number): HoverText | undefined {
  const doc = flagDoc(engine, word);
  if (!doc) return undefined;
  const eq = word.indexOf('=');
  const onValue = eq > 0 && offset > at.start + eq;
  return { markdown: flagMarkdown(engine.name, doc, tag), span: onValue ? at : { start: at.start, end: at.start + (eq > 0 ? eq : word.length) } };
}

/** A value: the flag before it says what it means (when that flag takes one). */
export function flagValueHover(engine: EngineSpec, tag: string | undefined, previous: string | undefined, at: Span): HoverText | undefined {
  const owner = previous !== undefined && isFlagToken(previous) ? flagDoc(engine, previous) : undefined;
  return owner?.takesValue ? { markdown: flagMarkdown(engine.name, owner, tag), span: at } : undefined;
}

/** An env var's name, if the engine reads it. */
export function envHover(engine: EngineSpec | undefined, name: string, at: Span): HoverText | undefined {
  const doc = envDoc(engine, name);
  return doc && engine ? { markdown: envMarkdown(engine.name, doc), span: at } : undefined;
}
