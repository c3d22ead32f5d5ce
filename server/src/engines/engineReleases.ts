/**
 * Which release of an engine an image tag carries, for engines other than vLLM (vllmReleases.ts has its own,
 * with vLLM's release dates). A tag tells a release only when it carries one in the engine's own form; `latest`
 * and the variant names that follow each release (`server-cuda`, `cuda-latest`) mean the newest. Anything else
 * (`sha-1a2b3c4`, `gptoss`, `rocm`) is unknown, and nothing that depends on the release is said about it.
 */
import type { EngineId } from './engines';

export type Release =
  | { kind: 'newest' }
  | { kind: 'version'; version: readonly number[]; label: string }
  | { kind: 'unknown' };

/** The engine's release numbers as its image tags write them. */
const VERSION_IN_TAG: Partial<Record<EngineId, RegExp>> = {
  // 3.3.7, v2.4.0, 3.0.1-rocm
  tgi: /^v?(\d+)\.(\d+)(?:\.(\d+))?(?![\d.])/,
  // 1.7, 1.7.2, cuda-1.7, 86-1.7, turing-1.7 (the number before is a GPU architecture, not the release)
  tei: /(?:^|-)v?(\d+)\.(\d+)(?:\.(\d+))?$/,
  // v0.4.9.post1-cu126, 0.5.0rc2
  sglang: /^v?(\d+)\.(\d+)\.(\d+)(?:\.post(\d+))?/,
  // server-cuda-b4567, b6120: llama.cpp numbers its builds
  llamacpp: /(?:^|-)b(\d+)(?:$|-)/,
  // 24.08-py3, 25.01-trtllm-python-py3: the NGC container's year and month
  triton: /^(\d{2})\.(\d{2})(?:$|-)/,
  // 0.6.8, 0.9.0-rocm
  ollama: /^v?(\d+)\.(\d+)\.(\d+)/,
};

/** Tags that follow each release: the newest one. */
const NEWEST_TAGS: Partial<Record<EngineId, RegExp>> = {
  tgi: /^latest(-[a-z0-9-]+)?$/,
  tei: /^(([a-z0-9]+-)?latest)$/,
  sglang: /^latest(-[a-z0-9-]+)?$/,
  llamacpp: /^(latest|server|full|light)(-(cuda|rocm|musa|intel|vulkan|cpu))?$/,
  triton: /^latest$/,
  // ollama/ollama publishes `latest` and `rocm` for each release.
  ollama: /^(latest|rocm)$/,
};

export function releaseOfTag(engine: EngineId, tag: string | undefined): Release {
  if (tag === undefined) return { kind: 'newest' };
  if (NEWEST_TAGS[engine]?.test(tag)) return { kind: 'newest' };
  const m = VERSION_IN_TAG[engine]?.exec(tag);
  if (!m) return { kind: 'unknown' };
  const version = m.slice(1).filter((n) => n !== undefined).map(Number);
  return { kind: 'version', version, label: engine === 'triton' ? `${m[1]}.${m[2]} (container)` : m[0].replace(/^-|-$/g, '') };
}

/** A release the engine's facts name (`v3.3.7`, `b6120`), or the month of their commit for Triton's YY.MM tags. */
export function factsRelease(engine: EngineId, version: string | null | undefined, commitDate: string): readonly number[] | undefined {
  if (engine === 'triton') {
    const m = /^\d{2}(\d{2})-(\d{2})/.exec(commitDate);
    return m ? [Number(m[1]), Number(m[2])] : undefined;
  }
  if (!version) return undefined;
  const m = VERSION_IN_TAG[engine]?.exec(version.replace(/^v(?=\d)/, ''));
  return m ? m.slice(1).filter((n) => n !== undefined).map(Number) : undefined;
}

/**
 * Compares the parts both name: a tag `1.9` follows the newest 1.9.x, so it is not older than 1.9.3, and a
 * release without `.postN` equals its post releases.
 */
export function compareReleases(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
