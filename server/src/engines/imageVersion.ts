import { parseImageRef } from './engines';

/**
 * The release an image tag names (`v0.11.0`, `0.9.2-cu128`), or undefined for `latest`, `nightly`, digests,
 * interpolated or absent tags: those are taken to be the current release.
 */
export function imageVersion(image: string | undefined): [number, number, number] | undefined {
  if (!image || image.includes('$')) return undefined;
  const tag = parseImageRef(image).tag;
  const m = tag ? /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:$|[-+._])/.exec(tag) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** True when the image is pinned to a release older than `min`; false when newer or not pinned. */
export function pinnedBefore(image: string | undefined, min: readonly [number, number, number]): boolean {
  const v = imageVersion(image);
  if (!v) return false;
  for (let i = 0; i < 3; i++) {
    if (v[i]! !== min[i]!) return v[i]! < min[i]!;
  }
  return false;
}

/**
 * vLLM v0.21.0: the first release with `--gpu-memory-utilization` defaulting to 0.92 (vllm-cli-flags.json
 * `default_history`). It is also the first release known to lack the env vars removed on main before
 * 2026-04-21 (vllm-env.json `removed_recently`), since that release was cut after those removals.
 */
export const VLLM_0_21: readonly [number, number, number] = [0, 21, 0];
