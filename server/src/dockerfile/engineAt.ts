/**
 * The engine a Dockerfile's cursor is about, for completion and hover: the engine the shipped image runs and the
 * release its base image's tag pins, found as for a Compose service built from this Dockerfile (imageEngine.ts `engineOfModel`),
 * so both offer the same flags. Nothing for a builder stage left behind, for an image that only pip-installs an
 * engine (how it starts it is unknown), and for an image of no known engine.
 */
import { isFlagToken, shellScriptAt } from '../core/commandWords';
import { engineForImage, releaseTag, type EngineSpec } from '../engines/engines';
import type { ArgumentWord } from '../engines/engineSuggestions';
import { argumentWordsAt, type DockerfileCursor, type Word } from './cursor';
import { spanOfRange, type DockerfileModel } from './dockerfileModel';
import { engineOfModel, launchTokens, type BuiltEngine } from './imageEngine';

export interface EngineAtCursor {
  engine: EngineSpec;
  /** The base image's tag (undefined: not pinned, or only known at build). */
  tag: string | undefined;
  built: BuiltEngine;
}

export function engineAt(cursor: DockerfileCursor): EngineAtCursor | undefined {
  if (!cursor.shipped) return undefined;
  let found = engines.get(cursor.model);
  if (found === undefined) {
    const built = engineOfModel(cursor.model, undefined);
    found = built ? { engine: built.spec, tag: releaseTag(built.baseImage), built } : null;
    engines.set(cursor.model, found);
  }
  return found ?? undefined;
}

/** By parse (one per text, dockerfile/cursor.ts): completion, resolve and hover of a text find the engine once. */
const engines = new WeakMap<DockerfileModel, EngineAtCursor | null>();

/**
 * The word under the cursor in the shipped ENTRYPOINT / CMD, as the engine's argument. Undefined in another
 * instruction, and in a `sh -c` script, whose words may belong to any program it runs.
 */
export function launchWordAt(cursor: DockerfileCursor, found: EngineAtCursor): { argument: ArgumentWord; word: Word } | undefined {
  if (cursor.keyword !== 'ENTRYPOINT' && cursor.keyword !== 'CMD') return undefined;
  const { words, at } = argumentWordsAt(cursor);
  if (shellScriptAt(words) >= 0) return undefined;
  const word = words[at]!;
  const own = spanOfRange(cursor.model, cursor.instruction.getRange());
  const elsewhere = launchTokens(cursor.model).filter((t) => t.span.end <= own.start || t.span.start >= own.end);
  const written = [...elsewhere, ...words.filter((_, i) => i !== at)].map((w) => w.text).filter(isFlagToken);
  const argument: ArgumentWord = {
    engine: found.engine,
    tag: found.tag,
    word: word.span,
    prefix: word.text.slice(0, cursor.offset - word.span.start),
    previous: words[at - 1]?.text,
    written,
    startsWithProgram: cursor.keyword === 'ENTRYPOINT' || !cmdFollowsEntrypoint(found.built),
  };
  return { argument, word };
}

/** A CMD holds arguments when an entrypoint runs first: the Dockerfile's own, or its base engine image's. */
function cmdFollowsEntrypoint(built: BuiltEngine): boolean {
  if (!built.keepsImageEntrypoint) return true;
  const base = built.baseImage !== undefined ? engineForImage(built.baseImage) : undefined;
  return (base?.imageEntrypoint.length ?? 0) > 0;
}
