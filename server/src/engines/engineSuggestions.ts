/**
 * The engine items completion offers, wherever the engine's command line or environment is written (a Compose
 * service, a Dockerfile): its flags for the image's release, a flag's choices, the env vars it reads. The caller
 * finds the word under the cursor and what is written already; this module decides what to offer. Facts only
 * (engineDocs.ts): an engine with no vendored flag or env list gets no items.
 */
import { isFlagToken } from '../core/commandWords';
import type { Span } from '../core/types';
import { defaultForImage, envDoc, envMarkdown, envVarsFor, flagDoc, flagMarkdown, flagsFor, type FlagDoc } from './engineDocs';
import { ENGINES, type EngineId, type EngineSpec } from './engines';

export type SuggestionKind = 'flag' | 'value' | 'variable' | 'snippet' | 'service';

export interface Suggestion {
  label: string;
  kind: SuggestionKind;
  /** One line beside the label. */
  detail: string | undefined;
  /** Markdown. */
  documentation: string | undefined;
  /** Where the documentation comes from when it is written only for the item the user looks at (`docFor`). */
  doc: DocRef | undefined;
  insertText: string;
  /** `insertText` is an LSP snippet (`$1`, `${1:x}`); its lines after the first are relative to the cursor's line. */
  snippet: boolean;
  /** What accepting the item replaces (document offsets). */
  replace: Span;
  /** What the editor matches the typed text against, when not the label. */
  filterText: string | undefined;
  deprecated: boolean;
  /** Orders items the editor ranks alike: the flags most deployments set first. */
  sortText: string;
}

/** A flag or env var of an engine, whose documentation `docFor` writes on demand. */
export interface DocRef {
  engine: EngineId;
  flag?: string;
  env?: string;
  /** The image tag, for the defaults of its release. */
  tag?: string;
}

/** The documentation of an item, written when the editor shows it (hundreds of flags are offered at once). */
export function docFor(ref: DocRef): string | undefined {
  const engine = ENGINES.find((e) => e.id === ref.engine);
  if (!engine) return undefined;
  if (ref.flag !== undefined) {
    const doc = flagDoc(engine, ref.flag);
    return doc && flagMarkdown(engine.name, doc, ref.tag);
  }
  const env = ref.env !== undefined ? envDoc(engine, ref.env) : undefined;
  return env && envMarkdown(engine.name, env);
}

/** A word of an engine's command line under the cursor, and what is around it. */
export interface ArgumentWord {
  engine: EngineSpec;
  /** The tag of the image that pins the engine's release (undefined: the current release). */
  tag: string | undefined;
  /** The word under the cursor (document offsets), and its part before the cursor. */
  word: Span;
  prefix: string;
  /** The word before it in the same argument list. */
  previous: string | undefined;
  /** The flags written in the launch command, the word under the cursor left out. */
  written: readonly string[];
  /** The list starts with a program (an entrypoint): its first word is not one of the engine's arguments. */
  startsWithProgram: boolean;
  /** Models in the Hugging Face caches the service mounts from the workspace (offered after a model flag). */
  localModels?: readonly LocalModel[];
}

/** A model found in a mounted Hugging Face cache, and how to name the folder it was found in. */
export interface LocalModel {
  id: string;
  folder: string;
}

/** The engine's flags not written yet, or the choices of the flag the word is a value of. */
export function argumentSuggestions(at: ArgumentWord): Suggestion[] {
  const { engine, tag, prefix } = at;
  // A model flag's value: the models of the mounted caches, whether or not the engine's flags are vendored.
  const afterModelFlag = !prefix.startsWith('-') && at.previous !== undefined && engine.modelFlags.includes(at.previous);
  if (afterModelFlag && at.localModels?.length) return modelSuggestions(at.localModels, at.word);
  const flags = flagsFor(engine, tag);
  if (!flags) return [];
  const eq = prefix.indexOf('=');
  if (prefix.startsWith('--') && eq > 0) {
    // `--dtype=` takes its value in the same word.
    const doc = flagDoc(engine, prefix.slice(0, eq));
    return doc ? valueSuggestions(doc, { start: at.word.start + eq + 1, end: at.word.end }, tag) : [];
  }
  if (!prefix.startsWith('-')) {
    const previous = at.previous;
    const owner = previous !== undefined && isFlagToken(previous) && !previous.includes('=') ? flagDoc(engine, previous) : undefined;
    if (owner?.takesValue) return valueSuggestions(owner, at.word, tag);
    // A model id, a path, a value of an unknown flag; and a program's own words before the engine's arguments.
    if (prefix !== '' || (at.startsWithProgram && previous === undefined)) return [];
  }
  const present = new Set(at.written.map((w) => flagDoc(engine, w)).flatMap((doc) => (doc && !doc.repeatable ? [doc.flag] : [])));
  return flags
    .filter((doc) => !present.has(doc.flag))
    .map((doc) => ({
      label: doc.flag,
      kind: 'flag' as const,
      detail: flagDetail(doc, tag),
      documentation: undefined,
      doc: { engine: engine.id, flag: doc.flag, ...(tag !== undefined ? { tag } : {}) },
      insertText: doc.flag,
      snippet: false,
      replace: at.word,
      filterText: undefined,
      deprecated: doc.deprecated,
      sortText: `${doc.common ? 0 : 1}${doc.removed ? 1 : 0}${doc.flag}`,
    }));
}

/** One line: what the flag does, its default in the image's release. */
function flagDetail(doc: FlagDoc, imageTag: string | undefined): string {
  if (doc.removed) return `Removed from vLLM on ${doc.removed.date}; this image's release still accepts it.`;
  const shown = defaultForImage(doc, imageTag);
  return `${doc.meaning}${shown !== undefined ? ` (default ${shown})` : ''}`;
}

function modelSuggestions(models: readonly LocalModel[], replace: Span): Suggestion[] {
  return models.map((m, i) => ({
    label: m.id,
    kind: 'value' as const,
    detail: `in the Hugging Face cache at ${m.folder}`,
    documentation: undefined,
    doc: undefined,
    insertText: m.id,
    snippet: false,
    replace,
    filterText: undefined,
    deprecated: false,
    sortText: String(i).padStart(4, '0'),
  }));
}

function valueSuggestions(doc: FlagDoc, replace: Span, imageTag: string | undefined): Suggestion[] {
  const fallback = defaultForImage(doc, imageTag);
  return (doc.choices ?? []).map((choice, i) => ({
    label: choice,
    kind: 'value' as const,
    detail: `${doc.flag}${choice === fallback ? ' · default' : ''}${doc.deprecatedChoices.has(choice) ? ' · needs --allow-deprecated-quantization' : ''}`,
    documentation: undefined,
    doc: undefined,
    insertText: choice,
    snippet: false,
    replace,
    filterText: undefined,
    deprecated: doc.deprecatedChoices.has(choice),
    sortText: String(i).padStart(3, '0'),
  }));
}

/** Where an env var's name is typed: what it replaces, what is set already, how the chosen name is written. */
export interface EnvNameSlot {
  replace: Span;
  /** Names set already, the one under the cursor left out. */
  written: ReadonlySet<string>;
  /** The text that goes in for a name (`NAME: `, `NAME=`, or the name alone when the rest is written). */
  insertText: (name: string) => string;
}

/** The env vars the engine reads that are not set yet. */
export function envSuggestions(engine: EngineSpec | undefined, slot: EnvNameSlot): Suggestion[] {
  const vars = envVarsFor(engine);
  if (!vars || !engine) return [];
  return vars
    .filter((v) => !slot.written.has(v.name))
    .map((v) => ({
      label: v.name,
      kind: 'variable' as const,
      detail: `${v.deprecated ? 'Deprecated: ' : ''}${v.meaning}${v.default !== undefined && v.default !== '' ? ` (default ${v.default})` : ''}`,
      documentation: undefined,
      doc: { engine: engine.id, env: v.name },
      insertText: slot.insertText(v.name),
      snippet: false,
      replace: slot.replace,
      filterText: undefined,
      deprecated: v.deprecated !== undefined,
      sortText: `${/^(VLLM_|OLLAMA_|HF_TOKEN$)/.test(v.name) ? 0 : 1}${v.name}`,
    }));
}
