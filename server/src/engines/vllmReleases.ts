/**
 * vLLM release tags and when they were out, so a flag removed on vLLM main can be checked against the
 * image tag a service pins: a release out before the removal still has the flag.
 *
 * Dates are "out on or before": the earliest public trace found of each release (a mirror of the release
 * files, or the first pull request elsewhere that bumps to it). They can be a few days later than the real
 * release, never earlier. Versions without a confirmed trace are left out and compared through their
 * neighbours (see `releasedBefore`). vLLM cuts a release branch 1-2 days before the release (RELEASE.md in
 * vllm-project/vllm), so a removal merged in the last days before a release may still be missing from it.
 */

import { parseImageRef } from './engines';

export interface VllmRelease {
  version: string;
  /** Out on or before this date (YYYY-MM-DD). */
  outBy: string;
  source: string;
}

export const VLLM_RELEASES: readonly VllmRelease[] = [
  { version: '0.10.0', outBy: '2025-08-09', source: 'PrimeIntellect-ai/prime-rl#696 (Bump vLLM to v0.10.0, reviewed 2025-08-09)' },
  { version: '0.10.1', outBy: '2025-08-21', source: 'FlowGPT/aibrix#18 (dependabot, 2025-08-21, release notes of v0.10.1 and v0.10.1.1)' },
  { version: '0.10.1.1', outBy: '2025-08-21', source: 'oracle-devrel/technology-engineering#1966 (dependabot, 2025-08-21)' },
  { version: '0.11.0', outBy: '2025-10-07', source: 'CentML/mlperf-inference#4 (dependabot, 2025-10-07)' },
  { version: '0.11.1', outBy: '2025-11-19', source: 'IBM/ado#223 (bump to v0.11.1, 2025-11-19)' },
  { version: '0.12.0', outBy: '2025-12-07', source: 'SemiAnalysisAI/InferenceX#303 (links the v0.12.0 image, 2025-12-07)' },
  { version: '0.13.0', outBy: '2025-12-30', source: 'vllm-project/vllm-ascend#5500 ("vLLM version: v0.13.0", 2025-12-30)' },
  { version: '0.14.1', outBy: '2026-02-05', source: 'NVIDIA-NeMo/Curator#1468 (update vllm to 0.14.1, 2026-02-05)' },
  { version: '0.15.1', outBy: '2026-02-26', source: 'ai-dynamo/dynamo#6652 (bump from 0.15.1 to 0.16.0, 2026-02-26)' },
  { version: '0.16.0', outBy: '2026-02-26', source: 'ai-dynamo/dynamo#6652 (2026-02-26)' },
  { version: '0.17.1', outBy: '2026-03-09', source: 'kaito-project/kaito#1830 (bump vllm to 0.17.1, 2026-03-09)' },
  { version: '0.18.1', outBy: '2026-03-30', source: 'sourceforge.net/projects/vllm.mirror/files/v0.18.1 (release files dated 2026-03-30)' },
  { version: '0.20.0', outBy: '2026-04-29', source: 'apache/beam#38330 (dependabot, 2026-04-29)' },
  { version: '0.21.0', outBy: '2026-05-23', source: 'timothystewart6/vllm-gb10#9 (bump v0.20.1 to v0.21.0, 2026-05-23)' },
  { version: '0.22.1', outBy: '2026-06-05', source: 'vllm-project/vllm-metal#425 (bump vLLM to 0.22.1, 2026-06-05)' },
  { version: '0.23.0', outBy: '2026-06-22', source: 'IntelLabs/DeepMath#22 (dependabot, 2026-06-22)' },
  { version: '0.24.0', outBy: '2026-07-01', source: 'PrimeIntellect-ai/OpenRLHF#5 (dependabot, 2026-07-01)' },
  { version: '0.25.0', outBy: '2026-07-13', source: 'mudler/LocalAI#10811 (dependabot, 2026-07-13)' },
  { version: '0.27.1', outBy: '2026-08-13', source: 'vllm-project/vllm-metal#603 (bump vLLM to 0.27.1, 2026-08-13)' },
  { version: '0.28.0', outBy: '2026-08-26', source: 'coreweave/ml-containers#218 ("vLLM 0.28.0 was released", 2026-08-26)' },
  { version: '0.29.0', outBy: '2026-09-09', source: 'coreweave/ml-containers#225 (bump vLLM to 0.29, 2026-09-09)' },
];

export type VersionTuple = readonly [number, number, number, number];

/**
 * `v0.10.1.1`, `0.9.2`, `v0.11.0-cu130`, `v0.8.5.post1`, `v0.12.0rc1`, and a derived image's `vllm-openai-v0.9.1`
 * → numbers; undefined for `latest` etc.
 */
export function parseVllmVersion(tag: string): VersionTuple | undefined {
  const m = /^(?:[\w.-]*?vllm(?:-openai)?[-_])?v?(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?/i.exec(tag.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
}

export function compareVersions(a: VersionTuple, b: VersionTuple): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

const KNOWN = VLLM_RELEASES.map((r) => ({ ...r, tuple: parseVllmVersion(r.version)! }));

export interface TagPlacement {
  /** True when the tag names a release out before `date` (so a flag removed on `date` still works in it). */
  before: boolean;
  /** The version the tag names, when it names one. */
  version: string | undefined;
}

/**
 * Was the release a tag names out before `date`? Floating tags (`latest`, `nightly`, none, a variable) and
 * versions newer than every known release count as after; versions older than every known one as before; a
 * version between known ones takes the date of the next known release (it was out no later than that).
 */
export function releasedBefore(tag: string | undefined, date: string): TagPlacement {
  const tuple = tag ? parseVllmVersion(tag) : undefined;
  if (!tuple) return { before: false, version: undefined };
  const version = tuple.slice(0, tuple[3] ? 4 : 3).join('.');
  if (compareVersions(tuple, KNOWN[0]!.tuple) < 0) return { before: true, version };
  const next = KNOWN.filter((r) => compareVersions(r.tuple, tuple) >= 0);
  if (next.length === 0) return { before: false, version };
  const outBy = next.map((r) => r.outBy).reduce((a, b) => (a < b ? a : b));
  return { before: outBy < date, version };
}

/**
 * vLLM v0.21.0: the first release with `--gpu-memory-utilization` defaulting to 0.92 (vllm-cli-flags.json
 * `default_history`). It is also the first release known to lack the env vars removed on main before
 * 2026-04-21 (vllm-env.json `removed_recently`), since that release was cut after those removals.
 */
export const VLLM_0_21: VersionTuple = [0, 21, 0, 0];

/**
 * True when the image's tag pins a vLLM release older than `min`; false when newer, or not pinned (`latest`,
 * `nightly`, a digest, an interpolated or absent tag: those are taken to be the current release).
 */
export function pinnedBefore(image: string | undefined, min: VersionTuple): boolean {
  if (!image || image.includes('$')) return false;
  const tag = parseImageRef(image).tag;
  const version = tag ? parseVllmVersion(tag) : undefined;
  return !!version && compareVersions(version, min) < 0;
}
