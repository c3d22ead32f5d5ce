/**
 * Each engine's command-line parser as the flag rules see it: how it judges a flag word, what it says when it
 * refuses one, and where an image's release stands against the facts the judgement comes from. vLLM's facts
 * are dated (vLLM main, with release dates); the others name the engine release their commit is.
 */
import { VLLM, type EngineId, type EngineSpec } from './engines';
import { flagTable, type EngineFlagTable } from './engineFlagTables';
import { compareReleases, factsRelease, releaseOfTag } from './engineReleases';
import type { FlagVerdict, RemovedFlag } from './flagJudge';
import { VLLM_FACTS_DATE } from './vllmFacts.generated';
import { judgeFlag } from './vllmFlags';
import { parseVllmVersion, releasedBefore } from './vllmReleases';

/**
 * Where the image's release stands against the facts: `newest` (no tag, `latest`, or a release at least as new),
 * `older` (it may still accept flags removed since), or `unknown` (the tag carries no release: `gptoss`, `sha-…`).
 */
export type Placement = { kind: 'newest'; version?: string } | { kind: 'older'; version: string } | { kind: 'unknown' };

/** Whether a removed flag is gone from the image's release: `gone`, `still` there, or `unknown`. */
export type RemovedPlacement = { kind: 'gone'; version?: string } | { kind: 'still'; version: string } | { kind: 'unknown' };

export interface EngineParser {
  engine: EngineId;
  /** The engine the parser belongs to (its launchers, its GPU memory setting). */
  spec: EngineSpec;
  /** The engine's name in messages. */
  name: string;
  judge(written: string): FlagVerdict;
  /** What the facts are as of, for "(as of …)" in messages. */
  factsLabel: string;
  /** The words the engine prints when it refuses a flag. */
  refusal: string;
  /** `--flag=value` works (llama-server takes only `--flag value`). */
  acceptsInlineValue: boolean;
  /** The engine image's ENTRYPOINT script splits its arguments into words again (TGI's `exec … $@`). */
  imageEntrypointSplitsWords: boolean;
  placeImage(tag: string | undefined): Placement;
  placeRemoved(tag: string | undefined, removed: Pick<RemovedFlag, 'date' | 'sinceVersion'>): RemovedPlacement;
}

/** Tags that follow vLLM's newest build (vllm/vllm-openai publishes `latest` and `nightly`). */
const VLLM_NEWEST_TAGS = /^(latest|nightly)(-[0-9a-f]{7,40})?$/;

const VLLM_PARSER: EngineParser = {
  engine: 'vllm',
  spec: VLLM,
  name: 'vLLM',
  judge: judgeFlag,
  factsLabel: VLLM_FACTS_DATE,
  refusal: 'unrecognized arguments',
  acceptsInlineValue: true,
  // vllm-env.json `vllm_openai_image`: ENTRYPOINT ["vllm", "serve"], exec form.
  imageEntrypointSplitsWords: false,
  placeImage(tag) {
    const placed = vllmPlacement(tag, VLLM_FACTS_DATE);
    return placed.kind === 'still' ? { kind: 'older', version: placed.version } : placed.kind === 'gone' ? { kind: 'newest', ...(placed.version ? { version: placed.version } : {}) } : placed;
  },
  placeRemoved: (tag, removed) => vllmPlacement(tag, removed.date),
};

function vllmPlacement(tag: string | undefined, date: string): RemovedPlacement {
  if (tag === undefined || VLLM_NEWEST_TAGS.test(tag)) return { kind: 'gone' };
  if (!parseVllmVersion(tag)) return { kind: 'unknown' };
  const placed = releasedBefore(tag, date);
  return placed.before ? { kind: 'still', version: placed.version! } : { kind: 'gone', version: placed.version };
}

const NAMES: Partial<Record<EngineId, string>> = { tgi: 'TGI', tei: 'TEI', sglang: 'SGLang', llamacpp: 'llama-server', triton: 'tritonserver', ollama: 'Ollama' };

function tableParser(table: EngineFlagTable, spec: EngineSpec): EngineParser {
  const facts = factsRelease(table.engine, table.version, table.commitDate);
  const name = NAMES[table.engine] ?? table.engine;
  return {
    engine: table.engine,
    spec,
    name,
    judge: table.judge.judge,
    factsLabel: table.version ? `${table.version}, ${table.commitDate}` : table.commitDate,
    refusal: table.refusal,
    acceptsInlineValue: table.acceptsInlineValue,
    imageEntrypointSplitsWords: table.entrypointSplitsWords,
    placeImage(tag) {
      const release = releaseOfTag(table.engine, tag);
      if (release.kind !== 'version') return release;
      if (!facts) return { kind: 'unknown' };
      return compareReleases(release.version, facts) < 0 ? { kind: 'older', version: release.label } : { kind: 'newest', version: release.label };
    },
    placeRemoved(tag, removed) {
      const release = releaseOfTag(table.engine, tag);
      if (release.kind !== 'version') return release.kind === 'newest' ? { kind: 'gone' } : release;
      const gone = removed.sinceVersion ? factsRelease(table.engine, removed.sinceVersion, '') : undefined;
      if (!gone) return { kind: 'unknown' };
      return compareReleases(release.version, gone) < 0 ? { kind: 'still', version: release.label } : { kind: 'gone', version: release.label };
    },
  };
}

const PARSERS = new Map<EngineId, EngineParser | undefined>([['vllm', VLLM_PARSER]]);

/** The engine's parser and release placement, when its facts are vendored (a flag table, or vLLM's). */
export function engineFacts(engine: EngineSpec | undefined): EngineParser | undefined {
  if (!engine) return undefined;
  if (PARSERS.has(engine.id)) return PARSERS.get(engine.id);
  const table = flagTable(engine.id);
  const parser = table && tableParser(table, engine);
  PARSERS.set(engine.id, parser);
  return parser;
}

/** The engine's parser, when its flags are known and an unknown one stops it (Ollama's `serve` takes none). */
export function parserFor(engine: EngineSpec | undefined): EngineParser | undefined {
  const parser = engineFacts(engine);
  if (!parser || parser.engine === 'vllm') return parser;
  const table = flagTable(parser.engine)!;
  return table.rejectsUnknown && table.flags.length > 0 ? parser : undefined;
}
